"""Issue 13, items 4 and 5: named API tokens (issued, used, listed, revoked), a password
reset that ends sessions and tokens and forces a new password, the self-service password
change, and sign-in that verifies one password hash whether the user exists or not.

On SQLite and PostgreSQL (the ``runtime`` fixture); the pages run on an app over it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from engine.core import clock, passwords
from engine.core.errors import Conflict, InvalidData, NotAuthenticated, NotFound
from engine.core.models import AuditEvent
from engine.services.admin import account, tokens, users
from engine.services.admin import staff as admin
from engine.thai.workdays import BANGKOK
from tests.account_support import known_password
from tests.web_client import Browser, html
from webui import create_app

T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
GOVFLOW = str(Path(sys.executable).with_name("govflow"))


def _actions(rt, action: str) -> list[dict]:
    with rt.db.read() as session:
        return list(session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def app(runtime):
    app = create_app(runtime=runtime)
    app.testing = True
    return app


def _signed_in(app, username: str, password: str) -> Browser:
    b = Browser(app)
    b.signin(username, password)
    return b


# ---- named tokens -----------------------------------------------------------------------


def test_two_named_tokens_both_work_and_revoking_one_leaves_the_other(runtime, people):
    first = users.issue_token(runtime, "staff_plan", "  ระบบสารบรรณ  ")
    second = users.issue_token(runtime, "staff_plan", "e-Office")
    assert users.actor_for_token(runtime, first).username == "staff_plan"
    assert users.actor_for_token(runtime, second).username == "staff_plan"
    listed = tokens.list_tokens(runtime, "staff_plan")
    assert [t["name"] for t in listed] == ["ระบบสารบรรณ", "e-Office"]  # trimmed
    assert all(t["created_at"] for t in listed)

    assert admin.revoke_tokens(runtime, people.admin, "staff_plan", listed[0]["id"]) == 1
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(runtime, first)
    assert users.actor_for_token(runtime, second).username == "staff_plan"
    assert [t["name"] for t in tokens.list_tokens(runtime, "staff_plan")] == ["e-Office"]
    assert _actions(runtime, "token_revoked")[0]["name"] == "ระบบสารบรรณ"
    with pytest.raises(NotFound):  # already revoked: says so, changes nothing
        admin.revoke_tokens(runtime, people.admin, "staff_plan", listed[0]["id"])
    # A revoked token's name is free again.
    users.issue_token(runtime, "staff_plan", "ระบบสารบรรณ")


def test_token_names_are_checked_with_what_to_fix(runtime, people):
    users.issue_token(runtime, "staff_plan", "e-Office")
    with pytest.raises(Conflict, match="e-Office"):
        users.issue_token(runtime, "staff_plan", " e-Office ")
    users.issue_token(runtime, "director", "e-Office")  # unique per user only
    for bad, says in (("   ", "ตั้งชื่อโทเคน"), ("ก" * 101, "ไม่เกิน 100"),
                      ("a\r\nBcc: x", "อักขระควบคุม")):
        with pytest.raises(InvalidData) as refused:
            users.issue_token(runtime, "staff_plan", bad)
        assert says in refused.value.fields["name"]
    users.issue_token(runtime, "staff_plan", "ก" * 100)
    assert len(tokens.list_tokens(runtime, "staff_plan")) == 2
    # A caller that names none gets the first free of api, api-2, …
    users.issue_token(runtime, "staff_plan")
    users.issue_token(runtime, "staff_plan")
    assert [t["name"] for t in tokens.list_tokens(runtime, "staff_plan")][-2:] == ["api", "api-2"]


def test_last_used_at_is_set_on_use_and_written_at_most_once_a_minute(runtime, people):
    updates = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            updates.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", count)
    try:
        with clock.frozen(T0) as now:
            token = users.issue_token(runtime, "staff_plan", "e-Office")
            assert tokens.list_tokens(runtime, "staff_plan")[0]["last_used_at"] is None
            users.actor_for_token(runtime, token)
            assert tokens.list_tokens(runtime, "staff_plan")[0]["last_used_at"] \
                == T0.astimezone(BANGKOK).isoformat()
            for _ in range(5):  # the next reads within the minute write nothing
                now.advance(timedelta(seconds=10))
                users.actor_for_token(runtime, token)
            assert len(updates) == 1
            now.advance(timedelta(seconds=20))
            users.actor_for_token(runtime, token)
            assert len(updates) == 2
            later = datetime.fromisoformat(tokens.list_tokens(runtime, "staff_plan")[0]
                                           ["last_used_at"])
            assert later == T0 + timedelta(seconds=70)
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", count)


def test_revoked_token_is_refused_by_the_api(runtime, people, app):
    kept = users.issue_token(runtime, "staff_plan", "kept")
    dropped = users.issue_token(runtime, "staff_plan", "dropped")
    client = app.test_client()
    assert client.get("/api/v1/processes", headers=_bearer(dropped)).status_code == 200
    (row,) = [t for t in tokens.list_tokens(runtime, "staff_plan") if t["name"] == "dropped"]
    tokens.revoke(runtime, "staff_plan", token_id=row["id"], actor=people.admin)
    assert client.get("/api/v1/processes", headers=_bearer(dropped)).status_code == 401
    assert client.get("/api/v1/processes", headers=_bearer(kept)).status_code == 200


def test_a_token_signs_in_the_same_actor_as_a_session_and_every_change_counts_at_once(
        runtime, people):
    """The token's check reads the user, roles, unit and appointments in its own queries:
    it must give the actor the user's other sign-ins give, and a change of roles, an
    appointment, its end, a deactivation or a revocation counts from the next call on."""
    token = users.issue_token(runtime, "staff_plan", "e-Office")
    today = clock.now().astimezone(BANGKOK).date()
    assert users.actor_for_token(runtime, token) == users.actor_by_username(runtime,
                                                                           "staff_plan")
    admin.set_roles(runtime, people.admin, "staff_plan", ["staff", "web_admin"])
    assert users.actor_for_token(runtime, token).roles == {"staff", "web_admin"}
    acting = admin.appoint_acting(runtime, people.admin, "staff_plan", "director",
                                  today, today, "คำสั่งที่ 7/2569")
    admin.appoint_acting(runtime, people.admin, "staff_plan", "ict_head", today, today,
                         "คำสั่งที่ 8/2569", kind="delegated")
    admin.appoint_acting(runtime, people.admin, "staff_plan", "legal_head",
                         today + timedelta(days=1), today + timedelta(days=2), "คำสั่งที่ 9/2569")
    signed_in = users.actor_for_token(runtime, token)
    assert signed_in == users.actor_by_username(runtime, "staff_plan")
    assert signed_in.roles == {"staff", "web_admin", "director", "ict_head"}
    assert signed_in.acting_for == {"director", "ict_head"}
    assert signed_in.delegated_for == {"ict_head"}
    assert signed_in.unit_name and signed_in.unit_id is not None
    admin.end_acting(runtime, people.admin, acting["id"])
    assert "director" not in users.actor_for_token(runtime, token).roles
    admin.set_active(runtime, people.admin, "staff_plan", False)
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(runtime, token)
    admin.set_active(runtime, people.admin, "staff_plan", True)
    assert users.actor_for_token(runtime, token).username == "staff_plan"
    tokens.revoke(runtime, "staff_plan", actor=people.admin)
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(runtime, token)
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(runtime, token + "x")


# ---- the admin user page ----------------------------------------------------------------


def test_admin_page_issues_lists_and_revokes_named_tokens(runtime, people, app):
    b = _signed_in(app, "admin", known_password(runtime, people.admin, "admin"))
    b.get("/admin/users")
    empty = b.post("/admin/users/staff_plan/token", {"name": "  "})
    assert empty.status_code == 400 and "กรุณาตั้งชื่อโทเคน" in html(empty)
    issued = {}
    for name in ("ระบบสารบรรณ", "e-Office"):
        page = b.post("/admin/users/staff_plan/token", {"name": name}, follow=True)
        # Shown on the page the POST redirects to, so a reload issues nothing more.
        assert [r.status_code for r in page.history] == [303]
        assert page.status_code == 200 and "แสดงครั้งเดียว" in html(page)
        issued[name] = re.search(r'<code class="secret-value">([^<]+)</code>',
                                 html(page)).group(1)
    twice = b.post("/admin/users/staff_plan/token", {"name": "e-Office"})
    assert twice.status_code == 409 and "e-Office" in html(twice)
    listing = html(b.get("/admin/users"))
    assert "ระบบสารบรรณ" in listing and "e-Office" in listing and "ยังไม่เคยใช้" in listing
    assert not any(value in listing for value in issued.values())  # shown once only
    (row,) = [t for t in tokens.list_tokens(runtime, "staff_plan") if t["name"] == "e-Office"]

    # Without the CSRF token nothing is revoked.
    assert b.client.post("/admin/users/staff_plan/tokens/revoke",
                         data={"token_id": row["id"]}).status_code == 400
    assert len(tokens.list_tokens(runtime, "staff_plan")) == 2
    assert b.post("/admin/users/staff_plan/tokens/revoke", {}).status_code == 400
    b.get("/admin/users")
    revoked = b.post("/admin/users/staff_plan/tokens/revoke", {"token_id": str(row["id"])})
    assert revoked.status_code == 302
    api = app.test_client()
    assert api.get("/api/v1/processes", headers=_bearer(issued["e-Office"])).status_code == 401
    assert api.get("/api/v1/processes",
                   headers=_bearer(issued["ระบบสารบรรณ"])).status_code == 200
    with runtime.db.read() as session:
        audited = session.execute(select(AuditEvent.actor_name, AuditEvent.detail)
                                  .where(AuditEvent.action == "token_revoked")).all()
    assert [(who, detail["name"]) for who, detail in audited] == [("admin", "e-Office")]
    b.get("/admin/users")
    assert b.post("/admin/users/staff_plan/tokens/revoke", {"all": "1"}).status_code == 302
    assert tokens.list_tokens(runtime, "staff_plan") == []

    staff = _signed_in(app, "staff_plan", known_password(runtime, people.admin, "staff_plan"))
    staff.get("/inbox")
    assert staff.post("/admin/users/director/tokens/revoke", {"all": "1"}).status_code == 403
    assert staff.post("/admin/users/director/token", {"name": "x"}).status_code == 403


# ---- password reset, forced change, self-service change ---------------------------------


def test_password_reset_ends_sessions_and_tokens_and_forces_a_new_password(runtime, people,
                                                                           app):
    old = known_password(runtime, people.admin, "staff_plan")
    staff = _signed_in(app, "staff_plan", old)
    token = users.issue_token(runtime, "staff_plan", "e-Office")
    assert staff.get("/inbox").status_code == 200

    boss = _signed_in(app, "admin", known_password(runtime, people.admin, "admin"))
    boss.get("/admin/users")
    reset = boss.post("/admin/users/staff_plan/password", follow=True)
    assert [r.status_code for r in reset.history] == [303]
    assert reset.status_code == 200 and "ต้องตั้งรหัสผ่านของตนเอง" in html(reset)
    new = re.search(r'<code class="secret-value">([^<]+)</code>', html(reset)).group(1)

    # The open session and the token end.
    assert staff.get("/inbox").headers["Location"].startswith("/signin")
    assert app.test_client().get("/api/v1/processes", headers=_bearer(token)).status_code == 401
    assert tokens.list_tokens(runtime, "staff_plan") == []
    assert _actions(runtime, "password_reset")[-1]["tokens_revoked"] == 1

    # At the next sign-in every page but the change page and sign-out waits.
    fresh = _signed_in(app, "staff_plan", new)
    for path in ("/inbox", "/publications", "/notifications", "/"):
        answer = fresh.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/account/password", \
            path
    page = fresh.get("/account/password")
    assert page.status_code == 200 and "ผู้ดูแลระบบตั้งรหัสผ่านใหม่ให้คุณ" in html(page)
    changed = fresh.post("/account/password", {"current_password": new,
                                               "new_password": "my-own-password-2569",
                                               "new_password_again": "my-own-password-2569"})
    assert changed.status_code == 302 and changed.headers["Location"] == "/inbox"
    assert fresh.get("/inbox").status_code == 200
    assert not users.actor_by_username(runtime, "staff_plan").must_change_password


def test_forced_change_still_allows_signing_out(runtime, people, app):
    password = admin.reset_password(runtime, people.admin, "director")
    b = _signed_in(app, "director", password)
    assert b.get("/inbox").status_code == 302
    b.get("/account/password")
    # The language switch works too, and the page is in English then.
    assert b.post("/language", {"lang": "en", "next": "/account/password"}).status_code == 302
    english = html(b.get("/account/password"))
    assert "Choose a password of your own" in english and "Current password" in english
    out = b.post("/signout")
    assert out.status_code == 302 and out.headers["Location"] == "/signin"


def test_changing_ones_own_password(runtime, people, app):
    old = known_password(runtime, people.admin, "staff_plan")
    here = _signed_in(app, "staff_plan", old)
    elsewhere = _signed_in(app, "staff_plan", old)
    assert "/account/password" in html(here.get("/inbox"))  # linked from the header
    here.get("/account/password")
    wrong = here.post("/account/password", {"current_password": "not-my-password",
                                            "new_password": "a-new-password-2569",
                                            "new_password_again": "a-new-password-2569"})
    assert wrong.status_code == 400 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in html(wrong)
    assert "a-new-password-2569" not in html(wrong)  # never echoed
    differ = here.post("/account/password", {"current_password": old,
                                             "new_password": "a-new-password-2569",
                                             "new_password_again": "a-new-password-2570"})
    assert differ.status_code == 400 and "ไม่ตรงกัน" in html(differ)
    short = here.post("/account/password", {"current_password": old, "new_password": "short",
                                            "new_password_again": "short"})
    assert short.status_code == 400 and "อย่างน้อย 10" in html(short)
    # Nothing changed: the old password signs in, the other session is still open.
    assert users.authenticate(runtime, "staff_plan", old)
    assert elsewhere.get("/inbox").status_code == 200
    assert _actions(runtime, "password_changed") == []

    ok = here.post("/account/password", {"current_password": old,
                                         "new_password": "a-new-password-2569",
                                         "new_password_again": "a-new-password-2569"})
    assert ok.status_code == 302
    assert here.get("/inbox").status_code == 200  # the changer stays signed in
    assert elsewhere.get("/inbox").headers["Location"].startswith("/signin")
    with pytest.raises(NotAuthenticated):
        users.authenticate(runtime, "staff_plan", old)
    assert users.authenticate(runtime, "staff_plan", "a-new-password-2569")
    assert _actions(runtime, "password_changed") == [{"username": "staff_plan"}]


def test_the_change_page_needs_the_csrf_token(runtime, people, app):
    old = known_password(runtime, people.admin, "staff_plan")
    b = _signed_in(app, "staff_plan", old)
    refused = b.client.post("/account/password", data={
        "current_password": old, "new_password": "a-new-password-2569",
        "new_password_again": "a-new-password-2569"})
    assert refused.status_code == 400
    assert users.authenticate(runtime, "staff_plan", old)


def test_change_password_in_the_engine_refuses_and_changes_nothing(runtime, people):
    old = known_password(runtime, people.admin, "legal_head")
    epoch = users.session_epoch(runtime, people.legal_head.id)
    with pytest.raises(InvalidData) as refused:
        account.change_password(runtime, people.legal_head, "wrong", "new-password-1", "x")
    assert set(refused.value.fields) == {"new_password_again"}
    with pytest.raises(InvalidData) as refused:
        account.change_password(runtime, people.legal_head, old, old, old)
    assert "ไม่ซ้ำ" in refused.value.fields["new_password"]
    assert users.session_epoch(runtime, people.legal_head.id) == epoch
    new_epoch = account.change_password(runtime, people.legal_head, old, "new-password-1",
                                        "new-password-1")
    assert new_epoch == epoch + 1 == users.session_epoch(runtime, people.legal_head.id)
    users.session_actor(runtime, people.legal_head.id, new_epoch)
    with pytest.raises(NotFound):
        users.session_actor(runtime, people.legal_head.id, epoch)


# ---- the demo and the command line ------------------------------------------------------


def test_demo_reset_prints_one_working_token_per_user_each_run(runtime):
    first = users.seed_demo(runtime).logins
    second = users.seed_demo(runtime, reset=True).logins
    for before, after in zip(first, second, strict=True):
        assert users.actor_for_token(runtime, after.token).username == after.username
        with pytest.raises(NotAuthenticated):  # the last run's demo token is replaced
            users.actor_for_token(runtime, before.token)
        assert [t["name"] for t in tokens.list_tokens(runtime, after.username)] == ["demo"]
        assert not users.actor_by_username(runtime, after.username).must_change_password


def _cli(env, *args):
    done = subprocess.run([GOVFLOW, *args], env=env, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_cli_token_new_list_revoke(runtime, people, backend, tmp_path):
    env = {**os.environ, "GOVFLOW_INSTANCE_DIR": str(tmp_path / "instance"),
           "GOVFLOW_DATABASE_URL": backend or "", "GOVFLOW_ENV": "development"}
    made = _cli(env, "user", "token", "new", "staff_plan", "--name", "ระบบสารบรรณ")
    assert made.returncode == 0, made.stderr
    assert users.actor_for_token(runtime, made.stdout.strip()).username == "staff_plan"
    other = _cli(env, "user", "token", "new", "staff_plan", "--name", "e-Office").stdout.strip()
    legacy = _cli(env, "user", "token", "staff_plan")  # the older form still works
    assert legacy.returncode == 0 and legacy.stdout.startswith("gft_")
    again = _cli(env, "user", "token", "new", "staff_plan", "--name", "e-Office")
    assert again.returncode == 1 and "e-Office" in again.stderr
    unnamed = _cli(env, "user", "token", "new", "staff_plan")
    assert unnamed.returncode == 2 and "--name" in unnamed.stderr

    listed = _cli(env, "user", "token", "list", "staff_plan")
    assert listed.returncode == 0
    assert [line.split()[1] for line in listed.stdout.splitlines()] \
        == ["ระบบสารบรรณ", "e-Office", "api"]
    first_id = listed.stdout.split()[0]
    assert _cli(env, "user", "token", "revoke", "staff_plan").returncode == 2
    gone = _cli(env, "user", "token", "revoke", "staff_plan", "--id", first_id)
    assert gone.returncode == 0, gone.stderr
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(runtime, made.stdout.strip())
    assert users.actor_for_token(runtime, other).username == "staff_plan"
    missing = _cli(env, "user", "token", "revoke", "staff_plan", "--id", first_id)
    assert missing.returncode == 1 and first_id in missing.stderr
    every = _cli(env, "user", "token", "revoke", "staff_plan", "--all")
    assert every.returncode == 0 and "2" in every.stdout
    assert "ไม่มีโทเคน" in _cli(env, "user", "token", "list", "staff_plan").stdout
    assert _cli(env, "user", "token", "list", "nobody").returncode == 1


# ---- item 5: the same work whether the user exists or not -------------------------------


class _CountingHasher:
    """engine.core.passwords' argon2 hasher, counting verifications."""

    def __init__(self, real) -> None:
        self.real = real
        self.verified = 0

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return self.real.verify(password_hash, password)

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self.real.check_needs_rehash(password_hash)


def test_sign_in_verifies_one_hash_for_known_and_unknown_users(runtime, people, monkeypatch):
    known_password(runtime, people.admin, "director")
    admin.set_active(runtime, people.admin, "staff_hr", False)
    spy = _CountingHasher(runtime.passwords._hasher)
    monkeypatch.setattr(runtime.passwords, "_hasher", spy)
    for username in ("director", "no_such_user", "staff_plan", "staff_hr"):
        # a wrong password; an unknown user; a user with no password; a deactivated one
        spy.verified = 0
        with pytest.raises(NotAuthenticated):
            users.authenticate(runtime, username, "a-wrong-password")
        assert spy.verified == 1, username


# ---- the argon2 profile (GOVFLOW_PASSWORD_PROFILE) --------------------------------------

def _stored_hash(rt, username: str) -> str:
    from engine.core.models import User
    with rt.db.read() as session:
        return session.scalar(select(User.password_hash).where(User.username == username))


def test_a_new_profile_rehashes_each_password_at_its_next_sign_in(runtime, people):
    import dataclasses

    from engine.workflow.runtime import Runtime

    password = known_password(runtime, people.admin, "director")
    cheap = _stored_hash(runtime, "director")
    assert cheap.startswith("$argon2id$") and ",t=1," in cheap  # the tests' cheapest profile
    office = Runtime(dataclasses.replace(runtime.settings,
                                         password_profile=passwords.DEFAULT_PROFILE))
    try:
        # The old hash still signs in (it carries its own parameters) and is replaced.
        assert users.authenticate(office, "director", password).username == "director"
        strong = _stored_hash(office, "director")
        assert strong != cheap and not office.passwords.needs_rehash(strong)
        assert ",t=3," in strong  # RFC 9106's low-memory profile: three passes
        # A wrong password changes nothing; the new hash signs in without another rehash.
        with pytest.raises(NotAuthenticated):
            users.authenticate(office, "director", "a-wrong-password")
        assert users.authenticate(office, "director", password).username == "director"
        assert _stored_hash(office, "director") == strong
    finally:
        office.close()


def test_the_test_profile_is_refused_in_production_and_an_unknown_one_anywhere(tmp_path):
    from engine.core.config import Settings
    from engine.core.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="GOVFLOW_PASSWORD_PROFILE.*tests only"):
        Settings(instance_dir=tmp_path, environment="production", password_profile="cheapest")
    with pytest.raises(ConfigurationError, match="rfc_9106_low_memory"):
        Settings(instance_dir=tmp_path, password_profile="fast")
    assert Settings(instance_dir=tmp_path).password_profile == "rfc_9106_low_memory"
