"""The process editor's side panel in Debian's chromium: a test page of bpmn-js with the
panel alone (tests/web/browser/side_panel/harness.js, bundled here with the esbuild the
project pins), served beside the real app so the panel's forms API and live expression
check answer as they do on the editor page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from engine.core.config import Settings
from engine.services.admin.users import add_user
from engine.workflow.runtime import Runtime
from tests.conftest import TEST_PASSWORD_PROFILE, missing
from tests.web.browser.support import app_page
from tests.web.browser.test_accessibility import AXE, violations

ROOT = Path(__file__).resolve().parents[3]
WEBUI = ROOT / "webui"
HARNESS = Path(__file__).resolve().parent / "side_panel" / "harness.js"
OWNER, PASSWORD = "panelowner", "pw-panelowner-2569-ทดสอบ"
PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>side panel</title><link rel="stylesheet" href="/harness/harness.css"></head>
<body><main style="display:flex"><div id="canvas" style="width:800px;height:600px"></div>
<aside id="side-panel" style="width:420px"></aside></main>
<script src="/harness/harness.js"></script></body></html>"""


def server_env(root: Path) -> dict[str, str]:
    processes = root / "processes"
    shutil.copytree(ROOT / "processes", processes)
    return {"GOVFLOW_PROCESSES_DIR": str(processes)}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    esbuild = WEBUI / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        missing("webui/node_modules (make assets) is needed", "side panel browser test")
    out = tmp_path_factory.mktemp("harness")
    entry = out / "entry.js"
    entry.write_text(HARNESS.read_text(encoding="utf-8").replace("__WEBUI__", str(WEBUI)),
                     encoding="utf-8")
    built = subprocess.run(
        [str(esbuild), str(entry), "--bundle", "--format=iife", f"--outfile={out / 'harness.js'}",
         "--loader:.woff=file", "--loader:.woff2=file", "--loader:.eot=file",
         "--loader:.ttf=file", "--loader:.svg=file", "--log-level=error"],
        capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr
    shutil.copy(ROOT / "processes" / "complaint.bpmn", out / "complaint.bpmn")
    return out


@pytest.fixture(scope="module")
def owner(server):
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"]),
                          password_profile=TEST_PASSWORD_PROFILE))
    try:
        add_user(rt, OWNER, ["process_owner"], "ICT", password=PASSWORD,
                 display_name="ผู้ดูแล แผงข้าง")
    finally:
        rt.close()
    return OWNER


def open_panel(chromium, server, bundle, lang="th", **options):
    context = app_page(chromium, server, **options)
    page = context.__enter__()

    def serve(route: Route) -> None:
        name = route.request.url.rsplit("/", 1)[-1].split("?")[0]
        if name == "index.html":
            route.fulfill(body=PAGE.format(lang=lang), content_type="text/html")
        elif (bundle / name).is_file():
            kind = {"js": "text/javascript", "css": "text/css", "bpmn": "application/xml"}
            suffix = name.rsplit(".", 1)[-1]
            route.fulfill(path=str(bundle / name),
                          content_type=kind.get(suffix, "application/octet-stream"))
        else:
            route.fulfill(status=404)

    page.route(re.compile(r".*/harness/.*"), serve)
    page.goto("/signin")
    page.get_by_label("ชื่อผู้ใช้", exact=True).fill(OWNER)
    page.get_by_label("รหัสผ่าน", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r".*/inbox.*"))
    page.goto("/harness/index.html")
    expect(page.locator("body[data-ready=yes]")).to_be_attached()
    return context, page


@pytest.fixture
def panel(chromium, server, bundle, owner):
    context, page = open_panel(chromium, server, bundle)
    yield page
    context.__exit__(None, None, None)


def xml(page: Page) -> str:
    return page.evaluate("window.harness.xml()")


def select(page: Page, element_id: str) -> None:
    page.evaluate(f"window.harness.select({element_id!r})")


def aside(page: Page):
    return page.locator("#side-panel")


def test_nothing_selected_says_what_to_do(panel):
    expect(aside(panel)).to_contain_text("เลือกขั้นตอน ช่อง ทางแยก หรือเส้นทางในแผนภาพ")


def test_name_and_instructions_are_written_to_the_diagram(panel):
    select(panel, "director_order")
    side = aside(panel)
    side.get_by_label("ชื่อ", exact=True).fill("ผู้อำนวยการ สพป. สั่งการ (แก้ไข)")
    side.get_by_label("ชื่อ", exact=True).press("Tab")
    side.get_by_label("คำแนะนำสำหรับผู้ปฏิบัติงาน").fill("อ่านรายงานแล้วสั่งการ")
    side.get_by_label("คำแนะนำสำหรับผู้ปฏิบัติงาน").press("Tab")
    text = xml(panel)
    assert 'name="ผู้อำนวยการ สพป. สั่งการ (แก้ไข)"' in text
    assert "<bpmn:documentation>อ่านรายงานแล้วสั่งการ</bpmn:documentation>" in text


def test_a_tasks_form_is_chosen_from_the_forms(panel):
    select(panel, "director_order")
    side = aside(panel)
    chooser = side.get_by_role("combobox", name="แบบฟอร์มของงาน", exact=True)
    expect(chooser).to_have_value("forms/complaint-director-order.schema.json")
    expect(side).to_contain_text("director_instruction")
    chooser.select_option("forms/complaint-review.schema.json")
    text = xml(panel)
    director = text[text.index('id="director_order"'):]
    director = director[:director.index("</bpmn:userTask>")]
    assert 'value="forms/complaint-review.schema.json"' in director
    assert "complaint-director-order" not in director


def test_a_new_form_is_made_and_chosen(panel):
    select(panel, "director_order")
    side = aside(panel)
    side.get_by_role("combobox", name="แบบฟอร์มของงาน", exact=True).select_option(
        label="สร้างแบบฟอร์มใหม่")
    side.get_by_label("ชื่อไฟล์ (อักษรอังกฤษ เช่น complaint-check)").fill(
        "complaint-panel-new")
    side.get_by_label("ชื่อแบบฟอร์ม (ไทย)").fill("หัวหน้ากลุ่มตรวจทาน")
    side.get_by_label("ชื่อช่อง (อักษรอังกฤษ เช่น review_note)").fill("head_note")
    side.get_by_label("ชื่อช่อง (ไทย)").fill("ความเห็นหัวหน้ากลุ่ม")
    side.get_by_role("button", name="สร้างแบบฟอร์มและใช้กับงานนี้").click()
    expect(side).to_contain_text("สร้างแบบฟอร์ม forms/complaint-panel-new.schema.json แล้ว")
    assert 'value="forms/complaint-panel-new.schema.json"' in xml(panel)


def test_a_lanes_role_is_kept_for_the_draft(panel):
    select(panel, "lane_legal_head")
    side = aside(panel)
    role = side.get_by_role("combobox", name="บทบาทที่ทำงานในช่องนี้", exact=True)
    expect(role).to_have_value("legal_head")
    expect(role.locator("option[value=director]")).to_have_text("ผู้อำนวยการ สพป. (director)")
    role.select_option("director")
    roles = panel.evaluate("window.harness.panel.getLaneRoles()")
    assert roles == {"lane_legal_officer": "legal_officer", "lane_director": "director",
                     "lane_legal_head": "director"}


def test_a_timer_is_built_in_working_days(panel):
    select(panel, "triage_deadline")
    side = aside(panel)
    days = side.get_by_role("combobox", name="จำนวนวันทำการ", exact=True)
    expect(days).to_have_value("triage_days")
    expect(side).to_contain_text(
        "ระยะเวลาพิจารณาเบื้องต้น (3) วันทำการหลังวันที่ได้รับเรื่อง เวลา 16:30 น.")
    side.get_by_role("combobox", name="จำนวนวันทำการ", exact=True).select_option("")
    side.get_by_role("spinbutton", name="ตัวเลข", exact=True).fill("5")
    side.get_by_role("spinbutton", name="ตัวเลข", exact=True).press("Tab")
    side.get_by_role("combobox", name="เวลา", exact=True).select_option("open")
    expect(side).to_contain_text("5 วันทำการหลังวันที่ได้รับเรื่อง เวลา 08:30 น.")
    expect(side.get_by_role("status").filter(has_text="ใช้ได้")).to_have_count(1)
    assert "working_days_after(received_at, 5)</bpmn:timeDate>" in xml(panel)


def test_a_gateway_condition_from_the_form_before_it_checked_as_typed(panel):
    select(panel, "gw_screening")
    side = aside(panel)
    expect(side).to_contain_text("พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น")  # the task before
    flow = side.get_by_role("group", name=re.compile("^ส่งต่อหน่วยงานอื่น"))
    box = flow.get_by_label("นิพจน์ (ภาษาของ govflow)")
    expect(box).to_have_value('screening_outcome == "forward"')
    box.fill('screening_outcom == "forward"')
    expect(flow.get_by_role("status")).to_contain_text("หรือหมายถึง screening_outcome")
    assert 'screening_outcome == "forward"' in xml(panel)  # a refused text is not written
    flow.get_by_role("combobox", name="ช่อง", exact=True).select_option("screening_outcome")
    flow.get_by_role("combobox", name="ค่า", exact=True).select_option("not_considered")
    flow.get_by_role("button", name="ใช้เงื่อนไขนี้").click()
    expect(box).to_have_value('screening_outcome == "not_considered"')
    expect(flow.get_by_role("status")).to_have_text("ใช้ได้")
    text = xml(panel)
    forward = text[text.index('id="flow_screening_forward"'):]
    forward = forward[:forward.index("</bpmn:sequenceFlow>")]
    assert 'screening_outcome == "not_considered"' in forward


def test_english(chromium, server, bundle, owner):
    context, page = open_panel(chromium, server, bundle, lang="en")
    try:
        select(page, "triage_deadline")
        expect(aside(page)).to_contain_text("working days after the day received, at 16:30")
        expect(aside(page).get_by_role("combobox", name="Working days", exact=True)).to_be_visible()
    finally:
        context.__exit__(None, None, None)


def test_usable_at_phone_width(panel):
    panel.set_viewport_size({"width": 360, "height": 740})
    panel.evaluate("document.getElementById('canvas').style.display = 'none'")
    select(panel, "gw_screening")
    width = panel.evaluate("document.getElementById('side-panel').scrollWidth")
    assert width <= 420
    for control in aside(panel).locator("input, select, textarea").all():
        assert control.evaluate("e => e.labels && e.labels.length > 0"), control


def axe_on(page: Page, selector: str) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"async () => await axe.run({selector!r})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in result["violations"]]


def test_no_axe_violations_in_the_panel_or_the_form_editor(chromium, server, bundle, owner):
    if not AXE.exists():
        missing("axe-core not installed: run `make assets`", "axe tests")
    context, page = open_panel(chromium, server, bundle, bypass_csp=True)
    try:
        for element in ("triage", "triage_deadline", "gw_screening", "lane_legal_head"):
            select(page, element)
            found = axe_on(page, "#side-panel")
            assert not found, f"axe on the side panel ({element}):\n" + "\n".join(found)
        for url in ("/owner/forms", "/owner/forms/complaint-triage"):
            page.goto(url)
            found = violations(page)
            assert not found, f"axe on {url}:\n" + "\n".join(found)
        page.get_by_role("button", name="แสดงตัวอย่าง").click()
        expect(page.get_by_role("heading", name="ตัวอย่างแบบฟอร์มบนหน้างาน")).to_be_visible()
        found = violations(page)
        assert not found, "axe on the preview:\n" + "\n".join(found)
    finally:
        context.__exit__(None, None, None)
