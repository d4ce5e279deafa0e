"""A process owner changes triage_days from 3 to 5 on the settings page, reads the change
in plain words and deploys: a new complaint is due five working days after receipt, while
one already running keeps three.

The server gets its own copy of processes/, since deploying writes processes.toml there.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.core.config import REPO_ROOT, Settings
from engine.services.admin.users import add_user
from engine.thai.dates import format_thai_datetime
from engine.thai.workdays import BANGKOK, WorkingCalendar
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT
from tests.web.browser.support import Server, field, main_menu, sign_in, sign_out

pytestmark = pytest.mark.browser

OWNER, OWNER_PASSWORD = "owner", "pw-owner-2569-ทดสอบ"
TRIAGE = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน {days} วันทำการ)"
RULE = "ข้อ 5.1: ภายใน 3 วันทำการ"


def server_env(root: Path) -> dict[str, str]:
    processes = root / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    return {"GOVFLOW_PROCESSES_DIR": str(processes)}


def _due(received: str, days: int) -> str:
    """The triage deadline as the case page shows it: 16:30 on the days-th working day
    after receipt (a fresh server has no days off of its own, only the calendar's)."""
    moment = datetime.fromisoformat(WorkingCalendar().deadline_after(received, days))
    return format_thai_datetime(moment)


def _file_complaint(page: Page, received: str) -> str:
    """The legal officer registers a complaint received on ``received`` (ISO)."""
    main_menu(page, "ลงทะเบียนเรื่องร้องเรียน")
    field(page, "เรื่อง").fill(COMPLAINT["subject"])
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(COMPLAINT["details"])
    field(page, "ประเภทเรื่องร้องเรียน").select_option(label="ทุจริตในการจัดซื้อจัดจ้าง")
    field(page, "ชื่อผู้ถูกร้องเรียน").fill(COMPLAINT["accused_name"])
    group = page.get_by_role("group", name=re.compile(r"^ช่องทางที่รับเรื่อง"))
    group.get_by_role("radio", name="หนังสือ", exact=True).check()
    field(page, "วันที่ได้รับเรื่อง").fill(received)
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    return page.url


def _expect_triage(page: Page, days: int, due: str) -> None:
    open_tasks = page.get_by_role("region", name="งานที่รอดำเนินการ")
    task = open_tasks.get_by_role("listitem").filter(has_text=TRIAGE.format(days=days))
    expect(task).to_have_count(1)
    expect(task).to_contain_text(f"กำหนดเสร็จ {due}")


def _owner_signs_in(page: Page, server: Server) -> None:
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        add_user(rt, OWNER, ["process_owner"], "PLAN", password=OWNER_PASSWORD,
                 display_name="ผู้ดูแลกระบวนงาน ทดสอบ")
    finally:
        rt.close()
    page.goto("/signin")
    page.get_by_label("ชื่อผู้ใช้", exact=True).fill(OWNER)
    page.get_by_label("รหัสผ่าน", exact=True).fill(OWNER_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def test_owner_sets_five_days_new_cases_get_five_running_keep_three(
        page: Page, server: Server) -> None:
    received = datetime.now(BANGKOK).date().isoformat()
    sign_in(page, "nitikorn")
    running_url = _file_complaint(page, received)
    _expect_triage(page, 3, _due(received, 3))
    sign_out(page)

    _owner_signs_in(page, server)
    page.goto("/owner/processes/complaint")
    page.get_by_role("link", name="ค่ากำหนดของกระบวนงาน (เช่น ระยะเวลาตามระเบียบ)").click()
    triage = page.get_by_role("region", name="ระยะเวลาพิจารณาเบื้องต้น")
    expect(triage).to_contain_text(RULE)
    expect(triage).to_contain_text("ระเบียบกำหนดไม่เกิน 3 วันทำการ")
    days = page.get_by_label("ระยะเวลาพิจารณาเบื้องต้น (วันทำการ)", exact=True)
    expect(days).to_have_value("3")
    days.fill("5")
    page.get_by_role("button", name="ดูสรุปการเปลี่ยนแปลง").click()
    # Five is more than the announcement's three: allowed, once acknowledged by name.
    expect(page.get_by_text(f"ค่านี้เกินกว่าที่ {RULE} กำหนด").first).to_be_visible()
    page.get_by_label(f"รับทราบว่าค่านี้เกินกว่าที่ {RULE} กำหนด และต้องการใช้ค่านี้").check()
    page.get_by_role("button", name="ดูสรุปการเปลี่ยนแปลง").click()

    summary = page.get_by_role("region", name=re.compile(r"^สิ่งที่เปลี่ยน"))
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(summary.get_by_role("listitem")).to_contain_text(
        "ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ")
    expect(page.get_by_text("เรื่องที่ดำเนินการอยู่ 1 เรื่องใช้ค่าเดิมที่มีเมื่อเริ่มเรื่อง")
           ).to_be_visible()
    page.get_by_role("button", name="ติดตั้ง", exact=True).click()
    expect(page.get_by_text("ติดตั้ง complaint ฉบับที่ 2 แล้ว")).to_be_visible()
    page.get_by_role("button", name="ออกจากระบบ").click()

    sign_in(page, "nitikorn")
    _file_complaint(page, received)
    _expect_triage(page, 5, _due(received, 5))
    page.goto(running_url)
    _expect_triage(page, 3, _due(received, 3))
    toml = Path(server.env["GOVFLOW_PROCESSES_DIR"]) / "processes.toml"
    assert "value = 5\n" in toml.read_text(encoding="utf-8")
