"""Fields a complaint form marks ``"x-personal": true`` are personal data like the
complainant's and the accused's: never in the workflow's data, encrypted on the case,
shown only to Legal Affairs and the Director. ``"x-personal": false`` is not personal."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.bpmn.form_fields import FormField, fields_of
from engine.core.errors import InvalidData, NotFound
from engine.core.models import ProcessInstance
from engine.core.personal_data import (
    PERSONAL_FIELDS,
    mask_personal,
    personal_fields,
    split_personal,
)
from engine.services.admin import forms_edit
from engine.services.admin.processes import deploy
from engine.services.inbox import instances, tasks
from tests.samples import COMPLAINT

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

WITNESS = "นายพยาน ผู้เห็นเหตุการณ์"
NOTE = "ตรวจเอกสารครบแล้ว"
TRIAGE = "forms/complaint-triage.schema.json"
START = "forms/complaint-start.schema.json"


def add_fields(rt, owner, path: str, *new: FormField) -> None:
    form = forms_edit.read_form(rt, owner, path)
    forms_edit.save_form(rt, owner, path, form["title_th"], form["title_en"],
                         [*form["fields"], *new])
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]


def witness_field(personal: bool | None = True) -> FormField:
    return FormField(name="witness_name", title_th="ชื่อพยาน", title_en="Witness's name",
                     kind="text", personal=personal)


@pytest.fixture
def marked(own_copy):
    rt, people, owner, folder = own_copy
    add_fields(rt, owner, TRIAGE, witness_field(),
               FormField(name="check_note", title_th="บันทึกการตรวจ", title_en="Check note",
                         kind="text", personal=False))
    return rt, people, owner, folder


def triage_case(rt, people) -> tuple[int, str]:
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    (task,) = [t for t in case["tasks"] if t["bpmn_id"] == "triage"]
    tasks.complete_task(rt, people.legal_officer, task["id"], {
        "screening_outcome": "accept", "witness_name": WITNESS, "check_note": NOTE})
    return case["id"], task["id"]


def stored(rt, instance_id: int) -> tuple[str, bytes]:
    """The workflow state as stored, its escapes undone (Thai is stored as \\u0e..), and
    the sealed personal data."""
    with rt.db.read() as session:
        row = session.execute(select(ProcessInstance.state, ProcessInstance.personal_data)
                              .where(ProcessInstance.id == instance_id)).one()
    return json.dumps(json.loads(row[0]), ensure_ascii=False), row[1]


def test_the_mark_is_written_in_the_form_file(marked):
    _rt, _people, _owner, folder = marked
    schema = json.loads((folder / TRIAGE).read_text(encoding="utf-8"))
    assert schema["properties"]["witness_name"]["x-personal"] is True
    assert schema["properties"]["check_note"]["x-personal"] is False
    assert {f.name: f.personal for f in fields_of(schema)}["witness_name"] is True


def test_a_marked_field_is_personal_and_the_fixed_ones_stay(marked):
    rt, *_ = marked
    with rt.db.read() as session:
        bundle = rt.definitions.current(session, "complaint").bundle
    fields = personal_fields("complaint", bundle.forms.values())
    assert set(PERSONAL_FIELDS["complaint"]) <= set(fields)
    assert "witness_name" in fields and "check_note" not in fields
    # Only the processes that keep personal data honour the mark.
    assert personal_fields("publishing", [{"properties": {"x": {"x-personal": True}}}]) == ()
    public, personal = split_personal("complaint", {"witness_name": WITNESS, "a": 1},
                                      bundle.forms.values())
    assert public == {"a": 1} and personal == {"witness_name": WITNESS}
    assert mask_personal("complaint", {"witness_name": WITNESS},
                         bundle.forms.values()) == {"witness_name": "•••"}


def test_a_marked_task_field_is_encrypted_never_in_the_workflow(marked):
    rt, people, *_ = marked
    instance_id, _task = triage_case(rt, people)
    state, sealed = stored(rt, instance_id)
    assert WITNESS not in state and "witness_name" not in state
    assert NOTE in state  # marked not personal: it is case data like any other
    assert WITNESS.encode("utf-8") not in sealed
    assert rt.cipher.decrypt(sealed)["witness_name"] == WITNESS
    # The complainant's fields sealed at the start are still there beside it.
    assert rt.cipher.decrypt(sealed)["complainant_name"] == COMPLAINT["complainant_name"]


def test_legal_affairs_read_it_others_do_not(marked):
    rt, people, *_ = marked
    instance_id, _task = triage_case(rt, people)
    head = instances.get_instance(rt, people.legal_head, instance_id)
    assert head["personal_data"]["witness_name"] == WITNESS
    assert WITNESS not in json.dumps(head["data"], ensure_ascii=False)
    assert all(WITNESS not in json.dumps(event, ensure_ascii=False)
               for event in head["history"])
    for who in (people.staff, people.admin, people.web_admin, people.ict_head):
        try:
            view = instances.get_instance(rt, who, instance_id)
        except NotFound:
            continue
        assert WITNESS not in json.dumps(view, ensure_ascii=False, default=str)


def test_a_marked_start_field_is_sealed_at_the_start(own_copy):
    rt, people, owner, _folder = own_copy
    add_fields(rt, owner, START, witness_field())
    case = instances.start_instance(rt, people.legal_officer, "complaint",
                                    {**COMPLAINT, "witness_name": WITNESS})
    state, sealed = stored(rt, case["id"])
    assert WITNESS not in state
    assert rt.cipher.decrypt(sealed)["witness_name"] == WITNESS
    assert "witness_name" not in case["data"]


def test_an_unmarked_field_stays_case_data(own_copy):
    rt, people, owner, _folder = own_copy
    add_fields(rt, owner, TRIAGE, witness_field(personal=False),
               FormField(name="check_note", title_th="บันทึกการตรวจ", kind="text"))
    instance_id, _task = triage_case(rt, people)
    state, sealed = stored(rt, instance_id)
    assert WITNESS in state
    assert "witness_name" not in rt.cipher.decrypt(sealed)


def test_a_condition_on_a_marked_field_is_refused_at_save(own_copy):
    """A gateway reads case data; a field taken out of it would stop cases at the gateway,
    so marking one a condition reads is refused, naming why, and nothing changes."""
    rt, _people, owner, folder = own_copy
    before = (folder / TRIAGE).read_bytes()
    form = forms_edit.read_form(rt, owner, TRIAGE)
    fields = form["fields"]
    fields[0].personal = True  # screening_outcome, which gw_screening tests
    with pytest.raises(InvalidData) as refused:
        forms_edit.save_form(rt, owner, TRIAGE, form["title_th"], form["title_en"], fields)
    assert "personal data" in refused.value.fields["form"]
    assert (folder / TRIAGE).read_bytes() == before
