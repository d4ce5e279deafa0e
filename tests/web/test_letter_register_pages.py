"""The letter registers' pages and the letter step's enclosures, through the browser."""

from __future__ import annotations

import csv
import io

import pytest

from engine.core import clock
from engine.services.inbox import attachments, instances, tasks
from tests.conftest import SAMPLE_DAY
from tests.samples import COMPLAINT

pytest_plugins = ("tests.web_support",)

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _on_the_sample_day():
    with clock.frozen(SAMPLE_DAY):
        yield


def test_the_registers_are_for_legal_affairs_the_director_and_admins(
        sqlite_runtime, web_people, browser):
    instances.start_instance(sqlite_runtime, web_people.legal_officer, "complaint", {
        **COMPLAINT, "letter_date": "2026-12-01", "letter_no": "=1+1"})
    officer = browser("legal_officer")
    page = officer.get("/registers/incoming")
    assert page.status_code == 200
    text = officer.text()
    assert "ทะเบียนหนังสือรับ" in text and '<td data-label="เลขที่">1/2569' in text
    assert COMPLAINT["complainant_name"] in text and 'href="/registers/outgoing"' in text
    assert "ทะเบียนหนังสือ</a>" in officer.get("/inbox").get_data(as_text=True)  # the nav
    download = officer.get("/registers/incoming?year=2569&format=csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[2][0] == "1" and rows[2][3] == "'=1+1"
    # An administrator sees the register, without the complaint's row.
    admin = browser("admin")
    assert admin.get("/registers/incoming").status_code == 200
    assert "<table" not in admin.text() and "ไม่มีรายการตามเงื่อนไขนี้" in admin.text()
    assert COMPLAINT["complainant_name"] not in admin.text()
    for outsider in ("staff", "web_admin"):
        assert browser(outsider).get("/registers/incoming").status_code == 403


def test_bad_filters_are_named_and_nothing_is_listed(browser):
    officer = browser("legal_officer")
    page = officer.get("/registers/outgoing?year=25x&date_from=32/13/2569")
    assert page.status_code == 400
    text = officer.text()
    assert "ปีต้องเป็นปีพุทธศักราช" in text and "<table" not in text
    assert officer.get("/registers/elsewhere").status_code == 404


def test_the_letter_step_offers_the_office_s_files_and_encloses_the_chosen(
        sqlite_runtime, web_people, browser):
    rt, people = sqlite_runtime, web_people
    scan = attachments.UploadedFile("หนังสือร้องเรียน.pdf", "application/pdf", PDF)
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT, [scan])
    ours = attachments.add_attachment(rt, people.legal_officer, case["id"], "สำเนาคำสั่ง.pdf",
                                      "application/pdf", PDF)
    for actor, data in ((people.legal_officer, {"screening_outcome": "accept"}),
                        (people.director, {"director_instruction": "สืบสวน",
                                           "action_type": "fact_finding"})):
        task = next(t for t in tasks.list_tasks(rt, actor, view="group")["tasks"]
                    if t["instance_id"] == case["id"])
        tasks.complete_task(rt, actor, task["id"], data)
    task = next(t for t in tasks.list_tasks(rt, people.legal_officer, view="group")["tasks"]
                if t["instance_id"] == case["id"])
    officer = browser("legal_officer")
    officer.get(f"/tasks/{task['id']}")
    page = officer.text()
    assert f'name="enclosures" value="{ours["id"]}"' in page
    assert "หนังสือร้องเรียน" not in page.split("สิ่งที่ส่งมาด้วย", 1)[1].split("</fieldset>")[0]
    # The secrecy choice opens on ลับ, the complaint default.
    assert 'name="secrecy" value="confidential" id="f-secrecy-1" checked' in page
    done = officer.post(f"/tasks/{task['id']}/complete", {
        "initial_action_note": "แจ้งแล้ว", "parties_notified_on": "09/12/2569",
        "notice_to": "accused_unit", "urgency": "urgent", "secrecy": "confidential",
        "enclosures": [str(ours["id"])]})
    assert done.status_code == 302, officer.text()[:3000]
    from sqlalchemy import select

    from engine.core.models import LetterJob

    with rt.db.read() as session:
        job = session.scalars(select(LetterJob)).one()
        parts = rt.cipher.decrypt(job.sealed_parts)
    assert (job.urgency, job.secrecy) == ("urgent", "confidential")
    assert parts["enclosures"] == ["สำเนาคำสั่ง"]
