"""Names follow the process: after a process owner deploys `triage_days` = 5, the triage
task says "(ภายใน 5 วันทำการ)" in the inbox, on its page, on the escalations page and in
the case's diagram, while a case of the shipped version keeps its 3.

The server gets its own copy of processes/, since deploying writes the file back there.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.bpmn.settings_file import write_setting_values
from engine.core.config import REPO_ROOT, Settings
from engine.services.admin.users import add_user
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT
from tests.web.browser.support import Server, field, inbox_tab, main_menu, sign_in, task_row

pytestmark = pytest.mark.browser

TRIAGE_5 = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 5 วันทำการ)"
OWNER, OWNER_PASSWORD = "owner", "pw-owner-2569-ทดสอบ"


def server_env(root: Path) -> dict[str, str]:
    processes = root / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    return {"GOVFLOW_PROCESSES_DIR": str(processes)}


def _deploy_five_days(page: Page, server: Server, tmp_path: Path) -> None:
    """A process owner uploads the changed file and installs it, as on /owner/processes."""
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
    # The owner sets triage_days to 5 in the server's processes.toml, then uploads the
    # diagram unchanged: the new version takes the new setting.
    processes = Path(server.env["GOVFLOW_PROCESSES_DIR"])
    write_setting_values(processes, "complaint", {"triage_days": 5})
    page.goto("/owner/processes")
    upload = tmp_path / "complaint.bpmn"
    upload.write_bytes((processes / "complaint.bpmn").read_bytes())
    field(page, "ไฟล์ BPMN").set_input_files(str(upload))
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()
    page.get_by_role("button", name="ติดตั้ง", exact=True).click()
    expect(page.get_by_text("ติดตั้ง complaint ฉบับที่ 2 แล้ว")).to_be_visible()
    page.get_by_role("button", name="ออกจากระบบ").click()


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


def test_after_five_days_is_deployed_the_names_say_five(page: Page, server: Server,
                                                       tmp_path: Path) -> None:
    _deploy_five_days(page, server, tmp_path)
    # Received a month ago: every triage timer fires as the case is keyed in.
    received = (datetime.now(BANGKOK).date() - timedelta(days=30)).isoformat()
    sign_in(page, "nitikorn")
    case_url = _file_complaint(page, received)
    open_tasks = page.get_by_role("region", name="งานที่รอดำเนินการ")
    expect(open_tasks.get_by_role("link", name=TRIAGE_5)).to_be_visible()
    diagram = page.request.get(f"{case_url}/diagram.svg")
    assert diagram.ok and "{triage_days}" not in diagram.text()

    main_menu(page, "กล่องงาน")
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    row = task_row(page, COMPLAINT["subject"], TRIAGE_5)
    row.get_by_role("link", name=TRIAGE_5).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TRIAGE_5)
    expect(page.get_by_text("ภายใน 5 วันทำการนับจากวันที่ได้รับเรื่อง")).to_be_visible()
    expect(page.get_by_text("บันทึกผลการคัดกรองภายใน 5 วันทำการ")).to_be_visible()
    page.get_by_role("button", name="ออกจากระบบ").click()

    sign_in(page, "legalhead")
    page.goto("/escalations")
    story = page.get_by_role("row").filter(has_text=TRIAGE_5)
    expect(story).to_have_count(1)
    expect(story).to_contain_text("ยกระดับขั้นที่ 2")
    expect(story).to_contain_text(COMPLAINT["subject"])  # the head may read the case
    expect(page.get_by_text("ภายใน 3 วันทำการ")).to_have_count(0)
