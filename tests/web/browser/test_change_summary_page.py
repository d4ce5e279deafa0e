"""A process owner reads what an upload changes before deploying it (issue 17, point 6):
the sentences, the running cases, the two diagrams side by side with the changed step
marked, the XML diff folded away; then the same between two deployed versions. axe finds
nothing on either page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.core.config import REPO_ROOT, Settings
from engine.services.admin.users import add_user
from engine.workflow.runtime import Runtime
from tests.web.browser.support import Server, app_page, password_of, shot
from tests.web.browser.test_accessibility import AXE, violations

pytestmark = pytest.mark.browser

OWNER = "owner"
OLD_NAME = 'name="พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน'
SENTENCE = ("เปลี่ยนชื่อขั้นตอน 'พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน {triage_days} "
            "วันทำการ)' เป็น 'คัดกรองเรื่องร้องเรียน (ภายใน {triage_days} วันทำการ)'")


def server_env(root: Path) -> dict[str, str]:
    processes = root / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    return {"GOVFLOW_PROCESSES_DIR": str(processes)}


@pytest.fixture(scope="module")
def owner(server: Server) -> str:
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        add_user(rt, OWNER, ["process_owner"], "PLAN", password=password_of(OWNER),
                 display_name="เจ้าของกระบวนงาน ทดสอบ")
    finally:
        rt.close()
    return OWNER


@pytest.fixture
def owner_page(chromium: Browser, server: Server, owner: str) -> Iterator[Page]:
    # axe is injected as a script of the test's own: only this context bypasses the CSP.
    with app_page(chromium, server, bypass_csp=True) as page:
        page.goto("/signin")
        page.get_by_label("ชื่อผู้ใช้", exact=True).fill(owner)
        page.get_by_label("รหัสผ่าน", exact=True).fill(password_of(owner))
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        yield page


def renamed(tmp_path: Path) -> Path:
    text = (REPO_ROOT / "processes" / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(OLD_NAME) == 1
    path = tmp_path / "complaint.bpmn"
    path.write_text(text.replace(OLD_NAME, 'name="คัดกรองเรื่องร้องเรียน (ภายใน'),
                    encoding="utf-8")
    return path


def assert_side_by_side(page: Page) -> None:
    old = page.locator(".compare-old svg.bpmn-diagram")
    new = page.locator(".compare-new svg.bpmn-diagram")
    expect(old).to_be_visible()
    expect(new).to_be_visible()
    # The two boxes, not the drawings: diagram.js zooms a drawing to readable labels, and
    # its box scrolls.
    left = page.locator(".compare-old .diagram-box").bounding_box()
    right = page.locator(".compare-new .diagram-box").bounding_box()
    assert left and right and left["x"] + left["width"] <= right["x"]
    assert abs(left["y"] - right["y"]) < 1
    for drawing in (old, new):
        expect(drawing.locator('g.change-changed[data-element-id="triage"]')).to_have_count(1)


def test_the_owner_reads_the_change_then_compares_deployed_versions(
        owner_page: Page, tmp_path: Path) -> None:
    if not AXE.exists():
        pytest.fail("axe-core not installed: run `make assets` (npm ci in webui/)")
    page = owner_page
    page.goto("/owner/processes")
    page.get_by_label("ไฟล์ BPMN").set_input_files(str(renamed(tmp_path)))
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()
    expect(page.get_by_text(SENTENCE, exact=True)).to_be_visible()
    assert_side_by_side(page)
    xml = page.locator("details.technical pre.text-diff")
    expect(xml).to_be_hidden()  # folded away until asked for
    page.locator("details.technical > summary").click()
    expect(xml).to_be_visible()
    shot(page, "change-summary-preview")
    assert violations(page) == []

    page.get_by_role("button", name="ติดตั้ง", exact=True).click()
    expect(page.get_by_text("ติดตั้ง complaint ฉบับที่ 2 แล้ว")).to_be_visible()
    page.get_by_label("ฉบับเดิม").select_option("1")
    page.get_by_label("ฉบับที่จะเทียบ").select_option("2")
    page.get_by_role("button", name="เทียบ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ฉบับที่ 1 เทียบกับฉบับที่ 2")
    expect(page.get_by_text(SENTENCE, exact=True)).to_be_visible()
    assert_side_by_side(page)
    shot(page, "change-summary-compare")
    assert violations(page) == []


def test_the_diagrams_open_on_the_first_change(owner_page: Page, server: Server,
                                               tmp_path: Path) -> None:
    """A wide drawing opens zoomed in; with no current step to centre on, the comparison
    opens on the changed element, here notify_result at the drawing's far right."""
    page = owner_page
    live = Path(server.env["GOVFLOW_PROCESSES_DIR"]) / "complaint.bpmn"  # the current file
    text = live.read_text(encoding="utf-8")
    old = 'id="notify_result" name="แจ้งผลให้ผู้ร้องเรียนทราบ"'
    assert text.count(old) == 1
    path = tmp_path / "complaint.bpmn"
    path.write_text(text.replace(old, 'id="notify_result" name="แจ้งผลผู้ร้องเรียน"'),
                    encoding="utf-8")
    page.goto("/owner/processes")
    page.get_by_label("ไฟล์ BPMN").set_input_files(str(path))
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()
    for side in (".compare-old", ".compare-new"):
        box = page.locator(f"{side} .diagram-box").bounding_box()
        changed = page.locator(
            f'{side} g.change-changed[data-element-id="notify_result"]').bounding_box()
        assert box and changed
        centre_x = changed["x"] + changed["width"] / 2
        centre_y = changed["y"] + changed["height"] / 2
        assert box["x"] <= centre_x <= box["x"] + box["width"], (side, box, changed)
        assert box["y"] <= centre_y <= box["y"] + box["height"], (side, box, changed)
