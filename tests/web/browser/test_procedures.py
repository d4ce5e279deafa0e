"""Browser tests of the two procedures end to end: Debian's chromium, driven by
Playwright, against a real `govflow serve` (fixtures in conftest.py, steps in support.py).

Each test signs in through the sign-in page and works only through what a person sees:
labelled fields, buttons and links found by their Thai names, so the tests also prove the
labels exist. Screenshots of the key steps go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from tests.web.browser.support import (
    THAI,
    USERS,
    Server,
    case_status,
    choose,
    field,
    inbox_tab,
    main_menu,
    open_and_claim,
    scheduler_pass,
    shot,
    sign_in,
    sign_out,
    submit_task,
    task_row,
)

pytestmark = pytest.mark.browser


TRIAGE = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 3 วันทำการ)"
DIRECTOR_ORDER = "ผู้อำนวยการ สพป. สั่งการ"


def test_complaint_from_intake_to_triage_decision(page: Page) -> None:
    # A letter that arrived today, typed as a clerk does: วว/ดด/ปปปป in the Buddhist Era.
    received = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    sign_in(page, "nitikorn")
    main_menu(page, "ลงทะเบียนเรื่องร้องเรียน")
    expect(page.get_by_role("heading", name="ลงทะเบียนรับเรื่องร้องเรียนการทุจริต")).to_be_visible()

    field(page, "เรื่อง").fill(COMPLAINT["subject"])
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(COMPLAINT["details"])
    field(page, "ประเภทเรื่องร้องเรียน").select_option(label="ทุจริตในการจัดซื้อจัดจ้าง")
    field(page, "ชื่อผู้ถูกร้องเรียน").fill(COMPLAINT["accused_name"])
    field(page, "ตำแหน่งผู้ถูกร้องเรียน").fill(COMPLAINT["accused_position"])
    field(page, "วันที่เกิดเหตุ").fill(COMPLAINT["event_date"])
    field(page, "ชื่อผู้ร้องเรียน").fill(COMPLAINT["complainant_name"])
    field(page, "หมายเลขโทรศัพท์ผู้ร้องเรียน").fill(COMPLAINT["complainant_phone"])
    choose(page, "ช่องทางที่รับเรื่อง", "หนังสือ")
    field(page, "วันที่ได้รับเรื่อง").fill(
        f"{received.day:02d}/{received.month:02d}/{received.year + 543}")
    shot(page, "complaint-01-intake-form")
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()

    # The case page: started, running, and the confidential part shown to the legal officer.
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPLAINT["subject"])
    expect(page.get_by_text(re.compile(r"เริ่มเรื่อง “.+” แล้ว"))).to_be_visible()
    expect(case_status(page)).to_contain_text("อยู่ระหว่างดำเนินการ")
    personal = page.get_by_role("region", name="ข้อมูลส่วนบุคคล (ลับ)")
    expect(personal).to_contain_text(COMPLAINT["complainant_name"])
    expect(page.get_by_role("region", name="ข้อมูลเรื่อง")).to_contain_text(
        thai_long_date(received))
    shot(page, "complaint-02-case-started")

    # The inbox: the triage task, received today (BE), with its deadline and countdown.
    main_menu(page, "กล่องงาน")
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    row = task_row(page, COMPLAINT["subject"], TRIAGE)
    cells = row.get_by_role("cell")
    expect(cells.nth(3)).to_have_text(re.compile(thai_long_date(received)))
    expect(cells.nth(4)).to_contain_text(re.compile(r"25\d\d"))  # the deadline, BE year
    expect(cells.nth(4)).to_contain_text(
        re.compile(r"อีก \d+ วันทำการ|ครบกำหนดวันนี้|เกินกำหนด"))  # the countdown
    expect(cells.nth(5)).to_have_text("ยังไม่มีผู้รับ")
    shot(page, "complaint-03-inbox")

    row.get_by_role("link", name=TRIAGE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TRIAGE)
    task_url = page.url
    page.get_by_role("button", name="รับงานนี้").click()
    expect(page.get_by_text("รับงานแล้ว")).to_be_visible()
    status = page.get_by_role("region", name="สถานะงาน")
    expect(status).to_contain_text(USERS["nitikorn"][2])
    expect(status).to_contain_text(thai_long_date(received))
    choose(page, "ผลการคัดกรอง", "รับไว้พิจารณา")
    field(page, "ความเห็นประกอบ").fill("อยู่ในอำนาจหน้าที่ของ สพป. รับไว้ดำเนินการ")
    shot(page, "complaint-04-triage-form")
    submit_task(page, TRIAGE)

    # The case moved on: the Director's order is now the open task.
    expect(page).to_have_url(case_url)
    open_tasks = page.get_by_role("region", name="งานที่รอดำเนินการ")
    expect(open_tasks.get_by_role("link", name=DIRECTOR_ORDER)).to_be_visible()
    expect(open_tasks.get_by_role("link", name=TRIAGE)).to_have_count(0)
    expect(page.get_by_role("region", name="ประวัติการดำเนินการ")).to_contain_text(
        f"ดำเนินการเสร็จ “{TRIAGE}”")
    shot(page, "complaint-05-after-triage")
    sign_out(page)

    # The web administrator has no part in complaints: not even that the case exists.
    sign_in(page, "webadmin")
    secrets = (COMPLAINT["complainant_name"], COMPLAINT["complainant_phone"],
               COMPLAINT["accused_name"])
    for text in secrets:
        assert text not in page.content()
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name=re.compile("ไม่พบหน้าที่ต้องการ"))).to_be_visible()
    shot(page, "complaint-06-web-admin-not-found")
    response = page.goto(task_url)
    assert response is not None and response.status in (403, 404)
    for url in (case_url, task_url, "/inbox?view=group", "/inbox?view=mine"):
        page.goto(url)
        content = page.content()
        for text in secrets:
            assert text not in content, f"{text!r} shown to web_admin at {url}"


PUBLISHING_STEPS = {
    "director": "ผู้อำนวยการ สพป. พิจารณาอนุมัติ",
    "check": "ตรวจสอบความถูกต้อง ครบถ้วน เป็นปัจจุบัน",
    "ict": "ผู้อำนวยการกลุ่ม ICT พิจารณาตามมาตรา 7/9 และ พ.ร.บ.คอมพิวเตอร์",
    "publish": "นำข้อมูลขึ้นเผยแพร่บนเว็บไซต์",
}


def test_publishing_request_to_publication(page: Page) -> None:
    title = PUBLISHING_REQUEST["title"]
    sign_in(page, "somsri")
    main_menu(page, "ขอเผยแพร่ข้อมูล")
    expect(page.get_by_role("heading", name="แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์")).to_be_visible()
    # Today, offered as the Buddhist Era's วว/ดด/ปปปป.
    expect(field(page, "วันที่ขอเผยแพร่")).to_have_value(re.compile(r"^\d{2}/\d{2}/25\d\d$"))
    field(page, "หน่วยงาน").fill(PUBLISHING_REQUEST["unit"])
    field(page, "ชื่อเรื่อง").fill(title)
    field(page, "รายละเอียด").fill(PUBLISHING_REQUEST["details"])
    field(page, "ลิงก์ภายนอก (ถ้ามี)").fill(PUBLISHING_REQUEST["external_link"])
    field(page, "หมวดหมู่ข้อมูล").select_option(PUBLISHING_REQUEST["category"])
    choose(page, "ฐานทางกฎหมายในการเปิดเผย", "มาตรา 7 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540")
    page.get_by_role("checkbox", name=re.compile(r"^ข้าพเจ้ายืนยันว่าข้อมูลนี้")).check()
    shot(page, "publishing-01-request-form")
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(case_status(page)).to_contain_text("อยู่ระหว่างดำเนินการ")
    open_tasks = page.get_by_role("region", name="งานที่รอดำเนินการ")
    expect(open_tasks.get_by_role("link", name=PUBLISHING_STEPS["director"])).to_be_visible()
    sign_out(page)

    sign_in(page, "director")
    open_and_claim(page, title, PUBLISHING_STEPS["director"])
    choose(page, "ผลการพิจารณา", "อนุมัติ")
    shot(page, "publishing-02-director")
    submit_task(page, PUBLISHING_STEPS["director"])
    sign_out(page)

    sign_in(page, "webadmin")
    open_and_claim(page, title, PUBLISHING_STEPS["check"])
    choose(page, "ผลการตรวจสอบ", "ผ่าน")
    field(page, "แหล่งที่มา/เจ้าของข้อมูล").fill("กลุ่มนโยบายและแผน")
    shot(page, "publishing-03-web-admin-check")
    submit_task(page, PUBLISHING_STEPS["check"])
    sign_out(page)

    sign_in(page, "icthead")
    open_and_claim(page, title, PUBLISHING_STEPS["ict"])
    choose(page, "ผลการพิจารณา", "อนุญาต")
    submit_task(page, PUBLISHING_STEPS["ict"])
    sign_out(page)

    sign_in(page, "webadmin")
    open_and_claim(page, title, PUBLISHING_STEPS["publish"])
    # The request's category, prefilled; the public address is govflow's own, not typed.
    expect(field(page, "หมวดหมู่ที่เผยแพร่")).to_have_value(PUBLISHING_REQUEST["category"])
    shot(page, "publishing-04-publish")
    submit_task(page, PUBLISHING_STEPS["publish"])

    page.goto(case_url)
    expect(case_status(page)).to_contain_text("เสร็จสิ้น")
    expect(case_status(page)).to_contain_text("เสร็จเมื่อ")
    expect(page.get_by_role("region", name="งานที่รอดำเนินการ")).to_contain_text(
        "ไม่มีงานที่รอดำเนินการ")
    history = page.get_by_role("region", name="ประวัติการดำเนินการ")
    for step in PUBLISHING_STEPS.values():
        expect(history).to_contain_text(f"ดำเนินการเสร็จ “{step}”")
    # Every step's answers are labelled from its form, choices in words, no raw codes.
    main = page.get_by_role("main")
    expect(main).to_contain_text("ผลการพิจารณา")
    expect(main).to_contain_text("อนุมัติ")
    expect(main).not_to_contain_text("director_decision")
    shot(page, "publishing-05-completed")
    sign_out(page)

    # Published at once: on the public pages without signing in, reached by links.
    page.goto("/public")
    page.get_by_role("link", name=re.compile(r"^1\.1\.1 ")).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text(PUBLISHING_REQUEST["details"])
    shot(page, "publishing-06-public-item")


def test_missing_required_field_shows_thai_error_and_keeps_input(page: Page) -> None:
    sign_in(page, "somsri")
    main_menu(page, "ขอเผยแพร่ข้อมูล")
    field(page, "หน่วยงาน").fill("กลุ่มนโยบายและแผน")
    field(page, "รายละเอียด").fill("ข้อความที่พิมพ์ไว้ต้องไม่หาย")
    field(page, "หมวดหมู่ข้อมูล").select_option("1.1.8")
    choose(page, "ฐานทางกฎหมายในการเปิดเผย", "มาตรา 9 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540")
    page.get_by_role("checkbox", name=re.compile(r"^ข้าพเจ้ายืนยันว่าข้อมูลนี้")).check()
    # ชื่อเรื่อง (the title) is required and left empty.
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()

    expect(page).to_have_url(re.compile(r"/start/publishing$"))  # still the form, no case
    expect(page.get_by_role("alert")).to_contain_text(THAI)
    title = field(page, "ชื่อเรื่อง")
    expect(title).to_have_attribute("aria-invalid", "true")
    error = page.locator(".field", has=title).locator(".field-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(THAI)
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\bf-title-error\b"))
    expect(error).to_have_attribute("id", "f-title-error")
    # What was typed, chosen and ticked is still there.
    expect(field(page, "หน่วยงาน")).to_have_value("กลุ่มนโยบายและแผน")
    expect(field(page, "รายละเอียด")).to_have_value("ข้อความที่พิมพ์ไว้ต้องไม่หาย")
    expect(field(page, "หมวดหมู่ข้อมูล")).to_have_value("1.1.8")
    expect(page.get_by_role("radio", name=re.compile(r"^มาตรา 9"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile(r"^ข้าพเจ้ายืนยัน"))).to_be_checked()
    shot(page, "form-error-missing-title")


#: Filed on the website by a citizen; nothing in common with COMPLAINT, so the inbox rows of
#: the two cases never mix.
WEB_COMPLAINT = {
    "subject": "ร้องเรียนการเรียกเก็บเงินค่าฝากเข้าเรียนชั้นอนุบาล",
    "details": "เจ้าหน้าที่การเงินเรียกเก็บเงินคนละ 5,000 บาทโดยไม่ออกใบเสร็จ",
    "complaint_type": "เรียกรับสินบนหรือผลประโยชน์",
    "accused_name": "นางสมมุติ เก็บเงิน",
    "accused_position": "เจ้าหน้าที่การเงิน",
    "accused_unit": "โรงเรียนบ้านหนองน้ำใส",
    "event_date": "2026-11-02",
    "event_place": "ห้องธุรการ อาคาร 1",
    "complainant_name": "นายพลเมือง กล้าพูด",
    "complainant_email": "phonlamueang@example.org",
}
WEB_STEPS = {
    "initial": "ดำเนินการเบื้องต้นและแจ้งผู้ถูกร้องเรียน/ผู้เกี่ยวข้อง",
    "follow_up": "ติดตามความคืบหน้าจากหน่วยงานที่เกี่ยวข้อง",
    "review": "ตรวจสอบผลการดำเนินการ",
    "notify": "แจ้งผลให้ผู้ร้องเรียนทราบ",
}
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
               "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
#: The smallest PDF a reader opens: one empty page.
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def thai_long_date(day: date) -> str:
    """``day`` as the pages write it: day, Thai month, Buddhist Era year."""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def described(page: Page, term: str):
    """The ``<dd>`` after the ``<dt>`` reading exactly ``term`` (receipts, tracking page)."""
    return page.locator("dt", has_text=re.compile(rf"^{re.escape(term)}$")).locator(
        "xpath=following-sibling::dd[1]")


def track(page: Page, code: str, secret: str):
    """The citizen's tracking page for ``code``: its status panel."""
    page.goto("/track")
    expect(page.get_by_role("heading", name="ติดตามเรื่องร้องเรียน", level=1)).to_be_visible()
    field(page, "รหัสติดตามเรื่อง").fill(code)
    field(page, "รหัสลับ").fill(secret)
    page.get_by_role("button", name="ตรวจสอบสถานะ").click()
    status = page.get_by_role("region", name=re.compile(r"^สถานะเรื่อง"))
    expect(status).to_contain_text(code)
    for text in (WEB_COMPLAINT["complainant_name"], WEB_COMPLAINT["complainant_email"],
                 WEB_COMPLAINT["accused_name"], WEB_COMPLAINT["accused_unit"],
                 WEB_COMPLAINT["details"]):
        assert text not in page.content(), f"the tracking page shows {text!r}"
    return status


def test_citizen_files_on_website_and_legal_affairs_runs_the_case(
        page: Page, server: Server, tmp_path: Path) -> None:
    """The issue's "Done when": a citizen files on the website and follows the case with
    their code; Legal Affairs runs the whole case, from triage to telling the citizen."""
    today = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    subject = WEB_COMPLAINT["subject"]

    # 1. The citizen, not signed in: privacy notice, the form, one PDF, the receipt.
    page.goto("/complaint")
    expect(page.get_by_role("heading", name="แจ้งเรื่องร้องเรียนการทุจริต", level=1)).to_be_visible()
    notice = page.get_by_role("region", name=re.compile(r"^ประกาศความเป็นส่วนตัว"))
    expect(notice).to_contain_text("มาตรา 23")
    expect(notice).to_contain_text("สิทธิของเจ้าของข้อมูล")
    page.get_by_role("checkbox", name=re.compile(
        r"^ข้าพเจ้าได้อ่านและรับทราบประกาศความเป็นส่วนตัวแล้ว")).check()
    field(page, "เรื่อง").fill(subject)
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(WEB_COMPLAINT["details"])
    field(page, "ประเภทเรื่องร้องเรียน").select_option(label=WEB_COMPLAINT["complaint_type"])
    field(page, "ชื่อผู้ถูกร้องเรียน").fill(WEB_COMPLAINT["accused_name"])
    field(page, "ตำแหน่งผู้ถูกร้องเรียน").fill(WEB_COMPLAINT["accused_position"])
    field(page, "หน่วยงาน/โรงเรียนของผู้ถูกร้องเรียน").fill(WEB_COMPLAINT["accused_unit"])
    field(page, "วันที่เกิดเหตุ").fill(WEB_COMPLAINT["event_date"])
    field(page, "สถานที่เกิดเหตุ").fill(WEB_COMPLAINT["event_place"])
    field(page, "ชื่อผู้ร้องเรียน").fill(WEB_COMPLAINT["complainant_name"])
    field(page, "อีเมลผู้ร้องเรียน").fill(WEB_COMPLAINT["complainant_email"])
    evidence = tmp_path / "ใบเสร็จปลอม.pdf"
    evidence.write_bytes(TINY_PDF)
    field(page, "ไฟล์หลักฐาน").set_input_files(evidence)
    shot(page, "web-complaint-01-form")
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()

    expect(page.get_by_role("heading", name="ใบรับเรื่องร้องเรียน", level=1)).to_be_visible()
    expect(page.get_by_text("สำนักงานได้รับเรื่องร้องเรียนของท่านแล้ว")).to_be_visible()
    code = described(page, "รหัสติดตามเรื่อง").inner_text().strip()
    secret = described(page, "รหัสลับ").inner_text().strip()
    assert re.fullmatch(r"GF\d\d-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    assert len(secret) >= 12, secret
    expect(described(page, "วันที่รับเรื่อง")).to_have_text(thai_long_date(today))
    expect(described(page, "ไฟล์หลักฐานที่แนบ")).to_contain_text(evidence.name)
    expect(page.get_by_role("img", name="คิวอาร์โค้ดสำหรับติดตามเรื่อง")).to_be_visible()
    shot(page, "web-complaint-02-receipt")

    # 2. The citizen follows the case: received, being screened, nothing personal shown.
    status = track(page, code, secret)
    expect(status).to_contain_text("รับเรื่องแล้ว อยู่ระหว่างพิจารณาเบื้องต้น")
    expect(status).not_to_contain_text("ผลการดำเนินการ")
    shot(page, "web-complaint-03-tracked-received")

    # 3. Legal Affairs: the group's inbox, the task with the citizen's file, triage.
    sign_in(page, "nitikorn")
    main_menu(page, "กล่องงาน")
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    row = task_row(page, subject, TRIAGE)
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(thai_long_date(today)))
    row.get_by_role("link", name=TRIAGE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TRIAGE)
    files = page.get_by_role("region", name=re.compile(r"^ไฟล์แนบ"))
    expect(files.get_by_role("link", name=evidence.name)).to_be_visible()
    expect(files).to_contain_text("ผู้ร้องเรียนทางเว็บไซต์")
    expect(page.get_by_role("region", name="ข้อมูลเรื่อง")).to_contain_text("เว็บไซต์")
    page.get_by_role("button", name="รับงานนี้").click()
    expect(page.get_by_text("รับงานแล้ว")).to_be_visible()
    choose(page, "ผลการคัดกรอง", "รับไว้พิจารณา")
    field(page, "ความเห็นประกอบ").fill("มีพยานเอกสาร อยู่ในอำนาจหน้าที่ของ สพป.")
    shot(page, "web-complaint-04-triage")
    submit_task(page, TRIAGE)
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    sign_out(page)

    # 4. The Director's order.
    sign_in(page, "director")
    open_and_claim(page, subject, DIRECTOR_ORDER)
    field(page, "ข้อสั่งการ").fill("ให้กลุ่มกฎหมายและคดีสืบสวนข้อเท็จจริงและรายงานผล")
    choose(page, "ลักษณะการดำเนินการ", "สืบสวนข้อเท็จจริง")
    shot(page, "web-complaint-05-director-order")
    submit_task(page, DIRECTOR_ORDER)
    sign_out(page)

    # 5. The initial action: the system issues the notice letter onto the case.
    sign_in(page, "nitikorn")
    open_and_claim(page, subject, WEB_STEPS["initial"])
    field(page, "การดำเนินการเบื้องต้น").fill("มีหนังสือแจ้งโรงเรียนให้ชี้แจงข้อเท็จจริงภายใน 15 วัน")
    field(page, "วันที่แจ้งผู้ถูกร้องเรียน/ผู้เกี่ยวข้อง").fill(today.isoformat())
    choose(page, "ผู้รับหนังสือแจ้งการดำเนินการเบื้องต้น", "ผู้บังคับบัญชาของหน่วยงานผู้ถูกร้องเรียน")
    # The letter's number comes from the register of letters sent; its marks are chosen
    # here, and a complaint letter is ลับ unless the officer says otherwise.
    secrecy = page.get_by_role("group", name=re.compile(r"^ชั้นความลับ"))
    expect(secrecy.get_by_role("radio", name="ลับ", exact=True)).to_be_checked()
    choose(page, "ชั้นความเร็ว", "ด่วน")
    shot(page, "web-complaint-06-initial-action")
    submit_task(page, WEB_STEPS["initial"])
    # The next step is the officer's own, so the app opens it; the letter is on the case
    # (once the scheduler has drawn it, if the step only queued it).
    expect(page.get_by_role("heading", level=1)).to_have_text(WEB_STEPS["follow_up"])
    scheduler_pass(server)
    page.goto(case_url)
    files = page.get_by_role("region", name=re.compile(r"^ไฟล์แนบ"))
    letter = files.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=re.compile(r"^หนังสือแจ้งการดำเนินการเบื้องต้น.*\.pdf$")))
    expect(letter).to_have_count(1)
    expect(letter).to_contain_text("หนังสือที่ระบบออก")
    expect(files.get_by_role("link", name=evidence.name)).to_be_visible()
    shot(page, "web-complaint-07-letter-issued")

    # 6. Two rounds of follow-up: not settled yet, then settled.
    for note, resolved in (("โรงเรียนยังไม่ส่งคำชี้แจง เร่งรัดทางโทรศัพท์", False),
                           ("โรงเรียนคืนเงินแก่ผู้ปกครองครบทุกรายและตั้งกรรมการสอบวินัยแล้ว", True)):
        open_and_claim(page, subject, WEB_STEPS["follow_up"])
        field(page, "วันที่ติดตาม").fill(today.isoformat())
        field(page, "ผลการติดตาม").fill(note)
        settled = page.get_by_role("checkbox", name=re.compile(r"^ได้ข้อยุติแล้ว"))
        if resolved:
            settled.check()
            shot(page, "web-complaint-08-follow-up-resolved")
        expect(settled).to_be_checked(checked=resolved)
        submit_task(page, WEB_STEPS["follow_up"])
    open_tasks = page.get_by_role("region", name="งานที่รอดำเนินการ")
    expect(open_tasks.get_by_role("link", name=WEB_STEPS["review"])).to_be_visible()
    sign_out(page)

    # 7. The head of Legal Affairs approves the result.
    sign_in(page, "legalhead")
    open_and_claim(page, subject, WEB_STEPS["review"])
    field(page, "สรุปผลการดำเนินการ").fill("ข้อเท็จจริงรับฟังได้ โรงเรียนคืนเงินแล้ว อยู่ระหว่างสอบวินัย")
    choose(page, "ผลการตรวจสอบ", "เห็นชอบ แจ้งผลผู้ร้องเรียน")
    shot(page, "web-complaint-09-review")
    submit_task(page, WEB_STEPS["review"])
    sign_out(page)

    # 8. Legal Affairs tells the citizen; the case ends with the result letter.
    result_message = "สำนักงานได้ตรวจสอบแล้ว โรงเรียนคืนเงินแก่ผู้ปกครองครบถ้วนและดำเนินการทางวินัยแล้ว"
    sign_in(page, "nitikorn")
    open_and_claim(page, subject, WEB_STEPS["notify"])
    field(page, "ผลการดำเนินการที่แจ้งผู้ร้องเรียน").fill(result_message)
    field(page, "วันที่แจ้งผล").fill(today.isoformat())
    field(page, "วิธีแจ้งผล").select_option(label="อีเมล")  # six ways: a drop-down list
    shot(page, "web-complaint-10-notify")
    submit_task(page, WEB_STEPS["notify"])
    expect(page).to_have_url(case_url)
    scheduler_pass(server)
    page.reload()
    expect(case_status(page)).to_contain_text("เสร็จสิ้น")
    expect(page.get_by_role("region", name="งานที่รอดำเนินการ")).to_contain_text(
        "ไม่มีงานที่รอดำเนินการ")
    history = page.get_by_role("region", name="ประวัติการดำเนินการ")
    for step in (TRIAGE, DIRECTOR_ORDER, *WEB_STEPS.values()):
        expect(history).to_contain_text(f"ดำเนินการเสร็จ “{step}”")
    expect(page.get_by_role("region", name=re.compile(r"^ไฟล์แนบ")).get_by_role(
        "link", name=re.compile(r"^หนังสือแจ้งผลการดำเนินการ.*\.pdf$"))).to_be_visible()
    shot(page, "web-complaint-11-closed")
    sign_out(page)

    # 9. The citizen tracks again: done, with the outcome and the message, dates in BE.
    status = track(page, code, secret)
    expect(status).to_contain_text("ดำเนินการแล้วเสร็จ")
    expect(described(page, "ผลการพิจารณา")).to_have_text(
        "รับไว้พิจารณาและดำเนินการตามเรื่องร้องเรียนจนได้ข้อยุติแล้ว")
    expect(described(page, "ผลการดำเนินการ")).to_have_text(result_message)
    expect(described(page, "วันที่แจ้งผล")).to_have_text(thai_long_date(today))
    expect(described(page, "วันที่ปิดเรื่อง")).to_have_text(thai_long_date(today))
    expect(status).not_to_contain_text(str(today.year))  # the Buddhist Era only
    shot(page, "web-complaint-12-tracked-result")
