"""The form editor (/owner/forms): a JSON Schema form edited as a list of fields, with
its preview drawn as the task page draws it, saved through the engine, and deployed
through the usual upload preview."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from engine.core.models import AuditEvent
from engine.services.admin import versions
from engine.services.inbox import instances
from tests.samples import COMPLAINT
from tests.web.test_web_owner import signed_in, token_of
from tests.web_client import Browser, html
from webui import create_app

pytestmark = pytest.mark.usefixtures("sample_day")

FORWARD = "/owner/forms/complaint-forward"
ORDER = "/owner/forms/complaint-director-order"


@pytest.fixture
def owned(own_copy):
    rt, people, _owner, folder = own_copy
    app = create_app(runtime=rt)
    app.testing = True
    return rt, people, app, folder


@pytest.fixture
def owner(owned) -> Browser:
    rt, people, app, _folder = owned
    return signed_in(rt, people, app, "owner")


def posted(page: str) -> dict[str, str]:
    """What the editor page's form would post as it stands (inputs, ticked boxes,
    chosen options, text areas), as a browser sends it."""
    form = page[page.index('class="form form-editor"'):]
    form = form[:form.index("</form>")]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) == "checkbox" and " checked" not in tag:
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form,
                                 re.S):
        data[name] = unescape(body)
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        first = re.search(r'<option value="([^"]*)"', body)
        data[name] = unescape((chosen or first).group(1)) if (chosen or first) else ""
    data.pop("csrf_token", None)
    return data


def submit(b: Browser, url: str, action: str, **changes):
    data = posted(html(b.get(url)) if b.page is None or url not in b.page.request.path
                  else html(b.page))
    data.update(changes)
    for key in [k for k, v in data.items() if v is None]:
        del data[key]
    data["action"] = action
    return b.post(url, data)


def form_file(folder, name: str) -> dict:
    return json.loads((folder / "forms" / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_only_process_owners_and_admins(owned):
    rt, people, app, _folder = owned
    for who in ("legal_officer", "director", "staff_plan"):
        b = signed_in(rt, people, app, who)
        assert b.get("/owner/forms").status_code == 403
        assert b.get(FORWARD).status_code == 403
        assert b.get("/owner/api/forms").status_code == 403
    anonymous = Browser(app)
    assert anonymous.get("/owner/forms").status_code == 302
    admin = signed_in(rt, people, app, "admin")
    assert admin.get("/owner/forms").status_code == 200


def test_the_list_shows_every_form_with_its_processes(owner):
    page = html(owner.get("/owner/forms"))
    assert 'href="/owner/forms/complaint-triage"' in page
    assert "forms/publishing-request.schema.json" in page
    assert "<code>complaint</code>" in page


def test_unchanged_save_keeps_the_file_as_it_was(owner, owned):
    _rt, _people, _app, folder = owned
    before = form_file(folder, "complaint-triage")
    response = submit(owner, "/owner/forms/complaint-triage", "save")
    assert response.status_code == 302, html(response)[:3000]
    assert form_file(folder, "complaint-triage") == before  # allOf rules and lists kept


def test_add_a_field_and_save_it(owner, owned):
    rt, _people, _app, folder = owned
    page = html(submit(owner, FORWARD, "add"))
    assert "ช่องที่ 4" in page
    assert not (folder / "forms" / "complaint-forward.schema.json").read_text(
        encoding="utf-8").count("reason_note")  # add alone saves nothing
    owner.page = None
    data = posted(page)
    data.update({"4-name": "reason_note", "4-title_th": "เหตุผล", "4-title_en": "Reason",
                 "4-kind": "textarea", "4-required": "on", "action": "save"})
    response = owner.post(FORWARD, data)
    assert response.status_code == 302, html(response)[:3000]
    schema = form_file(folder, "complaint-forward")
    assert list(schema["properties"])[-1] == "reason_note"
    assert schema["properties"]["reason_note"] == {
        "type": "string", "maxLength": 5000, "title": "เหตุผล", "x-title-en": "Reason",
        "x-personal": True}  # a new field of a complaint form is personal by default
    assert "reason_note" in schema["required"]
    with rt.db.read() as session:
        event = session.query(AuditEvent).filter_by(action="form_saved").one()
    assert event.detail["file"] == "forms/complaint-forward.schema.json"


def test_reorder_with_buttons(owner, owned):
    _rt, _people, _app, folder = owned
    page = html(submit(owner, FORWARD, "down-1"))
    data = posted(page)
    assert data["1-name"] == "forward_letter_no" and data["2-name"] == "forwarded_to"
    page = html(submit(owner, FORWARD, "save"))
    assert list(form_file(folder, "complaint-forward")["properties"])[:2] == [
        "forward_letter_no", "forwarded_to"]


def test_required_when_another_field_has_a_value(owner, owned):
    rt, people, _app, folder = owned
    response = submit(owner, ORDER, "save", **{"2-required_if": "director_instruction",
                                                "2-required": None})
    assert response.status_code == 302, html(response)[:3000]
    schema = form_file(folder, "complaint-director-order")
    second = list(schema["properties"])[1]
    assert schema["dependentRequired"] == {"director_instruction": [second]}
    # The validator refuses the form without it once the other has a value, naming both.
    from engine.bpmn.forms import load_form, validate_form
    from engine.core.errors import InvalidData
    loaded = load_form(folder, "forms/complaint-director-order.schema.json")
    with pytest.raises(InvalidData) as refused:
        validate_form(loaded, {"director_instruction": "สืบสวนข้อเท็จจริง"})
    assert "เมื่อกรอก" in refused.value.fields[second]
    assert "when" in refused.value.fields[second]


def test_a_yes_no_field_cannot_make_another_required(owner):
    page = submit(owner, "/owner/forms/complaint-follow-up", "save",
                  **{"1-required_if": "resolved"})
    assert page.status_code == 400
    assert "ช่องใช่/ไม่ใช่มีค่าเสมอ" in html(page)


def test_choices_from_a_list(owner, owned):
    _rt, _people, _app, folder = owned
    page = html(submit(owner, FORWARD, "add"))
    data = posted(page)
    data.update({"4-name": "kind_again", "4-title_th": "ประเภท", "4-kind": "choice",
                 "4-list": "complaint_types", "action": "save"})
    response = owner.post(FORWARD, data)
    assert response.status_code == 302, html(response)[:3000]
    prop = form_file(folder, "complaint-forward")["properties"]["kind_again"]
    assert prop["$ref"] == "../lists/complaint_types.json"
    # A choice without a list is refused, saying what to choose.
    page = html(owner.get(FORWARD))
    data = posted(page)
    data.update({"1-kind": "choice", "1-list": "", "action": "save"})
    response = owner.post(FORWARD, data)
    assert response.status_code == 400
    assert "กรุณาเลือกรายการตัวเลือก" in html(response)


def test_bad_input_says_what_to_fix_and_changes_nothing(owner, owned):
    _rt, _people, _app, folder = owned
    before = (folder / "forms" / "complaint-forward.schema.json").read_bytes()
    response = submit(owner, FORWARD, "save", **{"1-name": "Bad Name", "2-name": "forwarded_to",
                                                  "title_th": ""})
    page = html(response)
    assert response.status_code == 400
    assert "ชื่อช่องใช้อักษรอังกฤษตัวเล็ก" in page
    assert "กรุณากรอกชื่อแบบฟอร์มภาษาไทย" in page
    assert 'value="Bad Name"' in page  # what was typed stays
    assert (folder / "forms" / "complaint-forward.schema.json").read_bytes() == before


def test_renaming_a_field_a_gateway_reads_is_refused(owner, owned):
    _rt, _people, _app, folder = owned
    before = (folder / "forms" / "complaint-triage.schema.json").read_bytes()
    response = submit(owner, "/owner/forms/complaint-triage", "save",
                      **{"1-name": "outcome"})
    assert response.status_code == 400
    assert "screening_outcome" in html(response)
    assert (folder / "forms" / "complaint-triage.schema.json").read_bytes() == before


def preview_block(page: str) -> str:
    start = page.index('<div class="preview-fields" id="preview-fields">')
    block = page[start:page.index("</section>", start)]
    return block[block.index(">") + 1:block.rindex("</div>")].strip()


def test_preview_is_the_task_pages_html(owner, owned):
    rt, people, app, _folder = owned
    page = html(submit(owner, ORDER, "preview"))
    fields_html = preview_block(page)
    assert 'name="director_instruction"' in fields_html
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    (triage,) = case["tasks"]
    from engine.services.inbox import tasks
    tasks.complete_task(rt, people.legal_officer, triage["id"], {"screening_outcome": "accept"})
    director = signed_in(rt, people, app, "director")
    task = next(t for t in instances.get_instance(rt, people.director, case["id"])["tasks"]
                if t["bpmn_id"] == "director_order")
    task_page = html(director.get(f"/tasks/{task['id']}"))
    assert fields_html in task_page


def test_preview_shows_an_unsaved_change(owner, owned):
    _rt, _people, _app, folder = owned
    page = html(submit(owner, FORWARD, "preview", **{"1-title_th": "หน่วยงานปลายทางใหม่"}))
    assert "หน่วยงานปลายทางใหม่" in preview_block(page)
    assert "หน่วยงานปลายทางใหม่" not in (folder / "forms" / "complaint-forward.schema.json"
                                      ).read_text(encoding="utf-8")


def test_required_when_shows_under_the_field(owner):
    page = html(submit(owner, ORDER, "preview", **{"2-required_if": "director_instruction"}))
    assert "ต้องกรอกเมื่อกรอก" in preview_block(page)


def test_without_csrf_nothing_is_saved(owner, owned):
    _rt, _people, _app, folder = owned
    before = (folder / "forms" / "complaint-forward.schema.json").read_bytes()
    data = posted(html(owner.get(FORWARD)))
    data.update({"1-title_th": "เปลี่ยน", "action": "save"})
    response = owner.client.post(FORWARD, data=data)
    assert response.status_code == 400
    assert (folder / "forms" / "complaint-forward.schema.json").read_bytes() == before


def test_new_form_then_deploy_through_the_upload_preview(owner, owned):
    rt, _people, _app, folder = owned
    owner.get("/owner/forms")
    response = owner.post("/owner/forms/new", {"name": "complaint-check",
                                               "title_th": "ตรวจสอบ", "title_en": "Check"})
    assert response.status_code == 302
    assert form_file(folder, "complaint-check")["title"] == "ตรวจสอบ"
    again = owner.post("/owner/forms/new", {"name": "complaint-check", "title_th": "ซ้ำ"})
    assert again.status_code == 400 and "มีแบบฟอร์ม" in html(again)
    # A form a process uses: saved, then "นำไปใช้" opens the upload preview to confirm.
    submit(owner, FORWARD, "save", **{"1-title_th": "หน่วยงานปลายทาง (แก้ไข)"})
    page = html(owner.get(FORWARD))
    assert "นำไปใช้กับ complaint" in page
    owner.page = owner.client.get(FORWARD)
    preview = owner.post(f"{FORWARD}/deploy", {"process": "complaint"})
    assert preview.status_code == 200
    assert "หน่วยงานปลายทาง (แก้ไข)" in html(preview)  # the change summary names the field
    assert versions.list_versions(rt, "complaint")[0]["version"] == 1  # not yet
    confirm = owner.post("/owner/processes/upload/confirm", {"token": token_of(html(preview))})
    assert confirm.status_code == 302
    listed = versions.list_versions(rt, "complaint")
    assert max(v["version"] for v in listed) == 2
    assert "นำไปใช้กับ complaint" not in html(owner.get(FORWARD))


def test_english_page(owner):
    owner.get("/owner/forms")
    owner.post("/language", {"lang": "en", "next": "/owner/forms"})
    page = html(owner.get(FORWARD))
    assert "Edit the form" in page and "Field name" in page and "Show the preview" in page
    from tests.web.test_english_pages import thai_outside_data
    assert thai_outside_data(page) == []
    assert thai_outside_data(html(owner.get("/owner/forms"))) == []
    preview = html(submit(owner, "/owner/forms/complaint-triage", "preview"))
    assert "Preview of the form on the task page" in preview
    assert thai_outside_data(preview) == []
    refused = submit(owner, FORWARD, "save", **{"1-name": "Bad Name"})
    assert "Field 1: A field's name uses lower-case letters" in unescape(html(refused))
    assert thai_outside_data(html(refused)) == []


# ---- the forms API (contract 4: the editor's side panel) ------------------------------

def test_api_lists_forms_with_fields(owner):
    forms = owner.client.get("/owner/api/forms").get_json()
    triage = next(f for f in forms if f["path"] == "forms/complaint-triage.schema.json")
    assert triage["title_th"] == "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น"
    assert triage["title_en"] == "Screen the complaint"
    outcome = triage["fields"][0]
    assert outcome["name"] == "screening_outcome" and outcome["type"] == "choice"
    assert outcome["title_th"] == "ผลการคัดกรอง"
    assert [c["const"] for c in outcome["choices"]] == ["accept", "not_considered", "forward"]
    reason = next(f for f in triage["fields"] if f["name"] == "not_considered_reason")
    assert reason["title_th"] == "เหตุที่ไม่รับไว้พิจารณา"  # from its list
    assert triage["used_by"] == ["complaint"] and triage["personal_default"] is True


def test_api_makes_a_new_form_and_refuses_an_existing_name(owner, owned):
    _rt, _people, _app, folder = owned
    body = {"name": "complaint-head-review", "title_th": "หัวหน้ากลุ่มตรวจทาน",
            "title_en": "Group head's review", "fields": [
                {"name": "head_opinion", "title_th": "ความเห็น", "title_en": "Opinion",
                 "type": "textarea", "required": True},
                {"name": "head_agrees", "title_th": "เห็นด้วย", "type": "yesno"}]}
    token = owner.token()
    response = owner.client.post("/owner/api/forms", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"path": "forms/complaint-head-review.schema.json"}
    schema = form_file(folder, "complaint-head-review")
    assert schema["required"] == ["head_opinion"]
    assert schema["properties"]["head_opinion"]["x-personal"] is True  # a complaint form
    again = owner.client.post("/owner/api/forms", json=body, headers={"X-CSRFToken": token})
    assert again.status_code == 400 and "already exists" in again.get_json()["error_en"]
    assert form_file(folder, "complaint-head-review") == schema


def test_api_bad_fields_are_named(owner):
    body = {"name": "x-form", "title_th": "", "fields": [{"name": "Bad", "type": "choice"}]}
    response = owner.client.post("/owner/api/forms", json=body,
                                 headers={"X-CSRFToken": owner.token()})
    assert response.status_code == 400
    fields = response.get_json()["fields"]
    assert set(fields) >= {"title_th", "1.name", "1.choices_list"}
    bad = owner.client.post("/owner/api/forms", json={"name": "../x", "fields": [{}]},
                            headers={"X-CSRFToken": owner.token()})
    assert bad.status_code == 400 and "name" in bad.get_json()["fields"]


def test_api_needs_csrf_and_the_role(owned, owner):
    rt, people, app, folder = owned
    body = {"name": "no-token", "title_th": "ก", "fields": [{"name": "a", "title_th": "ก"}]}
    assert owner.client.post("/owner/api/forms", json=body).status_code == 400
    assert not (folder / "forms" / "no-token.schema.json").exists()
    legal = signed_in(rt, people, app, "legal_head")
    response = legal.client.post("/owner/api/forms", json=body,
                                 headers={"X-CSRFToken": legal.token()})
    assert response.status_code == 403
    assert not (folder / "forms" / "no-token.schema.json").exists()
