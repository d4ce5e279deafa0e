"""Authorization: every endpoint of the app × every test user, and anonymous.

Every rule of ``app.url_map`` and every method it accepts (but HEAD and OPTIONS) is
requested by each user of tests/conftest.People (plus a process owner) and by nobody:
pages with the user's web session, the JSON API under /api/v1 (and /metrics) with the
user's bearer token. tests/authz_data.ACCESS says who may reach each one; a rule without
an entry fails the test, so every new endpoint gets a conscious decision.

- allowed: anything but 401, 403, 404, a redirect to the sign-in page or a server error
  (a 400 for the deliberately empty body is fine);
- refused: anonymous gets a redirect to /signin (pages) or 401 (API), a signed-in user 403,
  or 404 where the engine hides that the object exists; and a refused POST changes nothing
  in the database (every table's rows, compared before and after each such request).

The matrix runs on its own app with CSRF protection OFF (``WTF_CSRF_ENABLED = False``), so
that the role check, not a missing token, is what refuses a POST; CSRF itself is tested in
tests/web/test_csrf_and_session.py. The cross-case tests (IDOR) below run with CSRF on.

The data set is built once per module (tests/authz_data.frozen_world, on SQLite the way the
``sqlite_runtime`` fixture makes it, with processes/ copied because owner routes write BPMN
files back), inside a frozen clock so its deadlines and escalations are what they should be.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from engine.core import clock
from engine.core.models import Attachment, Comment
from tests.web.authz_data import (
    ACCESS,
    ANONYMOUS,
    BODIES,
    NEEDS_QUERY,
    USERS,
    WHO,
    World,
    fingerprint,
    frozen_world,
    parameters,
)
from tests.web.confidentiality_data import SWEPT, Dataset, query_variants
from tests.web_client import Browser
from webui import create_app

SIGNIN = re.compile(r"^(https?://[^/]+)?/signin(\?|$)")


@dataclass
class Outcome:
    method: str
    endpoint: str
    variant: str
    who: str
    url: str
    status: int
    location: str
    allowed: bool
    #: Tables whose rows a refused POST changed.
    changed: list[str]

    def __str__(self) -> str:
        where = f" -> {self.location}" if self.location else ""
        variant = f" [{self.variant}]" if self.variant else ""
        return f"{self.who}: {self.method} {self.url}{variant} = {self.status}{where}"


#: One xdist worker runs the whole module, so the matrix (built once per module and
#: worker, about a minute) is built once in a run, not once in each worker.
pytestmark = pytest.mark.xdist_group("authorization_matrix")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with frozen_world(tmp_path_factory.mktemp("authz")) as built:
        yield built


@pytest.fixture(scope="module")
def matrix_app(world: World):
    app = create_app(runtime=world.rt)
    app.testing = True
    # CSRF off on this app only: the role check must be what refuses a POST here.
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture(scope="module")
def csrf_app(world: World):
    """The app as deployed: CSRF protection on."""
    app = create_app(runtime=world.rt)
    app.testing = True
    assert app.config.get("WTF_CSRF_ENABLED", True)
    return app


def _is_api(path: str) -> bool:
    # /owner/api/: the editor's JSON calls, on the session (401 there, not the sign-in page).
    return path.startswith(("/api/", "/owner/api/")) or path == "/metrics"


def _fill(value, values: dict[str, str]):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def _request(client, method: str, path: str, endpoint: str, query: dict, token: str | None,
             values: dict[str, str]):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = _fill(BODIES.get(endpoint), values)
    kwargs: dict = {"query_string": query, "headers": headers}
    if body is not None and method == "POST":
        if _is_api(path):
            kwargs["json"] = body
        else:
            kwargs["data"] = body
    return client.open(path, method=method, **kwargs)


def _variants(access) -> list[str]:
    return sorted(access) if isinstance(access, dict) else [""]


def _allowed(access, variant: str) -> frozenset[str]:
    return access[variant] if isinstance(access, dict) else access


@pytest.fixture(scope="module")
def matrix(world: World, matrix_app) -> list[Outcome]:
    """Every (rule, method, variant) × everyone. For each, the refused first (each checked
    against the database), then the allowed, whose requests may change things."""
    app = matrix_app
    params = parameters(world, app)
    ds = Dataset(rt=world.rt, app=app, users=world.users, passwords=world.passwords,
                 tokens=world.tokens, cases=dict(world.cases), tracking=dict(world.tracking))
    adapter = app.url_map.bind("localhost")
    clients = {}
    for who in WHO:
        browser = Browser(app)
        if who != ANONYMOUS:
            browser.signin(world.users[who].username, world.passwords[who])
        clients[who] = browser.client
    code, secret = world.tracking["cmp_b"]
    outcomes: list[Outcome] = []
    signouts = []
    with clock.frozen(SWEPT):
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                access = ACCESS.get((method, rule.endpoint))
                if access is None:
                    continue  # reported by test_every_endpoint_is_in_the_table
                for variant in _variants(access):
                    allowed = _allowed(access, variant)
                    values = params[variant]
                    path = adapter.build(rule.endpoint, {a: values[a] for a in rule.arguments},
                                         method=method)
                    query = {}
                    if rule.endpoint in NEEDS_QUERY:
                        query = query_variants(ds, rule.endpoint, values)[-1]
                    assignee = "director" if variant == "publishing" else "legal_officer2"
                    # The refused first, then the allowed: an allowed request may change
                    # the state (claim a task, acknowledge an escalation).
                    order = sorted(WHO, key=lambda w: (w in allowed, WHO.index(w)))
                    for who in order:
                        if rule.endpoint == "auth.signout" and who != ANONYMOUS:
                            signouts.append((who, path))
                            continue  # last, or the rest would run signed out
                        token = world.tokens.get(who) if _is_api(path) else None
                        fill = {"who": who, "code": code, "secret": secret,
                                "assignee": assignee}
                        refused_post = method == "POST" and who not in allowed
                        before = fingerprint(world.rt) if refused_post else None
                        response = _request(clients[who], method, path, rule.endpoint, query,
                                            token, fill)
                        changed = []
                        if before is not None:
                            after = fingerprint(world.rt)
                            changed = sorted(t for t in after if after[t] != before.get(t))
                        outcomes.append(Outcome(
                            method, rule.endpoint, variant, who,
                            path + (f"?{query}" if query else ""), response.status_code,
                            response.headers.get("Location", ""), who in allowed, changed))
        for who, path in signouts:
            response = clients[who].post(path)
            outcomes.append(Outcome("POST", "auth.signout", "", who, path,
                                    response.status_code, response.headers.get("Location", ""),
                                    True, []))
            after = clients[who].get("/inbox")
            assert after.status_code == 302 and SIGNIN.match(after.headers["Location"]), \
                f"{who} is still signed in after POST /signout"
    return outcomes


# ---- the table covers the app ----------------------------------------------------------


def test_every_endpoint_is_in_the_table(matrix_app) -> None:
    found = {(m, rule.endpoint) for rule in matrix_app.url_map.iter_rules()
             for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    missing = sorted(found - set(ACCESS))
    assert not missing, (
        "endpoints with no entry in tests/authz_data.ACCESS (decide who may reach them and "
        "add them): " + ", ".join(f"{m} {e}" for m, e in missing))
    stale = sorted(set(ACCESS) - found)
    assert not stale, f"entries for endpoints the app no longer has: {stale}"
    for key, access in ACCESS.items():
        for variant in _variants(access):
            unknown = _allowed(access, variant) - set(WHO)
            assert not unknown, (key, variant, unknown)


def test_the_matrix_covers_every_endpoint_for_everyone(matrix) -> None:
    seen = {(o.method, o.endpoint, o.variant, o.who) for o in matrix}
    expected = {(m, e, v, who) for (m, e), access in ACCESS.items() for v in _variants(access)
                for who in WHO}
    assert expected <= seen, sorted(expected - seen)[:20]
    assert len(USERS) == 10 and ANONYMOUS in WHO


# ---- allowed and refused ---------------------------------------------------------------


def test_allowed_users_reach_every_endpoint(matrix) -> None:
    failed = [str(o) for o in matrix if o.allowed and (
        o.status in (401, 403, 404) or o.status >= 500 or o.status == 429
        or (o.status in (301, 302, 303) and SIGNIN.match(o.location)
            and o.endpoint not in ("auth.signout", "auth.login")))]  # they lead to /signin
    assert not failed, "refused where tests/authz_data.ACCESS allows:\n  " + "\n  ".join(failed)


@pytest.mark.parametrize("who", WHO)
def test_everyone_else_is_refused(matrix, who: str) -> None:
    failed = []
    for o in matrix:
        if o.who != who or o.allowed:
            continue
        if who == ANONYMOUS:
            api = _is_api(o.url)
            ok = o.status == 401 if api else (o.status == 302 and SIGNIN.match(o.location))
        else:
            ok = o.status in (403, 404)
        if not ok:
            failed.append(str(o))
    assert not failed, (
        f"{who} reached endpoints tests/authz_data.ACCESS does not allow them (expected "
        + ("401 or a redirect to /signin" if who == ANONYMOUS else "403 or 404")
        + "):\n  " + "\n  ".join(failed))


def test_refused_posts_change_nothing(matrix) -> None:
    refused = [o for o in matrix if o.method == "POST" and not o.allowed]
    assert len(refused) > 100, len(refused)
    changed = [f"{o}: changed {', '.join(o.changed)}" for o in refused if o.changed]
    assert not changed, "refused requests changed the database:\n  " + "\n  ".join(changed)


def test_the_fingerprint_sees_a_change(world: World) -> None:
    """The check above can fail: an update of one column shows in the fingerprint."""
    from engine.services.inbox import comments

    before = fingerprint(world.rt)
    with clock.frozen(SWEPT):
        comments.add_comment(world.rt, world.users["director"], world.cases["pub_a"], "x")
    after = fingerprint(world.rt)
    assert "comment" in [t for t in after if after[t] != before[t]]


def test_api_lists_no_escalations_to_who_neither_supervises_nor_is_told(
        world: World, matrix_app) -> None:
    client = matrix_app.test_client()
    for who in ("staff", "web_admin", "admin", "process_owner"):
        response = client.get("/api/v1/escalations",
                              headers={"Authorization": f"Bearer {world.tokens[who]}"})
        assert response.status_code == 200 and response.json["escalations"] == [], who
    response = client.get("/api/v1/escalations",
                          headers={"Authorization": f"Bearer {world.tokens['legal_head']}"})
    assert response.json["escalations"], "the check above can fail: legal_head sees them"


def test_a_session_does_not_open_the_api_nor_a_token_the_pages(
        world: World, matrix_app) -> None:
    """The API is exempt from CSRF because it takes bearer tokens only: a signed-in web
    session must not authenticate it (a forged cross-site POST would ride on the cookie).
    A token, in turn, opens no page."""
    browser = Browser(matrix_app)
    browser.signin(world.users["director"].username, world.passwords["director"])
    for path in ("/api/v1/tasks", f"/api/v1/instances/{world.cases['pub_a']}",
                 "/api/v1/privacy/reads", "/metrics"):
        assert browser.client.get(path).status_code == 401, path
    started = browser.client.post("/api/v1/processes/publishing/instances",
                                  json={"data": {}})
    assert started.status_code == 401
    for bad in ("Bearer gft_not-a-token", "Basic ZGlyZWN0b3I6eA==", "Bearer ", "bearer"):
        response = browser.client.get("/api/v1/tasks", headers={"Authorization": bad})
        assert response.status_code == 401, bad
    anonymous = matrix_app.test_client()
    token = {"Authorization": f"Bearer {world.tokens['director']}"}
    for path in ("/inbox", f"/cases/{world.cases['pub_a']}", "/privacy/reads"):
        response = anonymous.get(path, headers=token)
        assert response.status_code == 302 and SIGNIN.match(response.headers["Location"]), path


# ---- across cases (IDOR) ---------------------------------------------------------------


def _rows(world: World, model, instance_id: int) -> int:
    with world.rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(
            model.instance_id == instance_id))


def _signed_in(app, world: World, who: str) -> Browser:
    browser = Browser(app)
    browser.signin(world.users[who].username, world.passwords[who])
    return browser


def _api(app, world: World, who: str):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}

    def call(method: str, path: str, body=None):
        return client.open(f"/api/v1{path}", method=method, headers=headers, json=body)

    return call


def _refuses_case(app, world: World, who: str, mine: str, theirs: str,
                  files: tuple[str, ...]) -> None:
    """``who`` sees case ``mine`` and its task, and none of case ``theirs``: pages, diagram,
    request form, files, comments, uploads, tasks, over HTML and the API."""
    browser = _signed_in(app, world, who)
    api = _api(app, world, who)
    a, b = world.cases[mine], world.cases[theirs]
    task_a, task_b = world.task[mine], world.task[theirs]
    with clock.frozen(SWEPT):
        # The control: the same requests on the case they may see succeed.
        assert browser.get(f"/cases/{a}").status_code == 200
        assert browser.get(f"/tasks/{task_a}").status_code == 200
        assert api("GET", f"/instances/{a}").status_code == 200
        assert api("GET", f"/tasks/{task_a}").status_code == 200

        comments_b, files_b = _rows(world, Comment, b), _rows(world, Attachment, b)
        before = fingerprint(world.rt)
        refused = {
            f"GET /cases/{b}": browser.get(f"/cases/{b}"),
            f"GET /cases/{b}/diagram.svg": browser.get(f"/cases/{b}/diagram.svg"),
            f"GET /cases/{b}/request-form.pdf": browser.get(f"/cases/{b}/request-form.pdf"),
            f"GET /tasks/{task_b}": browser.get(f"/tasks/{task_b}"),
        }
        for label in files:
            url = f"/attachments/{world.files[label]}"
            refused[f"GET {url} ({label})"] = browser.get(url)
        browser.get("/inbox")  # a page for the CSRF token (A's page audits its reads)
        refused[f"POST /cases/{b}/comments"] = browser.post(
            f"/cases/{b}/comments", {"text": "ความเห็นแทรก"})
        refused[f"POST /cases/{b}/attachments"] = browser.post(
            f"/cases/{b}/attachments",
            {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "x.pdf", "application/pdf")},
            content_type="multipart/form-data")
        for action in ("claim", "unclaim", "complete"):
            browser.get("/inbox")
            refused[f"POST /tasks/{task_b}/{action}"] = browser.post(
                f"/tasks/{task_b}/{action}", {"revise_action": "withdraw"})
        refused[f"API GET /instances/{b}"] = api("GET", f"/instances/{b}")
        refused[f"API GET /tasks/{task_b}"] = api("GET", f"/tasks/{task_b}")
        for action in ("claim", "unclaim"):
            refused[f"API POST /tasks/{task_b}/{action}"] = api(
                "POST", f"/tasks/{task_b}/{action}")
        refused[f"API POST /tasks/{task_b}/complete"] = api(
            "POST", f"/tasks/{task_b}/complete", {"data": {"revise_action": "withdraw"}})
        # Case A's URL with case B's task id in the form: the task page shown on a refused
        # comment or upload is B's, so it must be refused too, and nothing lands on B.
        browser.get("/inbox")
        refused[f"POST /cases/{a}/comments task_id=B (empty)"] = browser.post(
            f"/cases/{a}/comments", {"text": "", "task_id": task_b})
        browser.get("/inbox")
        refused[f"POST /cases/{a}/attachments task_id=B (no file)"] = browser.post(
            f"/cases/{a}/attachments", {"task_id": task_b}, content_type="multipart/form-data")
        leaked = {what: r.status_code for what, r in refused.items()
                  if r.status_code not in (403, 404)}
        assert not leaked, f"{who} reached case {theirs} ({b}): {leaked}"
        assert fingerprint(world.rt) == before, f"{who}'s refused requests changed something"
        # A valid comment on A that names B's task as where to return: it lands on A only.
        browser.get(f"/cases/{a}")
        landed = browser.post(f"/cases/{a}/comments", {"text": "ของเรื่องเอ", "task_id": task_b})
        assert landed.status_code == 302
        follow = browser.get(landed.headers["Location"].split("#")[0])
        assert follow.status_code == 404, "B's task page shown after the redirect"
        assert _rows(world, Comment, b) == comments_b
        assert _rows(world, Attachment, b) == files_b


def test_a_publishing_requests_unit_cannot_reach_another_units_request(
        world: World, csrf_app) -> None:
    """staff of PLAN may revise their request (ret_a) but not HR's (ret_b): both wait for
    their own unit's staff."""
    _refuses_case(csrf_app, world, "staff", "ret_a", "ret_b", files=("pub_b",))
    _refuses_case(csrf_app, world, "staff_other_unit", "ret_b", "ret_a", files=("pub_a",))


def test_legal_affairs_and_publishing_staff_cannot_reach_each_others_cases(
        world: World, csrf_app) -> None:
    """A legal officer works on complaints, not on publishing requests; staff and the web
    administrator never reach a complaint, its evidence or the letter govflow drew for it."""
    _refuses_case(csrf_app, world, "legal_officer", "cmp_b", "ret_a", files=("pub_a",))
    _refuses_case(csrf_app, world, "staff", "ret_a", "cmp_b",
                  files=("cmp_b", "cmp_b_letter", "cmp_a"))
    web_admin = _signed_in(csrf_app, world, "web_admin")
    for label in ("cmp_b", "cmp_b_letter"):
        assert web_admin.get(f"/attachments/{world.files[label]}").status_code == 404
    # The request form is the publishing request's: Legal Affairs does not get it.
    legal = _signed_in(csrf_app, world, "legal_officer")
    assert legal.get(f"/cases/{world.cases['pub_a']}/request-form.pdf").status_code == 404
    # …while those who may see the letter do get it (the check can fail).
    assert legal.get(f"/attachments/{world.files['cmp_b_letter']}").status_code == 200


def test_a_tracking_code_needs_its_own_secret(world: World, csrf_app) -> None:
    (code_a, secret_a), (code_b, secret_b) = world.tracking["cmp_b"], world.tracking["cmp_c"]
    citizen = Browser(csrf_app)
    before = fingerprint(world.rt)
    with clock.frozen(SWEPT):
        for code, secret in ((code_a, secret_b), (code_b, secret_a), (code_a, ""),
                             (code_a, secret_a.upper() + "X")):
            citizen.get("/track")
            page = citizen.post("/track", {"code": code, "secret": secret})
            assert page.status_code in (400, 403, 404), (code, page.status_code)
            assert "receipt-code" not in citizen.text()
            api = citizen.client.get(f"/api/v1/public/complaints/{code}",
                                     query_string={"secret": secret})
            assert api.status_code in (400, 403, 404), (code, api.status_code)
            assert "status" not in (api.json or {}), api.json
            sent = citizen.client.post(
                f"/api/v1/public/complaints/{code}/attachments",
                data={"secret": secret,
                      "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "x.pdf", "application/pdf")},
                content_type="multipart/form-data")
            assert sent.status_code in (400, 403, 404), (code, sent.status_code)
        assert fingerprint(world.rt) == before
        # The control: each code with its own secret is answered.
        for code, secret in ((code_a, secret_a), (code_b, secret_b)):
            api = citizen.client.get(f"/api/v1/public/complaints/{code}",
                                     query_string={"secret": secret})
            assert api.status_code == 200, json.dumps(api.json)[:500]
            citizen.get("/track")
            assert citizen.post("/track", {"code": code, "secret": secret}).status_code == 200
