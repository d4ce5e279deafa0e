"""Issue 15 point 2: filing never happens twice.

The complaint page answers its POST with a redirect to the receipt (POST → redirect → GET),
its form carries a one-time token, and the public API honours an Idempotency-Key. A
resubmission files nothing and shows the first receipt, without the secret once shown.
Every other page that creates something redirects after it too.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from engine.core import clock
from engine.core.models import FilingKey, ProcessInstance, TrackingCode
from engine.services.complaints import citizen as public
from engine.services.complaints import filing_keys
from engine.services.inbox import tasks
from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from tests.web_client import Browser, form_of, html

pytest_plugins = ("tests.web_support",)

WEB = {k: v for k, v in COMPLAINT.items() if k not in public.CHANNEL_FIELDS}
FORM = {**form_of(WEB), "notice_acknowledged": "on"}
CODE = re.compile(r'<code class="receipt-code">([^<]+)</code>')
TOKEN = re.compile(r'name="filing_token" value="([^"]+)"')


def _cases(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


def _token_of(page) -> str:
    match = TOKEN.search(html(page))
    assert match, "the form carries no one-time token"
    return unescape(match.group(1))


def _send(citizen: Browser, data: dict | None = None):
    """Post the complaint form last seen, without following the redirect."""
    return citizen.post("/complaint", dict(data or FORM))


# ---- the web page: POST → redirect → GET ------------------------------------------------

def test_the_send_redirects_and_the_receipt_shows_the_secret_once(app, sqlite_runtime,
                                                                  web_people):
    citizen = Browser(app)
    form = citizen.get("/complaint")
    token = _token_of(form)
    sent = _send(citizen)
    assert sent.status_code == 303 and sent.headers["Location"] == "/complaint/receipt"
    assert token not in sent.headers["Location"]

    first = citizen.get("/complaint/receipt")
    assert first.status_code == 200 and "no-store" in first.headers["Cache-Control"]
    code, secret = (unescape(value) for value in CODE.findall(html(first)))
    assert public.track_complaint(sqlite_runtime, code, secret)["tracking_code"] == code

    # A reload: the same receipt, the same code, no secret, and still one case.
    again = citizen.get("/complaint/receipt")
    text = html(again)
    assert again.status_code == 200 and CODE.findall(text) == [code]
    assert secret not in text and 'id="secret-shown"' in text and 'id="receipt-again"' in text
    assert _cases(sqlite_runtime) == 1
    assert tasks.count_tasks(sqlite_runtime, web_people.legal_officer)["group"] == 1


def test_going_back_and_sending_again_files_nothing_and_shows_the_first_receipt(
        app, sqlite_runtime):
    citizen = Browser(app)
    form = citizen.get("/complaint")
    sent = _send(citizen)
    first = html(citizen.get("/complaint/receipt"))
    (code, secret) = CODE.findall(first)

    # Back to the kept form (same token) and send again, even with a changed subject.
    citizen.page = form
    resent = _send(citizen, {**FORM, "subject": "ส่งอีกครั้งด้วยหัวเรื่องใหม่"})
    assert resent.status_code == 303 and resent.headers["Location"] == sent.headers["Location"]
    shown = html(citizen.get("/complaint/receipt"))
    assert CODE.findall(shown) == [code] and unescape(secret) not in shown
    assert _cases(sqlite_runtime) == 1

    # The token is the form's, not the session's: another browser sending it files nothing.
    other = Browser(app)
    other.get("/complaint")
    csrf = other.token()
    other.page = form
    replayed = other.post("/complaint", {**FORM, "csrf_token": csrf})
    assert replayed.status_code == 303
    assert CODE.findall(html(other.get("/complaint/receipt"))) == [code]
    assert _cases(sqlite_runtime) == 1


def test_each_showing_of_the_form_has_its_own_token_and_files_its_own_case(app,
                                                                         sqlite_runtime):
    citizen = Browser(app)
    first = _token_of(citizen.get("/complaint"))
    _send(citizen)
    second = _token_of(citizen.get("/complaint"))
    assert first != second
    _send(citizen, {**FORM, "subject": "เรื่องที่สอง"})
    assert _cases(sqlite_runtime) == 2


def test_the_same_words_from_the_same_browser_under_a_new_token_are_the_same_filing(
        app, sqlite_runtime):
    """A browser that fetches the form again on "back" brings a new token but refills what
    was typed: the same words again are the first complaint."""
    citizen = Browser(app)
    citizen.get("/complaint")
    _send(citizen)
    (code, secret) = CODE.findall(html(citizen.get("/complaint/receipt")))
    citizen.get("/complaint")  # the form fetched again: a new token
    assert _send(citizen).status_code == 303
    again = html(citizen.get("/complaint/receipt"))
    assert CODE.findall(again) == [code] and secret not in again
    assert _cases(sqlite_runtime) == 1
    # From another browser the same words are another citizen's complaint.
    other = Browser(app)
    other.get("/complaint")
    _send(other)
    assert _cases(sqlite_runtime) == 2


def test_a_secret_not_yet_shown_moves_to_the_new_token(app, sqlite_runtime):
    citizen = Browser(app)
    citizen.get("/complaint")
    _send(citizen)  # the redirect is never followed (a lost answer)
    citizen.get("/complaint")
    _send(citizen)
    shown = CODE.findall(html(citizen.get("/complaint/receipt")))
    assert len(shown) == 2  # the code and, once, the secret
    code, secret = (unescape(value) for value in shown)
    assert public.track_complaint(sqlite_runtime, code, secret)["tracking_code"] == code
    assert len(CODE.findall(html(citizen.get("/complaint/receipt")))) == 1
    assert _cases(sqlite_runtime) == 1


def test_the_form_page_may_be_kept_for_the_back_button_but_answers_are_not(app):
    citizen = Browser(app)
    form = citizen.get("/complaint")
    assert form.headers["Cache-Control"] == "private, no-cache"
    refused = _send(citizen, {**FORM, "subject": ""})
    assert refused.status_code == 400 and "no-store" in refused.headers["Cache-Control"]
    # The refused page keeps the token, so the corrected send is still the same filing.
    assert _token_of(refused) == _token_of(form)


def test_a_missing_or_forged_token_files_nothing_and_offers_a_fresh_form(app, sqlite_runtime):
    citizen = Browser(app)
    citizen.get("/complaint")
    for token in ("", "short", "x" * 43 + "!"):
        refused = _send(citizen, {**FORM, "filing_token": token})
        assert refused.status_code == 400, token
        text = unescape(html(refused))
        assert "กรุณากดส่งอีกครั้ง" in text and 'id="errors"' in text
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", _token_of(refused))
        assert f'value="{WEB["subject"]}"' in text  # what was typed stays
    assert _cases(sqlite_runtime) == 0
    assert _send(citizen).status_code == 303  # the fresh token files
    assert _cases(sqlite_runtime) == 1


def test_tokens_are_kept_hashed_and_the_secret_is_gone_once_shown(app, sqlite_runtime):
    citizen = Browser(app)
    token = _token_of(citizen.get("/complaint"))
    _send(citizen, {**FORM, "evidence": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "หลักฐาน.pdf")})
    with sqlite_runtime.db.read() as session:
        (row,) = session.scalars(select(FilingKey)).all()
        assert row.key_hash == filing_keys.key_hash("form", token) != token
        assert token.encode() not in (row.sealed_receipt or b"")
        assert row.expires_at - row.created_at == filing_keys.KEY_LIFETIME
        kept = sqlite_runtime.cipher.decrypt(row.sealed_receipt)
        assert set(kept) == {"files", "secret"}
        secret_hash = session.scalar(select(TrackingCode.secret_hash))
    shown = html(citizen.get("/complaint/receipt"))
    assert "หลักฐาน.pdf" in shown
    with sqlite_runtime.db.read() as session:
        kept = sqlite_runtime.cipher.decrypt(session.scalar(select(FilingKey.sealed_receipt)))
    assert set(kept) == {"files"}  # the secret was sealed until shown, then dropped
    assert session is not None and secret_hash  # the tracking row keeps its hash only
    # Later showings still list the files, not the secret.
    later = html(citizen.get("/complaint/receipt"))
    assert "หลักฐาน.pdf" in later and len(CODE.findall(later)) == 1


def test_a_receipt_needs_this_browsers_filing(app):
    elsewhere = Browser(app).get("/complaint/receipt", follow_redirects=True)
    assert [r.headers["Location"] for r in elsewhere.history] == ["/track"]
    assert "ไม่พบใบรับเรื่องในเบราว์เซอร์นี้" in html(elsewhere)
    assert 'class="receipt-code"' not in html(elsewhere)


def test_an_expired_token_no_longer_finds_its_case(app, sqlite_runtime):
    citizen = Browser(app)
    with clock.frozen(clock.now()) as moment:
        form = citizen.get("/complaint")
        _send(citizen)
        moment.advance(filing_keys.KEY_LIFETIME + timedelta(minutes=1))
        citizen.page = form
        assert _send(citizen).status_code == 303
        assert _cases(sqlite_runtime) == 2
        with sqlite_runtime.db.read() as session:  # the expired key went with the new one
            assert session.scalar(select(func.count()).select_from(FilingKey)) == 1


# ---- the API: Idempotency-Key -----------------------------------------------------------

def _api(app, body: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return app.test_client().post("/api/v1/public/complaints", json=body, headers=headers)


def test_the_same_idempotency_key_and_body_answer_the_first_filing(app, sqlite_runtime):
    key, body = str(uuid.uuid4()), {**WEB, "notice_acknowledged": True}
    first = _api(app, body, key)
    assert first.status_code == 201 and first.json["secret"] and not first.json["replayed"]
    # The same body with its keys in another order is the same body.
    again = _api(app, dict(reversed(list(body.items()))), key)
    assert again.status_code == 200
    assert again.json["tracking_code"] == first.json["tracking_code"]
    assert again.json["received_on"] == first.json["received_on"]
    assert again.json["replayed"] is True and "secret" not in again.json
    assert "รหัสลับ" in again.json["secret_note"] and "secret" in again.json["secret_note"]
    assert first.json["secret"] not in again.get_data(as_text=True)
    assert _cases(sqlite_runtime) == 1


def test_the_same_key_with_another_body_is_refused(app, sqlite_runtime):
    key = str(uuid.uuid4())
    assert _api(app, {**WEB, "notice_acknowledged": True}, key).status_code == 201
    other = _api(app, {**WEB, "subject": "เรื่องอื่น", "notice_acknowledged": True}, key)
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json["message"]
    assert "different complaint" in other.json["message"]
    assert _cases(sqlite_runtime) == 1


def test_a_bad_key_is_refused_and_no_key_files_each_time(app, sqlite_runtime):
    body = {**WEB, "notice_acknowledged": True}
    for key in ("short", "x" * 201, "ไทย" * 10):
        refused = _api(app, body, key)
        assert refused.status_code == 400, key
        assert "Idempotency-Key" in refused.get_data(as_text=True)
    assert _cases(sqlite_runtime) == 0
    assert _api(app, body).status_code == _api(app, body).status_code == 201
    assert _cases(sqlite_runtime) == 2


def test_a_key_refused_for_bad_data_is_not_used_up(app, sqlite_runtime):
    key = str(uuid.uuid4())
    assert _api(app, {**WEB}, key).status_code == 400  # no acknowledgement
    assert _api(app, {**WEB, "notice_acknowledged": True}, key).status_code == 201
    assert _cases(sqlite_runtime) == 1


def test_a_form_token_never_answers_an_api_retry(app, sqlite_runtime):
    citizen = Browser(app)
    token = _token_of(citizen.get("/complaint"))
    _send(citizen)
    assert _api(app, {**WEB, "notice_acknowledged": True}, token).status_code == 201
    assert _cases(sqlite_runtime) == 2


def test_the_openapi_document_describes_the_header(app):
    described = app.test_client().get("/api/v1/openapi.json").json
    post = described["paths"]["/public/complaints"]["post"]
    (header,) = [p for p in post["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and not header["required"]
    assert {"200", "201", "409"} <= set(post["responses"])


# ---- every other page that creates something redirects ----------------------------------

def _redirects(response, location: str) -> None:
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].split("?")[0].split("#")[0] == location


def test_the_admin_pages_redirect_after_creating(browser, sqlite_runtime):
    b = browser("admin")
    b.get("/admin/users")
    _redirects(b.post("/admin/users", {"username": "new_clerk", "display_name": "เสมียนใหม่",
                                       "roles": ["staff"], "unit_code": "PLAN",
                                       "password": "a-long-enough-password-1"}),
               "/admin/users")
    b.get("/admin/users")
    issued = b.post("/admin/users/new_clerk/token", {"name": "ระบบสารบรรณ"})
    _redirects(issued, "/admin/users")
    page = html(b.get("/admin/users"))
    token = re.search(r'<code class="secret-value">([^<]+)</code>', page).group(1)
    # A reload shows the list, not the token again, and issues no second token.
    reloaded = html(b.get("/admin/users"))
    assert token not in reloaded and 'class="secret-value"' not in reloaded
    # The token never travels in clear in the (signed, readable) session cookie.
    assert token not in (b.client.get_cookie("session").value if b.client.get_cookie(
        "session") else "")
    b.get("/admin/users")
    _redirects(b.post("/admin/users/new_clerk/password"), "/admin/users")
    assert 'class="secret-value"' in html(b.get("/admin/users"))
    b.get("/admin/units")
    _redirects(b.post("/admin/units", {"code": "FIN", "name": "กลุ่มการเงิน"}), "/admin/units")
    b.get("/admin/acting")
    _redirects(b.post("/admin/acting", {"username": "legal_head", "role": "director",
                                        "starts_on": "2026-12-01", "ends_on": "2026-12-10",
                                        "reference": "คำสั่ง สพป. ที่ 9/2569"}),
               "/admin/acting")
    b.get("/admin/holidays")
    _redirects(b.post("/admin/holidays/add", {"add_day": "2027-03-03",
                                              "add_reason": "วันหยุดพิเศษ"}),
               "/admin/holidays")


def test_starting_a_case_redirects_to_it(browser, sqlite_runtime):
    b = browser("staff")
    b.get("/start/publishing")
    started = b.post("/start/publishing", form_of(PUBLISHING_REQUEST))
    assert started.status_code in (302, 303), html(started)[:2000]
    assert re.fullmatch(r"/cases/\d+", started.headers["Location"])
    assert _cases(sqlite_runtime) == 1


def test_the_same_key_sent_twice_at_once_files_once(runtime, monkeypatch):
    """Two sends of one key racing: the second misses the first's row when it looks, and
    the unique key then refuses its whole transaction (case included); it answers with
    the first receipt instead."""
    from engine.services.complaints import citizen

    key, body = str(uuid.uuid4()), {**WEB, "notice_acknowledged": True}
    first = public.submit_complaint(runtime, body, idempotency_key=key)
    real, calls = filing_keys.find, []

    def not_yet_committed(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(citizen.filing_keys, "find", not_yet_committed)
    second = public.submit_complaint(runtime, body, idempotency_key=key)
    assert len(calls) == 2
    assert second["replayed"] and second["tracking_code"] == first["tracking_code"]
    assert _cases(runtime) == 1
    with runtime.db.read() as session:
        assert session.scalar(select(func.count()).select_from(TrackingCode)) == 1


def test_tokens_and_keys_on_both_databases(runtime):
    """The key's row and the case commit together on SQLite and PostgreSQL alike."""
    body = {**WEB, "notice_acknowledged": True}
    token = filing_keys.new_form_token()
    filed = public.submit_complaint_with_evidence(runtime, body, [], form_token=token)
    again = public.submit_complaint_with_evidence(runtime, body, [], form_token=token)
    assert not filed["replayed"] and again["replayed"]
    assert again["tracking_code"] == filed["tracking_code"]
    assert public.form_receipt(runtime, token)["secret"]
    assert public.form_receipt(runtime, token)["secret"] is None
    key = str(uuid.uuid4())
    first = public.submit_complaint(runtime, body, idempotency_key=key)
    assert public.submit_complaint(runtime, body, idempotency_key=key)["tracking_code"] == \
        first["tracking_code"]
    assert _cases(runtime) == 2
