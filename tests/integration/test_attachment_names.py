"""Issue 13 items 8 and 9: a complaint file's name is personal data (scans are named after
people): its row keeps only a stand-in, the real name encrypted, shown to those who may
open the file. And a stored file's name ends as its checked type does."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from sqlalchemy import text

from engine.services.complaints import privacy_log
from engine.services.inbox import attachments, instances
from engine.services.inbox.attachments import UploadedFile
from tests.account_support import known_password
from tests.conftest import People
from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from tests.web_client import Browser, html
from webui import create_app

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
#: A scan named after the complainant, as they often are.
SCAN = "หนังสือร้องเรียน นางร้องเรียน ใจกล้า.pdf"
TRACES = ("ใจกล้า", "นางร้องเรียน", "หนังสือร้องเรียน")


@pytest.fixture
def people(runtime) -> People:
    return People(runtime)


@pytest.fixture
def app(runtime):
    app = create_app(runtime=runtime)
    app.testing = True
    return app


def signed_in(rt, app, people: People, name: str) -> Browser:
    user = people.all()[name]
    b = Browser(app)
    b.signin(user.username, known_password(rt, people.admin, user.username))
    return b


def raw_rows(rt, table: str) -> list[tuple]:
    with rt.db.read() as session:
        return [tuple(row) for row in session.execute(text(f'SELECT * FROM "{table}"'))]


def holds_trace(rows: list[tuple]) -> bool:
    for row in rows:
        for value in row:
            blob = value if isinstance(value, bytes) else str(value).encode("utf-8")
            if any(trace.encode("utf-8") in blob for trace in TRACES):
                return True
    return False


def complaint_with_scan(rt, people: People, name: str = SCAN, data: bytes = PDF,
                        content_type: str = "application/pdf") -> tuple[int, int]:
    view = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT,
                                    [UploadedFile(name, content_type, data)])
    return view["id"], view["attachments"][0]["id"]


def test_the_row_of_a_complaint_file_holds_no_trace_of_its_name(runtime, people, caplog):
    caplog.set_level(logging.DEBUG)
    case_id, attachment_id = complaint_with_scan(runtime, people)
    rows = raw_rows(runtime, "attachment")
    assert len(rows) == 1 and not holds_trace(rows), rows
    with runtime.db.read() as session:
        stored = session.execute(text("SELECT filename, sealed_filename FROM attachment")).one()
    assert stored[0] == f"file-{attachment_id}.pdf"
    assert stored[1] and SCAN.encode("utf-8") not in bytes(stored[1])
    assert not holds_trace(raw_rows(runtime, "audit_event"))
    assert not any(trace in record.getMessage() for record in caplog.records
                   for trace in TRACES)
    # Those who may open the file get its real name.
    for who in ("legal_officer", "legal_head", "director"):
        listed = attachments.list_attachments(runtime, people.all()[who], case_id)
        assert [a["filename"] for a in listed] == [SCAN], who
    meta, content = attachments.read_attachment(runtime, people.director, attachment_id)
    assert (meta["filename"], content) == (SCAN, PDF)
    reads = privacy_log.list_reads(runtime, people.director)["reads"]
    assert [r["attachment"]["filename"] for r in reads if r.get("attachment")] == [SCAN]


def test_only_roles_that_may_open_the_file_see_its_name_on_the_web(runtime, people, app):
    case_id, attachment_id = complaint_with_scan(runtime, people)
    legal = signed_in(runtime, app, people, "legal_officer")
    assert SCAN in html(legal.get(f"/cases/{case_id}"))
    download = legal.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert quote(SCAN) in download.headers["Content-Disposition"]
    for who in ("staff", "web_admin", "ict_head", "admin"):
        b = signed_in(runtime, app, people, who)
        for path in (f"/cases/{case_id}", f"/attachments/{attachment_id}"):
            response = b.get(path)
            shown = html(response) + str(response.headers)
            assert not any(trace in shown or quote(trace) in shown for trace in TRACES), \
                (who, path)
    # And in code, a reader without the right gets the stand-in only.
    with runtime.db.read() as session:
        row = session.get_one(attachments.Attachment, attachment_id)
        assert attachments.shown_filename(runtime, people.staff, row) == \
            f"file-{attachment_id}.pdf"
        assert attachments.shown_filename(runtime, people.legal_head, row) == SCAN


def test_init_seals_the_names_of_complaint_files_kept_before(runtime, people):
    case_id, attachment_id = complaint_with_scan(runtime, people)
    publishing = instances.start_instance(runtime, people.staff, "publishing",
                                          PUBLISHING_REQUEST,
                                          [UploadedFile("แผน.pdf", "application/pdf", PDF)])
    with runtime.db.write() as session:  # as a row written before names were sealed
        session.execute(text("UPDATE attachment SET filename = :n, sealed_filename = NULL "
                             "WHERE id = :i"), {"n": SCAN, "i": attachment_id})
    assert attachments.seal_file_names(runtime) == 1
    assert attachments.seal_file_names(runtime) == 0  # once
    assert not holds_trace(raw_rows(runtime, "attachment"))
    listed = attachments.list_attachments(runtime, people.legal_officer, case_id)
    assert [a["filename"] for a in listed] == [SCAN]
    assert [a["filename"] for a in attachments.list_attachments(
        runtime, people.staff, publishing["id"])] == ["แผน.pdf"]


def test_publishing_files_keep_their_names(runtime, people):
    name = "แผนปฏิบัติการ 2570.pdf"
    view = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST,
                                    [UploadedFile(name, "application/pdf", PDF)])
    assert [a["filename"] for a in view["attachments"]] == [name]
    with runtime.db.read() as session:
        assert session.execute(text("SELECT filename, sealed_filename FROM attachment")
                               ).one() == (name, None)


def test_a_stored_files_name_ends_as_its_checked_type(runtime, people, app):
    view = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST,
                                    [UploadedFile("a.html", "image/png", PNG)])
    attachment_id = view["attachments"][0]["id"]
    with runtime.db.read() as session:
        assert session.execute(text("SELECT filename FROM attachment")).scalar_one() == "a.png"
    staff = signed_in(runtime, app, people, "staff")
    download = staff.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200, html(download)[:500]
    assert download.headers["Content-Disposition"] == "attachment; filename=a.png"
    assert download.headers["Content-Type"] == "image/png"
    # A complaint's file gets the type's ending too, in its sealed real name.
    _case_id, sealed_id = complaint_with_scan(runtime, people, "รูปถ่าย.html", PNG, "image/png")
    meta, _content = attachments.read_attachment(runtime, people.legal_officer, sealed_id)
    assert meta["filename"] == "รูปถ่าย.png"


@pytest.mark.parametrize(("name", "content_type", "kept"), [
    ("a.html", "image/png", "a.png"),
    ("scan", "image/jpeg", "scan.jpg"),
    ("ฉบับ 2.1", "application/pdf", "ฉบับ 2.1.pdf"),
    ("photo.JPEG", "image/jpeg", "photo.JPEG"),
    ("../../evil.exe", "application/pdf", "evil.pdf"),
])
def test_typed_filename(name, content_type, kept):
    assert attachments.typed_filename(name, content_type) == kept
