"""Evidence files on the public complaint page: checked first, then filed with the case.

A citizen chooses files on /complaint. Every file is checked by its content before
anything is stored; one bad file refuses the whole submission, keeps what was typed and
files nothing. Good files land on the case, where the legal officer opens them.
"""

from __future__ import annotations

import io
import logging
import re
from html import unescape

import pytest
from flask import request
from sqlalchemy import func, select

from engine.core.errors import InvalidData
from engine.core.models import Attachment, AuditEvent, ProcessInstance, TrackingCode
from engine.services.complaints import citizen as public
from engine.services.complaints import filing_keys
from engine.services.inbox import attachments, tasks
from tests.samples import COMPLAINT
from tests.web_client import Browser, form_of, html

pytest_plugins = ("tests.web_support",)

WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
ACK = {"notice_acknowledged": "on"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def _send(app, files: list[tuple], fields: dict | None = None) -> tuple[Browser, object]:
    """Open the page, then post the form with ``files`` as the browser would."""
    citizen = Browser(app)
    assert citizen.get("/complaint").status_code == 200
    body = {**form_of(WEB), **ACK, **(fields or {}),
            "evidence": [(io.BytesIO(data), *rest) for data, *rest in files]}
    return citizen, citizen.post("/complaint", body, content_type="multipart/form-data",
                                 follow=True)


def _counts(rt) -> dict[str, int]:
    with rt.db.read() as session:
        return {
            "cases": session.scalar(select(func.count()).select_from(ProcessInstance)),
            "codes": session.scalar(select(func.count()).select_from(TrackingCode)),
            "files": session.scalar(select(func.count()).select_from(Attachment)),
            "on_disk": len(list(attachments.storage_dir(rt).glob("*")))
            if attachments.storage_dir(rt).exists() else 0,
        }


NOTHING = {"cases": 0, "codes": 0, "files": 0, "on_disk": 0}


def _refused_keeping_input(response) -> str:
    assert response.status_code == 400
    text = html(response)
    assert 'class="receipt-code"' not in text
    # What was typed stays; files cannot be refilled by a browser, and the page says so.
    assert f'value="{WEB["accused_position"]}"' in text
    assert WEB["details"] in text
    assert 'id="files-dropped"' in text and "กรุณาเลือกไฟล์อีกครั้ง" in text
    assert 'aria-invalid="true"' in text
    return unescape(text)


def test_the_form_takes_files_with_its_limits_stated(app):
    text = html(Browser(app).get("/complaint"))
    form = text[text.index('action="/complaint"') - 200:]
    assert 'enctype="multipart/form-data"' in form
    assert re.search(r'<input type="file" id="f-evidence" name="evidence" multiple', text)
    assert '<label for="f-evidence">' in text
    assert "ไม่เกิน 5 ไฟล์" in text and "ไม่เกิน 10 MB" in text
    assert "ไฟล์หลักฐาน" in text[:text.index('name="notice_acknowledged"')]  # in the notice
    assert 'id="files-dropped"' not in text


def test_good_files_are_filed_with_the_case_and_the_legal_officer_opens_them(
        app, browser, sqlite_runtime, web_people):
    _citizen, filed = _send(app, [(PDF, "คำสั่งจัดซื้อ.pdf"), (PNG, "ภาพถ่าย.png"),
                                  (JPEG, "ใบเสร็จ.jpg")])
    assert filed.status_code == 200, html(filed)[:3000]
    receipt = html(filed)
    for name in ("คำสั่งจัดซื้อ.pdf", "ภาพถ่าย.png", "ใบเสร็จ.jpg"):
        assert name in receipt
    assert _counts(sqlite_runtime) == {"cases": 1, "codes": 1, "files": 3, "on_disk": 3}

    (task,) = tasks.list_tasks(sqlite_runtime, web_people.legal_officer, "group")["tasks"]
    case_id = task["instance_id"]
    stored = attachments.list_attachments(sqlite_runtime, web_people.legal_officer, case_id)
    assert [(f["filename"], f["content_type"], f["uploaded_by"]) for f in stored] == [
        ("คำสั่งจัดซื้อ.pdf", "application/pdf", "public"),
        ("ภาพถ่าย.png", "image/png", "public"),
        ("ใบเสร็จ.jpg", "image/jpeg", "public"),
    ]
    legal = browser("legal_officer")
    page = html(legal.get(f"/cases/{case_id}"))
    for f in stored:
        assert f'href="/attachments/{f["id"]}"' in page and f["filename"] in page
    opened = legal.get(f"/attachments/{stored[0]['id']}")
    assert opened.status_code == 200 and opened.data == PDF
    # The files were stored in the filing's own transaction: one start, three files.
    with sqlite_runtime.db.read() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.instance_id == case_id).order_by(AuditEvent.id)))
    assert actions[:4] == ["instance_started", *["attachment_added"] * 3]
    # Files sent with the complaint count against the five a citizen may send in all.
    code = re.search(r'<code class="receipt-code">([^<]+)</code>', receipt).group(1)
    secret = unescape(re.findall(r'<code class="receipt-code">([^<]+)</code>', receipt)[1])
    public.add_evidence(sqlite_runtime, code, secret, "เพิ่ม.pdf", "application/pdf", PDF)
    public.add_evidence(sqlite_runtime, code, secret, "เพิ่ม2.pdf", "application/pdf", PDF)
    with pytest.raises(InvalidData):
        public.add_evidence(sqlite_runtime, code, secret, "เกิน.pdf", "application/pdf", PDF)


def test_a_complaint_without_files_still_files(app, sqlite_runtime):
    _citizen, filed = _send(app, [])
    assert filed.status_code == 200
    assert "ไม่มี" in html(filed)
    assert _counts(sqlite_runtime) == {"cases": 1, "codes": 1, "files": 0, "on_disk": 0}


def test_a_png_named_pdf_is_refused_and_nothing_is_created(app, sqlite_runtime, caplog):
    caplog.set_level(logging.DEBUG)
    # As a browser sends it: the type comes from the name, the bytes are a PNG.
    _citizen, refused = _send(app, [(PDF, "หลักฐานดี.pdf"), (PNG, "ภาพหน้าจอ.pdf")])
    text = _refused_keeping_input(refused)
    assert 'id="f-evidence-error"' in text
    error = re.search(r'id="f-evidence-error">(.*?)</p>', text, re.S).group(1)
    assert "“ภาพหน้าจอ.pdf”" in error and "เนื้อไฟล์ไม่ตรงกับชนิดที่แจ้ง" in error
    assert "หลักฐานดี.pdf" not in error  # only the bad file is named
    assert _counts(sqlite_runtime) == NOTHING
    # Neither what was typed nor the file names reach the logs.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ภาพหน้าจอ" not in logged and WEB["accused_name"] not in logged


def test_a_name_that_lies_about_a_truthful_type_is_refused(app, sqlite_runtime):
    _citizen, refused = _send(app, [(PNG, "สัญญา.pdf", "image/png")])
    text = _refused_keeping_input(refused)
    assert "“สัญญา.pdf”: นามสกุลของชื่อไฟล์ไม่ตรงกับชนิดของไฟล์" in text
    assert _counts(sqlite_runtime) == NOTHING


@pytest.mark.parametrize(("upload", "says"), [
    ((b"MZ\x90\x00", "โปรแกรม.exe", "application/octet-stream"), "รับเฉพาะ PDF, JPEG หรือ PNG"),
    ((b"", "ว่าง.pdf"), "ไฟล์ว่าง"),
    ((b"%PDF-" + b"0" * attachments.MAX_BYTES, "ใหญ่.pdf"), "ไฟล์ใหญ่เกิน 10 MB"),
])
def test_other_bad_files_are_named_and_refused(app, sqlite_runtime, upload, says):
    _citizen, refused = _send(app, [(PDF, "ดี.pdf"), upload])
    text = _refused_keeping_input(refused)
    assert f"“{upload[1]}”: {says}" in text
    assert _counts(sqlite_runtime) == NOTHING


def test_too_many_files_are_refused(app, sqlite_runtime):
    _citizen, refused = _send(app, [(PDF, f"ไฟล์{n}.pdf") for n in range(6)])
    text = _refused_keeping_input(refused)
    assert "แนบไฟล์ได้ไม่เกิน 5 ไฟล์ (เลือกมา 6 ไฟล์)" in text
    assert _counts(sqlite_runtime) == NOTHING


def test_a_bad_file_and_a_bad_field_are_reported_together(app, sqlite_runtime):
    _citizen, refused = _send(app, [(PNG, "x.pdf")], {"subject": ""})
    text = _refused_keeping_input(refused)
    assert 'id="f-subject-error"' in text and 'id="f-evidence-error"' in text
    # The privacy notice not acknowledged, and a bad file: both named at once.
    citizen = Browser(app)
    citizen.get("/complaint")
    body = {**form_of(WEB), "evidence": [(io.BytesIO(PNG), "x.pdf")]}
    refused = citizen.post("/complaint", body, content_type="multipart/form-data")
    text = _refused_keeping_input(refused)
    assert 'id="f-notice_acknowledged-error"' in text and 'id="f-evidence-error"' in text
    assert _counts(sqlite_runtime) == NOTHING


def test_english_names_the_bad_file_in_english(app, sqlite_runtime):
    citizen = Browser(app)
    citizen.get("/complaint")
    citizen.post("/language", {"lang": "en", "next": "/complaint"})
    citizen.get("/complaint")
    body = {**form_of(WEB), **ACK, "evidence": [(io.BytesIO(PNG), "photo.pdf")]}
    refused = citizen.post("/complaint", body, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "“photo.pdf”: the file's content is not a application/pdf" in unescape(html(refused))
    assert _counts(sqlite_runtime) == NOTHING


def test_files_above_the_apps_usual_limit_fit_this_page_only(app, sqlite_runtime):
    from webui import MAX_REQUEST_BYTES

    big = PDF + b"0" * (MAX_REQUEST_BYTES + 1000)  # more than any other page accepts
    _citizen, filed = _send(app, [(big, "ใหญ่1.pdf"), (big, "ใหญ่2.pdf")])
    assert filed.status_code == 200, html(filed)[:2000]
    assert _counts(sqlite_runtime)["files"] == 2
    tracker = Browser(app)
    tracker.get("/track")
    assert tracker.post("/track", {"code": "x", "secret": "y" * (MAX_REQUEST_BYTES + 10)}
                        ).status_code == 413


def test_a_request_above_the_pages_limit_gets_the_thai_413_page(
        app, sqlite_runtime, monkeypatch):
    from webui.public import complaints as complaint_pages

    # A smaller allowance stands in for five 10 MB files, so the test stays light; the
    # route's limit is still the app's limit plus this allowance.
    monkeypatch.setattr(complaint_pages, "EVIDENCE_BYTES", 2 * 1024 * 1024)
    big = PDF + b"0" * (1024 * 1024)
    _citizen, refused = _send(app, [(big, "1.pdf"), (big, "2.pdf"), (big, "3.pdf")])
    assert refused.status_code == 413
    text = html(refused)
    assert "ขนาดใหญ่เกินกำหนด" in text and "text/html" in refused.headers["Content-Type"]
    assert _counts(sqlite_runtime) == NOTHING
    assert complaint_pages.EVIDENCE_BYTES < public.MAX_EVIDENCE_FILES * attachments.MAX_BYTES


def test_the_pages_limit_holds_five_full_size_files_and_the_form(app):
    from webui import MAX_REQUEST_BYTES

    five = public.MAX_EVIDENCE_FILES * attachments.MAX_BYTES
    # The hooks that set a route's limit run before CSRF protection reads the body.
    hooks = app.before_request_funcs[None]
    csrf = next(i for i, hook in enumerate(hooks) if "csrf" in hook.__qualname__.lower())
    limits = hooks[:csrf]

    def limit(path: str, method: str) -> int | None:
        with app.test_request_context(path, method=method):
            for hook in limits:
                hook()
            return request.max_content_length

    assert limit("/complaint", "POST") == MAX_REQUEST_BYTES + five
    for path, method in (("/complaint", "GET"), ("/track", "POST"), ("/signin", "POST")):
        assert limit(path, method) == MAX_REQUEST_BYTES, (path, method)


def test_the_service_checks_every_file_before_storing_any(sqlite_runtime):
    data = {**WEB, "notice_acknowledged": True}
    good = attachments.UploadedFile("ดี.pdf", "application/pdf", PDF)
    bad = attachments.UploadedFile("เสีย.png", "image/png", PDF)
    with pytest.raises(InvalidData) as refused:
        public.submit_complaint_with_evidence(sqlite_runtime, data, [good, good, bad],
                                              form_token=filing_keys.new_form_token())
    assert set(refused.value.fields) == {public.EVIDENCE_FIELD}
    assert "“เสีย.png”" in refused.value.fields[public.EVIDENCE_FIELD]
    assert _counts(sqlite_runtime) == NOTHING
    token = filing_keys.new_form_token()
    receipt = public.submit_complaint_with_evidence(sqlite_runtime, data, [good],
                                                    form_token=token)
    assert receipt["files"] == [{"filename": "ดี.pdf", "size": len(PDF)}]
    # The answer never holds the secret: the receipt page shows it, once.
    assert set(receipt) == {"tracking_code", "received_on", "files", "replayed"}
    assert public.form_receipt(sqlite_runtime, token)["secret"]


def test_a_failure_after_some_files_are_written_leaves_no_file_behind(
        sqlite_runtime, monkeypatch):
    from engine.services.complaints import citizen as service

    real = service.store_attachment
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "store_attachment", fail_on_second)
    files = [attachments.UploadedFile(f"{n}.pdf", "application/pdf", PDF) for n in range(3)]
    with pytest.raises(OSError):
        public.submit_complaint_with_evidence(
            sqlite_runtime, {**WEB, "notice_acknowledged": True}, files,
            form_token=filing_keys.new_form_token())
    assert len(calls) == 2
    assert _counts(sqlite_runtime) == NOTHING


def test_files_the_office_adds_do_not_use_up_the_citizens_allowance(sqlite_runtime):
    from engine.core.models import utcnow

    files = [attachments.UploadedFile(f"{n}.pdf", "application/pdf", PDF) for n in range(4)]
    token = filing_keys.new_form_token()
    public.submit_complaint_with_evidence(
        sqlite_runtime, {**WEB, "notice_acknowledged": True}, files, form_token=token)
    receipt = public.form_receipt(sqlite_runtime, token)
    with sqlite_runtime.db.write() as session:
        case_id = session.scalar(select(TrackingCode.instance_id))
        # A file with no uploading user that is not the citizen's (e.g. a letter issued).
        session.add(Attachment(instance_id=case_id, filename="หนังสือแจ้ง.pdf",
                               content_type="application/pdf", size=1, sha256="0" * 64,
                               stored_name="system-letter", uploaded_by_id=None,
                               uploaded_by="system", at=utcnow()))
    code, secret = receipt["tracking_code"], receipt["secret"]
    public.add_evidence(sqlite_runtime, code, secret, "5.pdf", "application/pdf", PDF)
    with pytest.raises(InvalidData):
        public.add_evidence(sqlite_runtime, code, secret, "6.pdf", "application/pdf", PDF)
