"""In the modeler, a process owner adds the user task "หัวหน้ากลุ่มตรวจทาน" between triage's
"accept" path and the Director's order, in the Legal Affairs head's lane, with a new
two-field form made from the side panel, saves the draft and deploys it. A complaint
started afterwards passes through the new step (offered to legal_head); one that was
running before the deploy goes from triage straight to the Director's order.

The editor is driven as a clerk would: the palette's user task is dropped onto the
"accept" flow (bpmn-js splits the flow, keeping its condition on the part before the
task), dragged down into the Legal Affairs head's lane, named and given its form in the
side panel. One `window` hook is used, `govflowEditor.modeler`, and only to read: the
canvas's viewbox (to turn diagram coordinates into mouse positions) and the new task's
id and flows (to check what the pointer made). The server gets its own copy of
processes/, since deploying writes there.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.bpmn.loading.safe_xml import read_xml
from engine.core.config import REPO_ROOT, Settings
from engine.services.admin.users import add_user
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from tests.conftest import TEST_PASSWORD_PROFILE, missing
from tests.samples import COMPLAINT
from tests.web.browser.support import (
    Server,
    choose,
    field,
    inbox_tab,
    main_menu,
    open_and_claim,
    password_of,
    shot,
    sign_in,
    sign_out,
    submit_task,
)

pytestmark = pytest.mark.browser

OWNER = "stepowner"
EDIT = "/owner/processes/complaint/edit"
BUILT = REPO_ROOT / "webui" / "static" / "build" / "editor.js"
NEW_STEP = "หัวหน้ากลุ่มตรวจทาน"
TRIAGE = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 3 วันทำการ)"
DIRECTOR_ORDER = "ผู้อำนวยการ สพป. สั่งการ"
FORM = "complaint-head-review"
AFTER = "เรื่องที่เริ่มหลังเพิ่มขั้นตอน"


def server_env(root: Path) -> dict[str, str]:
    processes = root / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    return {"GOVFLOW_PROCESSES_DIR": str(processes)}


@pytest.fixture(scope="module")
def owner(server: Server) -> str:
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"]),
                          password_profile=TEST_PASSWORD_PROFILE))
    try:
        add_user(rt, OWNER, ["process_owner"], "LEGAL", password=password_of(OWNER),
                 display_name="เจ้าของกระบวนงาน ขั้นตอนใหม่")
    finally:
        rt.close()
    return OWNER


def owner_signs_in(page: Page, username: str) -> None:
    page.goto("/signin")
    page.get_by_label("ชื่อผู้ใช้", exact=True).fill(username)
    page.get_by_label("รหัสผ่าน", exact=True).fill(password_of(username))
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="กล่องงาน", exact=True)).to_be_visible()


# ---- the complaint, through the staff UI -------------------------------------------------

def file_complaint(page: Page, subject: str) -> str:
    """The legal officer registers a complaint received today; the case page's URL."""
    main_menu(page, "ลงทะเบียนเรื่องร้องเรียน")
    field(page, "เรื่อง").fill(subject)
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(COMPLAINT["details"])
    field(page, "ประเภทเรื่องร้องเรียน").select_option(label="ทุจริตในการจัดซื้อจัดจ้าง")
    field(page, "ชื่อผู้ถูกร้องเรียน").fill(COMPLAINT["accused_name"])
    choose(page, "ช่องทางที่รับเรื่อง", "หนังสือ")
    field(page, "วันที่ได้รับเรื่อง").fill(datetime.now(BANGKOK).date().isoformat())
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    return page.url


def open_tasks(page: Page):
    return page.get_by_role("region", name="งานที่รอดำเนินการ")


def claim_open_task(page: Page, case_url: str, task_name: str) -> None:
    page.goto(case_url)
    open_tasks(page).get_by_role("link", name=task_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(task_name)
    page.get_by_role("button", name="รับงานนี้").click()
    expect(page.get_by_text("รับงานแล้ว")).to_be_visible()


def triage_accept(page: Page, case_url: str) -> None:
    claim_open_task(page, case_url, TRIAGE)
    choose(page, "ผลการคัดกรอง", "รับไว้พิจารณา")
    submit_task(page, TRIAGE)
    expect(page).to_have_url(case_url)


def expect_only_open_task(page: Page, task_name: str) -> None:
    links = open_tasks(page).get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_text(task_name)


# ---- the editor --------------------------------------------------------------------------

def screen_point(page: Page, x: float, y: float) -> tuple[float, float]:
    """Where the diagram point (x, y) is on the screen, from the canvas's viewbox."""
    box = page.evaluate("""() => {
        const canvas = govflowEditor.modeler.get('canvas');
        const r = canvas._container.getBoundingClientRect();
        const v = canvas.viewbox();
        return {left: r.left, top: r.top, x: v.x, y: v.y, scale: v.scale};
    }""")
    return (box["left"] + (x - box["x"]) * box["scale"],
            box["top"] + (y - box["y"]) * box["scale"])


def move_mouse(page: Page, point: tuple[float, float]) -> None:
    page.mouse.move(*point, steps=8)


def task_ids(page: Page) -> set[str]:
    return set(page.evaluate("""() => govflowEditor.modeler.get('elementRegistry')
        .filter(e => e.type === 'bpmn:UserTask').map(e => e.id)"""))


def flows_of(page: Page, element_id: str) -> dict[str, list[str]]:
    return page.evaluate("""id => {
        const el = govflowEditor.modeler.get('elementRegistry').get(id);
        return {incoming: el.incoming.map(f => f.source.id + '>' + f.id),
                outgoing: el.outgoing.map(f => f.target.id)};
    }""", element_id)


def lane_of(page: Page, element_id: str) -> list[str]:
    return page.evaluate("""id => {
        const reg = govflowEditor.modeler.get('elementRegistry');
        return reg.filter(e => e.type === 'bpmn:Lane'
            && (e.businessObject.flowNodeRef || []).some(n => n.id === id)).map(e => e.id);
    }""", element_id)


def add_step_on_accept_path(page: Page) -> str:
    """Palette → user task, dropped on the "accept" flow, then dragged into the Legal
    Affairs head's lane (lane_legal_head, y 850–1030 in complaint.bpmn's diagram)."""
    before = task_ids(page)
    # The accept flow runs down x = 1020 from the gateway (y 345) to y 770.
    page.locator(".djs-palette .entry[data-action='create.user-task']").click()
    move_mouse(page, screen_point(page, 1000, 520))
    move_mouse(page, screen_point(page, 1020, 540))
    page.mouse.click(*screen_point(page, 1020, 540))
    added = task_ids(page) - before
    assert len(added) == 1, added
    task = added.pop()
    page.keyboard.press("Escape")  # leaves the direct editing bpmn-js opens on a new task
    flows = flows_of(page, task)
    assert flows["incoming"] == ["gw_screening>flow_screening_accept"], flows
    assert flows["outgoing"] == ["director_order"], flows

    shape = page.locator(f".djs-shape[data-element-id={task}]")
    box = shape.bounding_box()
    assert box is not None
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    move_mouse(page, (start[0] + 5, start[1] + 5))
    move_mouse(page, screen_point(page, 1040, 935))
    page.mouse.up()
    assert lane_of(page, task) == ["lane_legal_head"]
    return task


def make_the_form(page: Page) -> None:
    side = page.locator("#side-panel")
    side.get_by_role("combobox", name="แบบฟอร์มของงาน", exact=True).select_option(
        label="สร้างแบบฟอร์มใหม่")
    side.get_by_label("ชื่อไฟล์ (อักษรอังกฤษ เช่น complaint-check)").fill(FORM)
    side.get_by_label("ชื่อแบบฟอร์ม (ไทย)").fill(NEW_STEP)
    side.get_by_label("ชื่อแบบฟอร์ม (อังกฤษ)").fill("Legal Affairs head's review")
    side.get_by_role("button", name="เพิ่มช่อง").click()
    fields = [("head_opinion", "ความเห็นหัวหน้ากลุ่ม", "Head's opinion", "ข้อความยาว"),
              ("review_memo_no", "เลขที่บันทึกตรวจทาน", "Review memo number", "ข้อความสั้น")]
    for number, (name, th, en, kind) in enumerate(fields, start=1):
        row = side.get_by_role("group", name=f"ช่องที่ {number}", exact=True)
        row.get_by_label("ชื่อช่อง (อักษรอังกฤษ เช่น review_note)").fill(name)
        row.get_by_label("ชื่อช่อง (ไทย)", exact=True).fill(th)
        row.get_by_label("ชื่อช่อง (อังกฤษ)", exact=True).fill(en)
        row.get_by_label("ชนิด", exact=True).select_option(label=kind)
        row.get_by_label("ต้องกรอก", exact=True).check()
    side.get_by_role("button", name="สร้างแบบฟอร์มและใช้กับงานนี้").click()
    expect(side).to_contain_text(f"สร้างแบบฟอร์ม forms/{FORM}.schema.json แล้ว")


def deployed_files_hold_the_step(processes: Path, task: str) -> None:
    """What the deploy wrote into the server's processes/: the task in lane_legal_head
    with the new form, between the gateway's accept flow and the Director's order, and
    the form's two required fields."""
    tree = read_xml((processes / "complaint.bpmn").read_bytes(), "complaint.bpmn")
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    step = tree.find(f".//bpmn:userTask[@id='{task}']", ns)
    assert step is not None and step.get("name") == NEW_STEP
    form = step.find(".//spiffworkflow:property[@name='formJsonSchemaFilename']", ns)
    assert form is not None and form.get("value") == f"forms/{FORM}.schema.json"
    lane = tree.find(f".//bpmn:lane[bpmn:flowNodeRef='{task}']", ns)
    assert lane is not None and lane.get("id") == "lane_legal_head"
    accept = tree.find(".//bpmn:sequenceFlow[@id='flow_screening_accept']", ns)
    assert accept is not None and accept.get("targetRef") == task
    assert accept.findtext("bpmn:conditionExpression", namespaces=ns) == \
        'screening_outcome == "accept"'
    onward = tree.findall(f".//bpmn:sequenceFlow[@sourceRef='{task}']", ns)
    assert [f.get("targetRef") for f in onward] == ["director_order"]
    schema = json.loads((processes / "forms" / f"{FORM}.schema.json").read_text("utf-8"))
    assert list(schema["properties"]) == ["head_opinion", "review_memo_no"]
    assert sorted(schema["required"]) == ["head_opinion", "review_memo_no"]
    # New fields on a complaint form are personal data unless the owner says otherwise.
    assert all(p.get("x-personal") is True for p in schema["properties"].values())


def test_a_new_step_new_cases_pass_through_it_running_ones_do_not(
        page: Page, server: Server, owner: str) -> None:
    if not BUILT.exists():
        missing("the editor is not built: run `make assets`", "modeler browser test")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # A complaint running before the change: started, at triage.
    sign_in(page, "nitikorn")
    running = file_complaint(page, "เรื่องที่เริ่มก่อนเพิ่มขั้นตอน")
    expect_only_open_task(page, TRIAGE)
    sign_out(page)

    owner_signs_in(page, owner)
    page.goto(EDIT)
    page.wait_for_function("() => document.documentElement.dataset.editorImported")
    task = add_step_on_accept_path(page)
    # The moved task stays selected (a click would toggle it off, as diagram-js does):
    # the panel shows it, in the Legal Affairs head's lane with its role.
    side = page.locator("#side-panel")
    expect(side.locator(".sp-lane")).to_have_text(
        "อยู่ในช่อง: ผู้อำนวยการกลุ่มกฎหมายและคดี (legal_head)")
    name = side.get_by_label("ชื่อ", exact=True)
    name.fill(NEW_STEP)
    name.press("Tab")
    make_the_form(page)
    shot(page, "modeler-new-step")
    page.get_by_role("button", name="บันทึกร่าง").click()
    expect(page.locator("#editor-status")).to_contain_text("บันทึกร่างแล้ว")
    page.get_by_role("button", name="ตรวจและติดตั้ง").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("ผลการตรวจไฟล์ complaint.bpmn")
    added = page.locator(f"li.change[data-element-id={task}]")
    expect(added).to_have_count(1)
    expect(added).to_contain_text(
        f"เพิ่มขั้นตอน '{NEW_STEP}' ทำโดย ผู้อำนวยการกลุ่มกฎหมายและคดี (legal_head)"
        f" ใช้แบบฟอร์ม '{NEW_STEP}'")
    shot(page, "modeler-new-step-preview")
    page.get_by_role("button", name="ติดตั้ง", exact=True).click()
    expect(page.get_by_text("ติดตั้ง complaint ฉบับที่ 2 แล้ว")).to_be_visible()
    assert errors == [], errors
    page.get_by_role("button", name="ออกจากระบบ").click()

    deployed_files_hold_the_step(Path(server.env["GOVFLOW_PROCESSES_DIR"]), task)

    sign_in(page, "nitikorn")
    triage_accept(page, running)
    expect_only_open_task(page, DIRECTOR_ORDER)  # the running case keeps its version
    new = file_complaint(page, AFTER)
    triage_accept(page, new)
    expect_only_open_task(page, NEW_STEP)
    main_menu(page, "กล่องงาน")  # not offered to the legal officer
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    expect(page.get_by_role("row").filter(has_text=NEW_STEP)).to_have_count(0)
    sign_out(page)

    # Offered to legal_head: unclaimed in the Legal Affairs head's inbox.
    sign_in(page, "legalhead")
    open_and_claim(page, AFTER, NEW_STEP)
    field(page, "ความเห็นหัวหน้ากลุ่ม").fill("ตรวจทานแล้ว เห็นควรเสนอผู้อำนวยการ")
    field(page, "เลขที่บันทึกตรวจทาน").fill("กม 12/2569")
    shot(page, "modeler-new-step-task")
    submit_task(page, NEW_STEP)
    expect(page).to_have_url(new)
    expect_only_open_task(page, DIRECTOR_ORDER)
