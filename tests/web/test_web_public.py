"""The website channel's pages: a citizen files on /complaint and follows up on /track."""

from __future__ import annotations

import re
from html import unescape

from engine.services.inbox import tasks
from tests.samples import COMPLAINT, SECRETS
from tests.web_client import Browser, form_of, html

pytest_plugins = ("tests.web_support",)

WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
ACK = {"notice_acknowledged": "on"}
URLS = re.compile(r'(?:href|src|action)="([^"]*)"')


def _file(app) -> tuple[Browser, object]:
    citizen = Browser(app)
    page = citizen.get("/complaint")
    assert page.status_code == 200
    # The send answers with a redirect to the receipt (POST → redirect → GET).
    filed = citizen.post("/complaint", {**form_of(WEB), **ACK}, follow=True)
    assert [r.status_code for r in filed.history] == [303], html(filed)[:3000]
    return citizen, filed


def _receipt(response) -> tuple[str, str]:
    text = html(response)
    code = re.search(r'<code class="receipt-code">(GF\d\d-[A-Z0-9]{4}-[A-Z0-9]{4})</code>', text)
    secret = re.findall(r'<code class="receipt-code">([^<]+)</code>', text)[1]
    assert code
    return code.group(1), unescape(secret)


def test_the_complaint_page_shows_the_privacy_notice_before_the_form(app):
    text = html(Browser(app).get("/complaint"))
    notice = text.index("ประกาศความเป็นส่วนตัว")
    assert notice < text.index('name="notice_acknowledged"') < text.index('name="subject"')
    assert "กลุ่มกฎหมายและคดี" in text and "ไม่ระบุก็ได้" in text
    assert 'name="channel"' not in text and 'name="received_at"' not in text
    assert "ผู้ดูแลกระบวนงานแก้ไขรายการนี้ได้" not in text  # no notes meant for staff


def test_a_citizen_files_gets_a_receipt_and_legal_affairs_sees_the_task(
        app, browser, sqlite_runtime, web_people):
    citizen, filed = _file(app)
    assert filed.status_code == 200, html(filed)[:3000]
    assert "no-store" in filed.headers["Cache-Control"]
    text = html(filed)
    code, secret = _receipt(filed)
    assert "<svg" in text or "data:image/svg+xml" in text
    assert 'id="print-receipt"' in text and "print-button.js" in text
    assert not any(secret in url for url in URLS.findall(text))
    assert f"/track?code={code}" in text
    assert not any(value in text for value in SECRETS)
    # The session cookie is signed, not encrypted: it must not hold the secret either.
    cookie = citizen.client.get_cookie("session")
    if cookie is not None:
        session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        assert secret not in repr(session) and code not in repr(session)
    assert secret not in filed.headers.get("Location", "")

    legal = browser("legal_officer")
    inbox = html(legal.get("/inbox?view=group"))
    assert "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น" in inbox and COMPLAINT["subject"] in inbox
    (task,) = tasks.list_tasks(sqlite_runtime, web_people.legal_officer, "group")["tasks"]
    assert task["process_key"] == "complaint" and f'href="/tasks/{task["id"]}"' in inbox

    tracker = Browser(app)
    page = tracker.get(f"/track?code={code}")
    assert f'value="{code}"' in html(page)
    seen = tracker.post("/track", {"code": code, "secret": secret})
    assert seen.status_code == 200
    text = html(seen)
    assert "รับเรื่องแล้ว" in text and "received; being screened" not in text  # Thai page
    assert not any(value in text for value in SECRETS) and COMPLAINT["subject"] not in text
    assert secret not in text

    tracker.get("/track")
    wrong = tracker.post("/track", {"code": code, "secret": "not-the-secret"})
    tracker.get("/track")
    unknown = tracker.post("/track", {"code": "GF69-AAAA-AAAA", "secret": secret})
    assert wrong.status_code == unknown.status_code == 404
    message = "ไม่พบเรื่องตามรหัสและรหัสลับที่ให้มา"
    assert message in html(wrong) and message in html(unknown)
    assert "รับเรื่องแล้ว" not in html(wrong) + html(unknown)


def test_tracking_in_english(app):
    _citizen, filed = _file(app)
    code, secret = _receipt(filed)
    reader = Browser(app)
    reader.get("/track")
    reader.post("/language", {"lang": "en", "next": "/track"})
    reader.get("/track")
    text = html(reader.post("/track", {"code": code, "secret": secret}))
    assert "received; being screened" in text and "BE" in text


def test_missing_acknowledgement_is_a_thai_field_error_and_files_nothing(
        app, sqlite_runtime, web_people):
    citizen = Browser(app)
    citizen.get("/complaint")
    refused = citizen.post("/complaint", {**form_of(WEB), "subject": ""})
    assert refused.status_code == 400
    text = html(refused)
    assert 'id="f-notice_acknowledged-error"' in text
    assert "ประกาศความเป็นส่วนตัว" in text and 'id="f-subject-error"' in text
    assert f'value="{WEB["accused_position"]}"' in text  # what was typed stays
    assert 'class="receipt-code"' not in text
    assert tasks.count_tasks(sqlite_runtime, web_people.legal_officer)["group"] == 0


def test_a_post_without_csrf_token_is_refused(app, sqlite_runtime, web_people):
    client = app.test_client()
    client.get("/complaint")
    refused = client.post("/complaint", data={**form_of(WEB), **ACK})
    assert refused.status_code == 400
    assert tasks.count_tasks(sqlite_runtime, web_people.legal_officer)["group"] == 0
    assert client.post("/track", data={"code": "GF69-AAAA-AAAA", "secret": "x"}).status_code == 400


def test_public_links_are_visible_without_signing_in(app):
    text = html(Browser(app).get("/"))
    assert "ร้องเรียนการทุจริต" in text and "ติดตามเรื่องร้องเรียน" in text
    assert 'href="/complaint"' in text and 'href="/track"' in text


def test_every_page_names_the_office_from_its_file(app, sqlite_runtime):
    page = html(app.test_client().get("/complaint"))
    footer = page[page.index('<footer'):]
    assert sqlite_runtime.office.name in footer
