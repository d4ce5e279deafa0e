"""The publication request form's content, filled from a publishing case's workflow.

The fields are labelled as the version's start form labels them (choices by their Thai
titles, dates in the Buddhist Era); the sign-offs come from the request's record, each
signer with the capacity they acted in (the head's full title from ``office.toml``). The
drawing itself is ``engine/documents/request_form.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.bpmn.forms import choice_options
from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.office import OfficeIdentity
from engine.documents.request_form import FORM_TITLE, RequestForm, SignBlock, render_request_form
from engine.services.publishing.register import PROCESS_KEY, RequestRecord, Signoff, read_record
from engine.thai.dates import format_thai_date
from engine.workflow.case_access import visible_case
from engine.workflow.runtime import Runtime

#: The request's fields in the order the paper form lists them, and the label each gets
#: if the version's start form has no title for it.
FIELDS: dict[str, str] = {
    "unit": "หน่วยงาน",
    "request_date": "วันที่",
    "title": "ชื่อเรื่อง",
    "details": "รายละเอียด",
    "category": "หมวดหมู่ข้อมูล",
    "legal_basis": "ฐานทางกฎหมายในการเปิดเผย",
    "external_link": "ลิงก์ภายนอก",
    "remarks": "หมายเหตุ",
    "replaces": "แทนที่รายการที่เผยแพร่แล้ว เลขที่",
}
#: Shown only when the request gives them: an update of an item already published.
OPTIONAL_FIELDS = frozenset({"replaces"})
CONFIRMATION = "no_personal_data_confirmed"
#: The three sign-offs: (which step of the record, the block's label).
BLOCKS = (
    ("provider", "ผู้ให้ข้อมูล"),
    ("approve", "ผู้อนุมัติ"),
    ("publish", "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่"),
)

def _text(prop: Mapping[str, Any], name: str, value: Any) -> str:
    if value in (None, ""):
        return "-"
    if prop.get("oneOf"):
        return choice_options(prop).get(str(value), str(value))
    if prop.get("format") == "date" and isinstance(value, str):
        try:
            return format_thai_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _block(label: str, step: Signoff | None, office: OfficeIdentity) -> SignBlock:
    if step is None:
        return SignBlock(label)
    return SignBlock(label, step.signature(office.head_title), step.at)


def request_form_of(record: RequestRecord, office: OfficeIdentity) -> RequestForm:
    """The form's content from a request's record: its current data and its sign-offs."""
    schema = record.definition.start_form
    properties = schema.get("properties") or {}
    fields = []
    for name, fallback in FIELDS.items():
        if name in OPTIONAL_FIELDS and record.data.get(name) in (None, ""):
            continue
        prop = properties.get(name) or {}
        label = str(prop.get("title") or fallback)
        fields.append((label, _text(prop, name, record.data.get(name))))
    confirmation = None
    if CONFIRMATION in properties:
        confirmation = (str(properties[CONFIRMATION].get("title") or ""),
                        record.data.get(CONFIRMATION) is True)
    signoffs = {"provider": record.submitted, **{k: record.signed(k) for k in record.steps}}
    return RequestForm(
        instance_id=record.instance_id,
        title=str(schema.get("title") or FORM_TITLE),
        fields=fields,
        confirmation=confirmation,
        blocks=[_block(label, signoffs.get(key), office) for key, label in BLOCKS],
    )


def request_form_pdf(rt: Runtime, actor: Actor, instance_id: int) -> bytes:
    """The request form of a publishing case the actor may see; NotFound otherwise (also
    for cases of other processes, so the route never tells one from a missing case)."""
    with rt.db.read() as session:
        instance, _definition = visible_case(rt, session, actor, instance_id)
        if instance.process_key != PROCESS_KEY:
            raise NotFound(f"เรื่องเลขที่ {instance_id} ไม่ใช่คำขอเผยแพร่ข้อมูล / case "
                           f"{instance_id} is not a publishing request")
        form = request_form_of(read_record(rt, session, instance), rt.office)
    # Drawn after the read transaction: the PDF costs CPU, not database time.
    return render_request_form(rt.office, form)
