"""CSRF on every HTML form, and sessions that neither carry over from before sign-in nor
outlive sign-out.

(a) Every POST rule outside /api (the API takes bearer tokens, not cookies) is sent by a
    signed-in user (anonymous for the public forms) without a CSRF token, and with the
    token of another session: 400 each time, and the database unchanged. The same requests
    with the session's own token get past CSRF (the check can fail). URL parameters and
    form bodies come from tests/web/authz_data.py, the authorization matrix's tables.
(b) Session fixation: the cookie a browser had before signing in (or one an attacker
    planted) is not the signed-in session, and replayed after sign-in it is not signed in.
    Sign-out ends the session on the server too: the signed-in cookie, replayed after
    sign-out, no longer opens anything (Flask's sessions are signed cookies, so this needs
    the user's session epoch, webui/auth.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from engine.core import clock
from tests.web.authz_data import ACCESS, BODIES, World, fingerprint, frozen_world, parameters
from tests.web.confidentiality_data import SWEPT
from tests.web_client import Browser
from webui import create_app

#: What webui/errors.py's CSRF page says (Thai, the default language): "the form has
#: expired or was not sent from this site".
CSRF_REFUSAL = "แบบฟอร์มหมดอายุหรือไม่ได้ส่งจากหน้าเว็บนี้"
PUBLIC_FORMS = {"auth.signin", "auth.language", "public_pages.complaint", "public_pages.track"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with frozen_world(tmp_path_factory.mktemp("csrf")) as built:
        yield built


@pytest.fixture(scope="module")
def app(world: World):
    """The app as deployed: CSRF protection on."""
    app = create_app(runtime=world.rt)
    app.testing = True
    assert app.config.get("WTF_CSRF_ENABLED", True) is not False
    return app


def _html_posts(app, world: World) -> list[tuple[str, str, str]]:
    """(endpoint, path, who) for every non-API rule that accepts POST; who is a user the
    authorization table allows there, so only CSRF can refuse the request."""
    params = parameters(world, app)
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        # /owner/api/: the editor's JSON calls answer JSON (tests/web/test_drafts_api.py).
        if "POST" not in (rule.methods or ()) or rule.rule.startswith(("/api/", "/owner/api/")):
            continue
        access = ACCESS[("POST", rule.endpoint)]
        variant = "publishing" if isinstance(access, dict) else ""
        allowed = access[variant] if isinstance(access, dict) else access
        who = "anonymous" if rule.endpoint in PUBLIC_FORMS else sorted(allowed)[0]
        values = params[variant]
        path = adapter.build(rule.endpoint, {a: values[a] for a in rule.arguments},
                             method="POST")
        found.append((rule.endpoint, path, who))
    return found


def _body(endpoint: str, world: World) -> dict:
    code, secret = world.tracking["cmp_b"]
    fill = {"who": "x", "code": code, "secret": secret, "assignee": "director"}
    return {k: v.format(**fill) if isinstance(v, str) else v
            for k, v in BODIES.get(endpoint, {}).items()}


def _client(app, world: World, who: str):
    browser = Browser(app)
    if who != "anonymous":
        browser.signin(world.users[who].username, world.passwords[who])
    else:
        browser.get("/signin")
    return browser


def test_every_html_post_refuses_a_missing_or_foreign_csrf_token(app, world: World) -> None:
    posts = _html_posts(app, world)
    assert len(posts) >= 30, posts
    # Another session's valid token: the attacker's own, from their own sign-in page.
    attacker = Browser(app)
    attacker.get("/signin")
    foreign = attacker.token()
    browsers: dict[str, Browser] = {}
    failed = []
    with clock.frozen(SWEPT):
        for endpoint, path, who in posts:
            if who not in browsers:
                browsers[who] = _client(app, world, who)
            browser = browsers[who]
            own = browser.token()
            assert own != foreign
            for label, extra in (("no token", {}), ("another session's token",
                                                    {"csrf_token": foreign})):
                before = fingerprint(world.rt)
                response = browser.client.post(path, data={**_body(endpoint, world), **extra})
                changed = [t for t, v in fingerprint(world.rt).items() if before.get(t) != v]
                if response.status_code != 400 or changed:
                    failed.append(f"{who}: POST {path} with {label} = "
                                  f"{response.status_code}, changed {changed}")
                elif CSRF_REFUSAL not in response.get_data(as_text=True):
                    failed.append(f"{who}: POST {path} with {label}: 400 but not for CSRF")
        assert not failed, "POSTs accepted without their session's CSRF token:\n  " + \
            "\n  ".join(failed)
        # The control: with the session's own token the same requests pass CSRF (whatever
        # the view then says), so the 400s above were CSRF's.
        for endpoint, path, who in posts:
            if endpoint == "auth.signout":
                continue
            browser = browsers[who]
            response = browser.client.post(
                path, data={**_body(endpoint, world), "csrf_token": browser.token()})
            assert CSRF_REFUSAL not in response.get_data(as_text=True), (who, path)


# ---- sessions --------------------------------------------------------------------------


def _session_cookie(app, client) -> str | None:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return cookie.value if cookie is not None else None


def _with_cookie(app, value: str):
    client = app.test_client()
    client.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), value)
    return client


def _signed_in(client) -> bool:
    response = client.get("/inbox")
    return response.status_code == 200


def test_a_cookie_from_before_sign_in_is_not_the_signed_in_session(app, world: World) -> None:
    browser = Browser(app)
    browser.get("/signin")
    # Something in the anonymous session (the language), so it has a cookie to plant.
    browser.post("/language", {"lang": "en", "next": "/signin"})
    planted = _session_cookie(app, browser.client)
    assert planted, "no session cookie before sign-in"
    victim = _with_cookie(app, planted)  # the attacker's cookie, planted in the victim
    assert not _signed_in(victim)
    page = victim.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = victim.post("/signin", data={"username": world.users["director"].username,
                                          "password": world.passwords["director"],
                                          "csrf_token": token})
    assert signed.status_code == 302
    after = _session_cookie(app, victim)
    assert after and after != planted, "the session cookie did not change at sign-in"
    assert _signed_in(victim)
    # The attacker replays the cookie they planted: it is not signed in.
    assert not _signed_in(_with_cookie(app, planted))
    # The language chosen before signing in is kept (only it).
    assert '<html lang="en">' in victim.get("/inbox").get_data(as_text=True)


def test_sign_out_ends_the_session_on_the_server(app, world: World) -> None:
    browser = Browser(app)
    browser.signin(world.users["legal_head"].username, world.passwords["legal_head"])
    stolen = _session_cookie(app, browser.client)
    assert stolen and _signed_in(_with_cookie(app, stolen))
    browser.get("/inbox")
    out = browser.post("/signout")
    assert out.status_code == 302
    assert not _signed_in(browser.client)
    replayed = _with_cookie(app, stolen)
    assert not _signed_in(replayed), \
        "the session cookie still signs in after sign-out (replayed from before)"
    response = replayed.get(f"/cases/{world.cases['cmp_a']}")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    # Signing in again works, with a new cookie; the old one stays dead.
    browser.signin(world.users["legal_head"].username, world.passwords["legal_head"])
    assert _signed_in(browser.client)
    assert _session_cookie(app, browser.client) != stolen
    assert not _signed_in(_with_cookie(app, stolen))


def test_a_forged_or_altered_session_cookie_is_not_signed_in(app, world: World) -> None:
    browser = Browser(app)
    browser.signin(world.users["director"].username, world.passwords["director"])
    value = _session_cookie(app, browser.client)
    for forged in (value[:-2] + ("AA" if not value.endswith("AA") else "BB"),
                   "eyJfdXNlcl9pZCI6IjEifQ.x.y", ""):
        assert not _signed_in(_with_cookie(app, forged)), forged
    # A cookie signed with another key (another deployment) is refused too.
    other = create_app(runtime=world.rt)
    other.config["SECRET_KEY"] = "another-deployments-key-0123456789"
    with other.test_request_context():
        from flask.sessions import SecureCookieSessionInterface

        serializer = SecureCookieSessionInterface().get_signing_serializer(other)
        cookie = serializer.dumps({"_user_id": str(world.users["director"].id),
                                   "_fresh": True})
    assert not _signed_in(_with_cookie(app, cookie))
