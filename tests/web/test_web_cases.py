"""Inbox, task pages, case pages and start pages driven through the HTML alone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from engine.core import clock
from engine.services.inbox import instances, tasks
from engine.thai.dates import THAI_MONTHS, format_thai_date
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SECRETS
from tests.web_client import Browser, form_of, html

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def task_links(text: str) -> list[str]:
    return re.findall(r'href="/tasks/([0-9a-f-]{36})"', text)


def start_publishing(b: Browser) -> int:
    page = b.get("/start/publishing")
    assert page.status_code == 200
    response = b.post("/start/publishing", form_of(PUBLISHING_REQUEST))
    assert response.status_code == 302, b.text()[:3000]
    match = re.fullmatch(r"/cases/(\d+)", response.headers["Location"])
    assert match
    return int(match.group(1))


def start_complaint(b: Browser) -> int:
    b.get("/start/complaint")
    response = b.post("/start/complaint", form_of(COMPLAINT))
    assert response.status_code == 302, b.text()[:3000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def open_task(rt, actor, instance_id) -> str:
    (task,) = instances.get_instance(rt, actor, instance_id)["tasks"]
    return task["id"]


# ---- start pages -----------------------------------------------------------------------

def test_start_page_renders_the_schema(browser):
    staff = browser("staff")
    page = html(staff.get("/start/publishing"))
    # title → label for=, required marked, textarea for long text, url, date, select, checkbox
    assert '<label for="f-title">ชื่อเรื่อง' in page
    assert re.search(r'<textarea id="f-details" name="details" required', page)
    assert 'type="url" id="f-external_link"' in page
    assert 'type="text" id="f-request_date"' in page  # วว/ดด/ปปปป, read on the server
    assert '<select id="f-category" name="category" required' in page
    assert 'type="radio" name="legal_basis" value="oia_s7"' in page
    assert 'type="checkbox" id="f-no_personal_data_confirmed"' in page
    assert "ข้อมูลหน่วยงาน – ประวัติความเป็นมา" in page  # Thai option titles
    assert "ขอเผยแพร่ข้อมูล" in page  # the start link in the menu


def test_start_pages_only_for_the_starting_role(browser):
    staff = browser("staff")
    assert staff.get("/start/complaint").status_code == 403
    assert "ลงทะเบียนเรื่องร้องเรียน" not in html(staff.get("/inbox"))
    legal = browser("legal_officer")
    assert legal.get("/start/publishing").status_code == 403
    assert legal.get("/start/nothing").status_code == 404
    assert "ลงทะเบียนเรื่องร้องเรียน" in html(legal.get("/inbox"))
    web_admin = browser("web_admin")
    refused = web_admin.post("/start/publishing", form_of(PUBLISHING_REQUEST))
    assert refused.status_code == 403


def test_start_with_wrong_input_keeps_it_and_starts_nothing(sqlite_runtime, web_people, browser):
    staff = browser("staff")
    staff.get("/start/publishing")
    bad = dict(form_of(PUBLISHING_REQUEST), title="", external_link="not a link")
    del bad["no_personal_data_confirmed"]
    response = staff.post("/start/publishing", bad)
    assert response.status_code == 400
    page = html(response)
    assert "กรุณากรอก ชื่อเรื่อง" in page
    assert "ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https://" in page
    assert re.search(r'id="f-no_personal_data_confirmed-error">[^<]*<span[^>]*>[^<]*</span>'
                     r"[^<]*: ต้องยืนยันรายการนี้</p>", page)
    assert 'value="not a link"' in page  # kept
    assert "เผยแพร่แผนปฏิบัติการประจำปี</textarea>" in page
    assert 'value="1.1.1" selected' in page
    assert tasks.count_tasks(sqlite_runtime, web_people.director)["group"] == 0


# ---- a publishing request through the pages --------------------------------------------

def test_publishing_request_through_the_pages(sqlite_runtime, web_people, browser):
    staff = browser("staff")
    iid = start_publishing(staff)
    case = html(staff.get(f"/cases/{iid}"))
    assert PUBLISHING_REQUEST["title"] in case and "ผู้อำนวยการ" in case
    assert "เริ่มเรื่อง" in case  # flash and history
    assert "20 พฤศจิกายน 2569" in case  # request_date 2026-11-20, in the Buddhist Era
    assert "2026-11-20" not in case

    director = browser("director")
    inbox = html(director.get("/inbox?view=group"))
    assert PUBLISHING_REQUEST["title"] in inbox
    (task_id,) = task_links(inbox)
    page = html(director.get(f"/tasks/{task_id}"))
    assert "รับงานนี้" in page and "director_decision" in page
    # Claim, then see it under my tasks.
    director.post(f"/tasks/{task_id}/claim")
    assert director.page.status_code == 302
    mine = html(director.get("/inbox"))
    assert task_id in mine
    page = html(director.get(f"/tasks/{task_id}"))
    assert "คืนงานให้กลุ่ม" in page
    # Wrong input: the reason is required when returning; the choice is kept.
    bad = director.post(f"/tasks/{task_id}/complete", {"director_decision": "return"})
    assert bad.status_code == 400
    assert "กรุณากรอก เหตุผล/ข้อสั่งการ" in html(bad)
    assert re.search(r'value="return"[^>]*checked', html(bad))
    assert tasks.get_task(sqlite_runtime, web_people.director, task_id)["state"] == "open"
    # Right input moves the case on to the web administrator.
    done = director.post(f"/tasks/{task_id}/complete", {"director_decision": "approve"})
    assert done.status_code == 302
    assert done.headers["Location"] == f"/cases/{iid}"
    after = html(director.get(done.headers["Location"]))
    assert "บันทึก" in after and "ดำเนินการเสร็จ" in after  # flash + history
    # Data from later steps is labelled from their forms, choices in words.
    assert "ผลการพิจารณา" in after and "อนุมัติ" in after
    assert "director_decision" not in after
    web_admin = browser("web_admin")
    assert PUBLISHING_REQUEST["title"] in html(web_admin.get("/inbox?view=group"))


def test_inbox_columns_tabs_filters_and_sorting(sqlite_runtime, web_people, browser):
    staff = browser("staff")
    start_publishing(staff)
    director = browser("director")
    page = html(director.get("/inbox?view=group"))
    for header in ("งาน", "กระบวนงาน", "เรื่อง", "วันที่ได้รับ", "กำหนดเสร็จ", "ผู้รับผิดชอบ"):
        assert f">{header}</th>" in page
    assert "งานทั้งหมด" in page  # the director supervises both processes
    assert re.search(r"งานที่ยังไม่มีผู้รับ <span class=\"count\">1</span>", page)
    # The day the task arrived, in the Buddhist Era, computed from the task (the title has a
    # BE year of its own).
    (task,) = tasks.list_tasks(sqlite_runtime, web_people.director, "group")["tasks"]
    received = date.fromisoformat(task["received_on"])
    assert format_thai_date(received) in page
    assert f"{THAI_MONTHS[received.month - 1]} {received.year}" not in page  # not Gregorian
    assert format_thai_date(received) not in PUBLISHING_REQUEST["title"]
    for query in ("process=publishing", "process=complaint", "overdue=1", "sort=-due",
                  "sort=received", "sort=-received", "due_before=2030-01-01", "page=2",
                  "due_before=garbage", "sort=nonsense", "view=nonsense"):
        assert director.get(f"/inbox?view=group&{query}").status_code == 200, query
    assert PUBLISHING_REQUEST["title"] not in html(
        director.get("/inbox?view=group&process=complaint"))
    assert "วันที่ไม่ถูกต้อง" in html(director.get("/inbox?view=group&due_before=garbage"))
    everything = html(director.get("/inbox?view=all"))
    assert PUBLISHING_REQUEST["title"] in everything
    # Staff supervise nothing: no "all" tab, and asking for it is refused.
    assert "งานทั้งหมด" not in html(staff.get("/inbox"))
    assert staff.get("/inbox?view=all").status_code == 403


def test_task_of_another_role_is_not_for_you(sqlite_runtime, web_people, browser):
    staff = browser("staff")
    iid = start_publishing(staff)
    task_id = open_task(sqlite_runtime, web_people.director, iid)
    web_admin = browser("web_admin")
    assert web_admin.get(f"/tasks/{task_id}").status_code == 404
    # Claiming or completing a task one cannot even see answers like a missing task.
    assert web_admin.post(f"/tasks/{task_id}/claim").status_code == 404
    assert web_admin.post(f"/tasks/{task_id}/complete",
                          {"director_decision": "approve"}).status_code == 404
    assert tasks.get_task(sqlite_runtime, web_people.director, task_id)["state"] == "open"
    assert web_admin.get("/tasks/not-a-task").status_code == 404


def test_supervisor_reassigns_and_unclaims(sqlite_runtime, web_people, browser):
    legal = browser("legal_officer")
    iid = start_complaint(legal)
    task_id = open_task(sqlite_runtime, web_people.legal_officer, iid)
    head = browser("legal_head")
    page = html(head.get(f"/tasks/{task_id}"))
    assert 'name="username"' in page and "legal_officer2" in page
    missing = head.post(f"/tasks/{task_id}/reassign", {"username": ""})
    assert missing.status_code == 400 and "กรุณาเลือกผู้รับงาน" in html(missing)
    done = head.post(f"/tasks/{task_id}/reassign", {"username": "legal_officer2"})
    assert done.status_code == 302
    assert tasks.get_task(sqlite_runtime, web_people.legal_head, task_id)["assignee"] == \
        "legal_officer2"
    # legal_officer cannot take it over now; the supervisor can give it back to the group.
    assert legal.post(f"/tasks/{task_id}/claim").status_code == 302
    assert "มีผู้รับไปแล้ว" in html(legal.get(f"/tasks/{task_id}"))
    head.post(f"/tasks/{task_id}/unclaim")
    assert tasks.get_task(sqlite_runtime, web_people.legal_head, task_id)["assignee"] is None
    # Officers see no reassign form.
    assert 'id="reassign-user"' not in html(legal.get(f"/tasks/{task_id}"))


# ---- a complaint through the pages, and its confidentiality ----------------------------

def test_complaint_through_the_pages_to_triage(sqlite_runtime, web_people, browser):
    legal = browser("legal_officer")
    bad = dict(form_of(COMPLAINT), complainant_email="not-an-email", received_at="")
    legal.get("/start/complaint")
    response = legal.post("/start/complaint", bad)
    assert response.status_code == 400
    assert 'value="not-an-email"' in html(response) and "อีเมลไม่ถูกต้อง" in html(response)
    iid = start_complaint(legal)
    case = html(legal.get(f"/cases/{iid}"))
    assert "ข้อมูลส่วนบุคคล (ลับ)" in case and COMPLAINT["complainant_name"] in case
    inbox = html(legal.get("/inbox?view=group"))
    (task_id,) = task_links(inbox)
    assert "11 ธันวาคม 2569 16:30 น." in inbox  # the triage deadline, Buddhist Era
    assert "วันทำการ" in inbox  # the countdown, in working days
    page = html(legal.get(f"/tasks/{task_id}"))
    assert "บันทึกผลการคัดกรองภายใน 3 วันทำการ" in page
    # Conditional requirement from the schema's if/then, in Thai, with input kept.
    bad = legal.post(f"/tasks/{task_id}/complete", {"screening_outcome": "forward"})
    assert bad.status_code == 400 and "หน่วยงานที่จะส่งต่อ" in html(bad)
    done = legal.post(f"/tasks/{task_id}/complete",
                      {"screening_outcome": "forward", "forward_to": "สพฐ."})
    assert done.status_code == 302
    # The next step is the same officer's: straight to it.
    follow = html(legal.get(done.headers["Location"]))
    assert "ส่งเรื่องต่อหน่วยงานที่มีอำนาจ" in follow


def test_personal_data_never_shown_to_other_roles(sqlite_runtime, web_people, browser):
    legal = browser("legal_officer")
    iid = start_complaint(legal)
    legal.post(f"/cases/{iid}/comments", {"text": "รับเรื่องแล้ว"})
    task_id = open_task(sqlite_runtime, web_people.legal_officer, iid)
    for name in ("staff", "web_admin", "ict_head", "admin"):
        b = browser(name)
        pages = [b.get("/inbox"), b.get("/inbox?view=group"), b.get("/inbox?view=all"),
                 b.get(f"/cases/{iid}"), b.get(f"/tasks/{task_id}"), b.get("/")]
        for page in pages:
            text = html(page)
            for secret in SECRETS:
                assert secret not in text, (name, page.request.path)
        assert pages[3].status_code == 404 and pages[4].status_code == 404
    head = browser("legal_head")
    assert COMPLAINT["complainant_name"] in html(head.get(f"/cases/{iid}"))
    # The task page never shows the personal data block, even to those who may read it,
    # and so never records a read of it; the case page does both.
    reads = _personal_reads(sqlite_runtime, iid)
    assert COMPLAINT["complainant_name"] not in html(legal.get(f"/tasks/{task_id}"))
    assert _personal_reads(sqlite_runtime, iid) == reads
    legal.get(f"/cases/{iid}")
    assert _personal_reads(sqlite_runtime, iid) == reads + 1


def _personal_reads(runtime, instance_id: int) -> int:
    from sqlalchemy import func, select

    from engine.core.models import AuditEvent

    with runtime.db.read() as session:
        return session.scalar(select(func.count()).where(
            AuditEvent.instance_id == instance_id, AuditEvent.action == "personal_data_read"))


# ---- comments and attachments ----------------------------------------------------------

def test_comments_and_attachments(sqlite_runtime, web_people, browser):
    staff = browser("staff")
    iid = start_publishing(staff)
    task_id = open_task(sqlite_runtime, web_people.director, iid)
    empty = staff.post(f"/cases/{iid}/comments", {"text": "   "})
    assert empty.status_code == 400 and "กรุณาพิมพ์ความคิดเห็น" in html(empty)
    long = staff.post(f"/cases/{iid}/comments", {"text": "ก" * 5001})
    assert long.status_code == 400 and "ก" * 5001 in html(long)  # kept
    ok = staff.post(f"/cases/{iid}/comments", {"text": "<b>แนบไฟล์แล้ว</b>"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#comments")
    page = html(staff.get(f"/cases/{iid}"))
    assert "&lt;b&gt;แนบไฟล์แล้ว&lt;/b&gt;" in page  # escaped, never marked safe
    # From the task page, a comment returns to the task page.
    director = browser("director")
    director.get(f"/tasks/{task_id}")
    back = director.post(f"/cases/{iid}/comments", {"text": "รับทราบ", "task_id": task_id})
    assert back.headers["Location"] == f"/tasks/{task_id}#comments"
    assert "รับทราบ" in html(director.get(f"/tasks/{task_id}"))

    from io import BytesIO

    staff.get(f"/cases/{iid}")
    none = staff.post(f"/cases/{iid}/attachments", {}, content_type="multipart/form-data")
    assert none.status_code == 400 and "กรุณาเลือกไฟล์" in html(none)
    staff.get(f"/cases/{iid}")
    fake = staff.post(f"/cases/{iid}/attachments",
                      {"file": (BytesIO(b"MZ not a pdf"), "x.pdf", "application/pdf")},
                      content_type="multipart/form-data")
    assert fake.status_code == 400 and "เนื้อไฟล์ไม่ตรงกับชนิด" in html(fake)
    staff.get(f"/cases/{iid}")
    exe = staff.post(f"/cases/{iid}/attachments",
                     {"file": (BytesIO(b"MZ"), "x.exe", "application/octet-stream")},
                     content_type="multipart/form-data")
    assert exe.status_code == 400 and "PDF, JPEG หรือ PNG" in html(exe)
    staff.get(f"/cases/{iid}")
    big = staff.post(f"/cases/{iid}/attachments",
                     {"file": (BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024 + 70_000)),
                               "big.pdf", "application/pdf")},
                     content_type="multipart/form-data")
    assert big.status_code == 413 and "ขนาดใหญ่เกิน" in html(big)
    staff.get(f"/cases/{iid}")
    up = staff.post(f"/cases/{iid}/attachments",
                    {"file": (BytesIO(PDF), "แผน.pdf", "application/pdf")},
                    content_type="multipart/form-data")
    assert up.status_code == 302, html(up)[:2000]
    # Files above the 1 MB limit for other requests are fine up to the attachment limit.
    staff.get(f"/cases/{iid}")
    two_mb = staff.post(f"/cases/{iid}/attachments",
                        {"file": (BytesIO(PDF + b"0" * 2_000_000), "scan.pdf", "application/pdf")},
                        content_type="multipart/form-data")
    assert two_mb.status_code == 302
    # …but not for other forms.
    assert staff.post(f"/cases/{iid}/comments", {"text": "ก" * 1_100_000}).status_code == 413
    page = html(staff.get(f"/cases/{iid}"))
    attachment_id = re.findall(r'href="/attachments/(\d+)"', page)[0]
    assert "แผน.pdf" in page
    # A publication request has no complainant: no "from the complainant" tick.
    assert 'name="from_complainant"' not in page
    download = staff.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    # Someone who may not see the case cannot fetch the file.
    other = browser("staff_other_unit")
    assert other.get(f"/attachments/{attachment_id}").status_code == 404
    assert other.get(f"/cases/{iid}").status_code == 404
    assert other.post(f"/cases/{iid}/comments", {"text": "x"}).status_code == 404
    assert staff.get("/attachments/abc").status_code == 404


def test_history_shows_acting_for(sqlite_runtime, web_people, browser):
    from datetime import timedelta

    from engine.services.admin import staff as admin

    today = clock.now().astimezone(BANGKOK).date()  # the engine's day (see sample_day)
    admin.appoint_acting(sqlite_runtime, web_people.admin, "legal_head", "director",
                         today - timedelta(days=1), today + timedelta(days=5), "คำสั่งที่ 1/2569")
    staff = browser("staff")
    iid = start_publishing(staff)
    acting = browser("legal_head")
    assert "รักษาราชการแทน" in html(acting.get("/inbox"))  # badge in the header
    (task_id,) = task_links(html(acting.get("/inbox?view=group")))
    acting.post(f"/tasks/{task_id}/complete", {"director_decision": "approve"})
    page = html(staff.get(f"/cases/{iid}"))
    assert "รักษาราชการแทน ผู้อำนวยการ สพป." in page


# ---- a complaint received by letter, with its scan --------------------------------------

def test_a_letter_complaint_is_recorded_with_its_scan(sqlite_runtime, web_people, browser):
    import io

    from sqlalchemy import func, select

    from engine.core.models import Attachment, ProcessInstance
    from engine.services.inbox.attachments import storage_dir

    legal = browser("legal_officer")
    legal.get("/start/complaint")
    # A PNG sent as a PDF: refused, nothing recorded, the typed fields kept.
    refused = legal.post("/start/complaint", {
        **form_of(COMPLAINT), "files": [(io.BytesIO(b"\x89PNG\r\n\x1a\n0"), "scan.pdf",
                                         "application/pdf")]},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    text = html(refused)
    assert "“scan.pdf”" in text and 'id="f-files-error"' in text and 'id="files-dropped"' in text
    assert f'value="{COMPLAINT["accused_name"]}"' in text
    with sqlite_runtime.db.read() as session:
        assert session.scalar(select(func.count(ProcessInstance.id))) == 0
        assert session.scalar(select(func.count(Attachment.id))) == 0
    assert not any(storage_dir(sqlite_runtime).glob("*"))

    done = legal.post("/start/complaint", {
        **form_of(COMPLAINT), "files": [(io.BytesIO(PDF), "หนังสือร้องเรียน.pdf",
                                         "application/pdf")]},
        content_type="multipart/form-data")
    assert done.status_code == 302, html(done)[:2000]
    iid = int(done.headers["Location"].rsplit("/", 1)[1])
    case = html(legal.get(f"/cases/{iid}"))
    assert "หนังสือร้องเรียน.pdf" in case and "หนังสือ" in case  # the scan, channel "letter"
    view = instances.get_instance(sqlite_runtime, web_people.legal_officer, iid)
    assert view["data"]["channel"] == "letter" and view["data"]["received_at"] == "2026-12-04"
    (link,) = re.findall(r'href="/attachments/(\d+)"', case)
    assert legal.get(f"/attachments/{link}").data == PDF
    with sqlite_runtime.db.read() as session:
        stored = session.get(Attachment, int(link))
        assert stored.sealed and stored.uploaded_by == web_people.legal_officer.username
    assert PDF not in (storage_dir(sqlite_runtime) / stored.stored_name).read_bytes()

    # A file handed over later is ticked as the complainant's: the case page says so, and
    # it is kept like their evidence (never enclosed to the accused).
    assert 'name="from_complainant"' in case
    legal.get(f"/cases/{iid}")
    later = legal.post(f"/cases/{iid}/attachments", {
        "file": (io.BytesIO(PDF), "เอกสารที่ยื่นเพิ่ม.pdf", "application/pdf"),
        "from_complainant": "1"}, content_type="multipart/form-data")
    assert later.status_code == 302, html(later)[:2000]
    assert "จากผู้ร้องเรียน" in html(legal.get(f"/cases/{iid}"))
    with sqlite_runtime.db.read() as session:
        newest = session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
        assert newest.from_complainant


def test_a_letter_shows_as_pending_until_the_scheduler_draws_it(sqlite_runtime, web_people,
                                                                browser):
    from engine.services.complaints.letters import draw_pending_letters

    case = instances.start_instance(sqlite_runtime, web_people.legal_officer, "complaint",
                                    COMPLAINT)
    step = tasks.complete_task(sqlite_runtime, web_people.legal_officer,
                               case["tasks"][0]["id"], {"screening_outcome": "not_considered",
                                                        "not_considered_reason": "time_barred"})
    tasks.complete_task(sqlite_runtime, web_people.legal_officer, step["next_tasks"][0]["id"], {
        "notified_on": "2026-12-10", "notify_method": "letter", "result_message": "แจ้งผลแล้ว"})
    legal = browser("legal_officer")
    page = html(legal.get(f"/cases/{case['id']}"))
    assert 'id="letters-pending"' in page and "หนังสือแจ้งผลการดำเนินการ" in page
    assert draw_pending_letters(sqlite_runtime) == (1, 0)
    page = html(legal.get(f"/cases/{case['id']}"))
    assert 'id="letters-pending"' not in page
    assert re.search(r'href="/attachments/\d+">หนังสือแจ้งผลการดำเนินการ', page)


def test_each_follow_up_round_stays_on_record(sqlite_runtime, web_people, browser):
    case = instances.start_instance(sqlite_runtime, web_people.legal_officer, "complaint",
                                    COMPLAINT)
    step = {"next_tasks": case["tasks"]}
    for role, data in [
        ("legal_officer", {"screening_outcome": "accept"}),
        ("director", {"director_instruction": "สืบสวน", "action_type": "fact_finding"}),
        ("legal_officer", {"initial_action_note": "แจ้งแล้ว", "parties_notified_on": "2026-12-09",
                           "notice_to": "accused_unit"}),
        ("legal_officer", {"follow_up_date": "2026-12-20", "follow_up_note": "รอบแรก ยังไม่ตอบ",
                           "resolved": False}),
        ("legal_officer", {"follow_up_date": "2027-01-20", "follow_up_note": "รอบสอง ตอบแล้ว",
                           "resolved": False}),
    ]:
        step = tasks.complete_task(sqlite_runtime, getattr(web_people, role),
                                   step["next_tasks"][0]["id"], data)
    page = html(browser("legal_officer").get(f"/cases/{case['id']}"))
    history = page[page.index('id="history"'):]
    assert "รอบแรก ยังไม่ตอบ" in history and "รอบสอง ตอบแล้ว" in history
    assert "20 ธันวาคม 2569" in history and "20 มกราคม 2570" in history
    assert "ออกหนังสือ" in history and "letter_issued" not in page
