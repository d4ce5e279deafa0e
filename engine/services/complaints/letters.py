"""Letters govflow issues when a step completes, and telling the complainant the result.

Which step issues which letter is set in ``processes.toml`` (``[<process>.letters]``):
the notice of initial action to the accused or their unit (told after triage what was
decided) and the result notice to the complainant (told the result once the case is
resolved). The completing command decides the letter and queues it with its fields
sealed; the scheduler draws it from its template in
``processes/letters/`` with the office's identity and keeps it as an encrypted attachment
of the case, like the outbox does for mail. The result notice is also e-mailed to the
complainant when they gave an address; the message is sealed in the outbox.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.bpmn.definitions import Definition
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import GovflowError, InvalidData
from engine.core.models import LetterJob, OutboxMessage, ProcessInstance, TrackingCode, utcnow
from engine.core.personal_data import personal_fields
from engine.documents.letter_templates import fill_letter
from engine.documents.letters import render_letter
from engine.services.admin.signers import signature_for
from engine.services.complaints.letter_parts import (
    LetterParts,
    enclosure_names,
    letter_marks_of,
    reference_for,
)
from engine.services.inbox.attachments import may_open_files, store_attachment
from engine.services.registry.entries import (
    Letter,
    draw_outgoing_number,
    issue_outgoing_number,
)
from engine.thai.dates import format_thai_date
from engine.thai.workdays import BANGKOK
from engine.workflow.case import StepContext
from engine.workflow.case_access import visible_case
from engine.workflow.queues import backoff, claim_due_ids
from engine.workflow.runtime import Runtime

log = logging.getLogger(__name__)

#: Letters drawn per scheduler pass, and how long a claimed job is left to its drawer.
LETTER_BATCH = 20
CLAIM_FOR = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)

#: Who the complainant is in a letter or e-mail when they gave no name.
ANONYMOUS = "ผู้ร้องเรียน"

LETTER_FILENAMES = {
    "initial_action_notice": "หนังสือแจ้งการดำเนินการเบื้องต้น",
    "result_notice": "หนังสือแจ้งผลการดำเนินการ",
}


def complaint_outcome(data: Mapping[str, Any], reasons: Mapping[str, str]) -> str:
    """The outcome in Thai, as the complainant reads it (letter, e-mail, tracking page)."""
    outcome = data.get("screening_outcome")
    if outcome == "not_considered":
        reason = reasons.get(str(data.get("not_considered_reason")), "")
        return "ไม่รับไว้พิจารณา" + (f" เนื่องจาก{reason}" if reason else "")
    if outcome == "forward":
        return (f"ส่งเรื่องให้{data.get('forwarded_to') or data.get('forward_to')} "
                "ซึ่งมีอำนาจหน้าที่พิจารณาดำเนินการ")
    return "รับไว้พิจารณาและดำเนินการตามเรื่องร้องเรียนจนได้ข้อยุติแล้ว"


def _choice_titles(form: Mapping[str, Any], field: str) -> dict[str, str]:
    prop = form.get("properties", {}).get(field, {})
    return {str(o.get("const")): o.get("title", "") for o in prop.get("oneOf", [])}


@dataclass(frozen=True)
class LetterCase:
    """What a letter says about its case."""

    instance_id: int
    received_on: date
    tracking_code: str | None
    definition: Definition

    @property
    def reasons(self) -> dict[str, str]:
        return not_considered_reasons(self.definition)


def not_considered_reasons(definition: Definition) -> dict[str, str]:
    """The grounds for not considering a complaint, code → Thai title, from the triage form
    of the case's own version (the office keeps the list as data)."""
    return _choice_titles(definition.task_form("triage"), "not_considered_reason")


def _initial_action_fields(case: LetterCase, data: Mapping[str, Any],
                           personal: Mapping[str, Any]) -> dict[str, str]:
    if data.get("notice_to") == "accused":
        name = personal.get("accused_name")
        recipient = f"{name} {personal.get('accused_position') or ''}".strip() if name else ""
        missing = "ไม่มีชื่อผู้ถูกร้องเรียนในเรื่องนี้ เลือกแจ้งผู้บังคับบัญชาของหน่วยงานแทน"
    else:
        unit = personal.get("accused_unit")
        recipient = f"ผู้อำนวยการ{unit}" if unit else ""
        missing = "ไม่มีหน่วยงานของผู้ถูกร้องเรียนในเรื่องนี้ เลือกแจ้งผู้ถูกร้องเรียนแทน"
    if not recipient:
        raise InvalidData("ออกหนังสือแจ้งการดำเนินการเบื้องต้นไม่ได้ / the notice has no "
                          "recipient", {"notice_to": missing})
    return {
        "recipient": recipient,
        "case_number": str(case.instance_id),
        "received_on": format_thai_date(case.received_on),
        "director_order": str(data.get("director_instruction") or "-"),
        "action": str(data.get("initial_action_note") or "-"),
    }


def _result_fields(case: LetterCase, data: Mapping[str, Any],
                   personal: Mapping[str, Any]) -> dict[str, str]:
    return {
        "recipient": personal.get("complainant_name") or ANONYMOUS,
        "case_number": str(case.instance_id),
        "tracking_code": case.tracking_code or "",
        "received_on": format_thai_date(case.received_on),
        "outcome": complaint_outcome(data, case.reasons),
        "result_summary": str(data.get("result_message") or "-"),
    }


_instance = cast(Table, ProcessInstance.__table__)
_tracking = cast(Table, TrackingCode.__table__)
_job = cast(Table, LetterJob.__table__)
#: A letter step's statements, built once (Core: the step writes and never reads back).
_PERSONAL_AND_CODE = (
    select(_instance.c.personal_data, _tracking.c.code)
    .select_from(_instance.outerjoin(_tracking, _tracking.c.instance_id == _instance.c.id))
    .where(_instance.c.id == bindparam("iid"))
)
_INSERT_JOB = insert(_job).returning(_job.c.id)

FieldBuilder = Callable[[LetterCase, Mapping[str, Any], Mapping[str, Any]], dict[str, str]]
FIELDS: dict[str, FieldBuilder] = {
    "initial_action_notice": _initial_action_fields,
    "result_notice": _result_fields,
}


def issue_letter(step: StepContext) -> int:
    """Issue the letter the process settings name for the step just completed (one of the
    process's ``letters`` steps); return its job id.

    In the completing command's transaction the letter is decided, checked against its
    template (a field it lacks refuses the step and changes nothing), given the next
    number of the ทะเบียนหนังสือส่ง and its signer as they stand today, and queued with
    its fields, marks, enclosures and reference sealed; the scheduler draws the PDF
    (:func:`draw_pending_letters`).
    """
    rt, session, running, data, now = step.rt, step.session, step.case, step.data, step.now
    kind = running.definition.bundle.letters[step.bpmn_id]
    received_on = running.instance.received_on
    assert received_on is not None, "start_case gives every case its received day"
    instance_id = running.instance.id
    conn = session.connection()
    sealed, tracking_code = conn.execute(_PERSONAL_AND_CODE, {"iid": instance_id}).one()
    personal = rt.cipher.decrypt(sealed)
    case = LetterCase(instance_id, received_on, tracking_code, running.definition)
    fields = FIELDS[kind](case, data, personal)
    filled = fill_letter(rt.office, kind, fields, processes_dir=rt.settings.processes_dir)
    urgency, secrecy = letter_marks_of(data)
    issued_on = now.astimezone(BANGKOK).date()
    parts = LetterParts(
        signature=signature_for(session, rt.office, issued_on),
        enclosures=enclosure_names(rt, session, step.actor, instance_id, kind, data,
                                   personal),
        reference=reference_for(session, kind, instance_id, received_on),
    )
    # The number first, so the job is written with it and its register entry can name it.
    number = draw_outgoing_number(session, issued_on)
    job_id = conn.execute(_INSERT_JOB, {
        "instance_id": instance_id, "kind": kind, "issued_on": issued_on,
        "letter_number": str(number),
        "urgency": urgency, "secrecy": secrecy, "sealed": rt.cipher.encrypt(fields),
        "sealed_parts": rt.cipher.encrypt(parts.sealable()),
        "created_at": now, "next_attempt_at": now}).scalar_one()
    numbered = issue_outgoing_number(session, rt.cipher, Letter(
        subject=filled.subject, party=fields["recipient"], letter_kind=kind,
        instance_id=instance_id, confidential=bool(personal_fields(running.instance.process_key)),
        letter_job_id=job_id), on=issued_on, actor=step.actor, number=number)
    record(session, step.actor, "letter_issued", instance_id=instance_id, letter=kind,
           letter_job=job_id, letter_number=numbered.label,
           enclosures=len(parts.enclosures))
    if kind == "result_notice" and personal.get("complainant_email"):
        _email_result(rt, session, case, data, personal)
    return job_id


def draw_pending_letters(rt: Runtime) -> tuple[int, int]:
    """Draw the queued letters and keep each as an attachment of its case; return
    (drawn, failed). A job is claimed first, so two schedulers never draw the same one;
    the drawing happens outside any transaction. A job that cannot be drawn (a template
    broken since the step, fields that no longer open) is marked failed and backed off;
    it never stops the jobs after it."""
    drawn = failed = 0
    for job_id in _claim(rt):
        try:
            drawn += _draw(rt, job_id)
        except Exception as exc:  # noqa: BLE001 - one letter must never stop the others
            failed += 1
            _failed(rt, job_id, exc)
    return drawn, failed


def _draw(rt: Runtime, job_id: int) -> int:
    with rt.db.read() as session:
        job = session.get_one(LetterJob, job_id)
        kind, instance_id, issued_on = job.kind, job.instance_id, job.issued_on
        number, fields = job.letter_number, rt.cipher.decrypt(job.sealed)
        urgency, secrecy = job.urgency, job.secrecy
        parts = LetterParts.unsealed(rt.cipher.decrypt(job.sealed_parts))
    pdf = render_letter(rt.office, kind, fields, issued_on=issued_on, letter_number=number,
                        signature=parts.signature, urgency=urgency, secrecy=secrecy,
                        enclosures=parts.enclosures, reference=parts.reference,
                        processes_dir=rt.settings.processes_dir)
    return _keep(rt, job_id, instance_id, kind, pdf)


def pending_letters(rt: Runtime, actor: Actor, instance_id: int) -> list[str]:
    """The names of the case's letters still being drawn, for those who may open them."""
    with rt.db.read() as session:
        instance, _definition = visible_case(rt, session, actor, instance_id)
        if not may_open_files(actor, instance):
            return []
        kinds = session.scalars(select(LetterJob.kind).where(
            LetterJob.instance_id == instance_id, LetterJob.done_at.is_(None))
            .order_by(LetterJob.id))
        return [LETTER_FILENAMES.get(kind, kind) for kind in kinds]


def _claim(rt: Runtime) -> list[int]:
    return claim_due_ids(rt, LetterJob, LetterJob.done_at.is_(None), limit=LETTER_BATCH,
                         hold=CLAIM_FOR)


def _keep(rt: Runtime, job_id: int, instance_id: int, kind: str, pdf: bytes) -> int:
    with rt.db.write() as session:
        done = cast(CursorResult[Any], session.execute(update(LetterJob).where(
            LetterJob.id == job_id, LetterJob.done_at.is_(None)).values(done_at=utcnow())))
        if done.rowcount != 1:  # drawn meanwhile by a scheduler whose claim had lapsed
            return 0
        name = f"{LETTER_FILENAMES.get(kind, kind)} เรื่องเลขที่ {instance_id}.pdf"
        view = store_attachment(rt, session, None, instance_id, name, "application/pdf", pdf,
                                kind="letter")
        session.execute(update(LetterJob).where(LetterJob.id == job_id)
                        .values(attachment_id=view["id"]))
        return 1


#: What ``last_error`` says after the exception's type: a fixed phrase, because an
#: exception's own text may quote a letter's field (a name, an address).
CANNOT_DRAW = "the letter cannot be drawn (its template or its fields); retried later"


def _reason(exc: Exception) -> str:
    # govflow's own template errors name the template and the placeholder to fix, never
    # a field's value; any other exception is named by its type only.
    if isinstance(exc, GovflowError):
        return exc.message[:500]
    return f"{type(exc).__name__}: {CANNOT_DRAW}"


def _failed(rt: Runtime, job_id: int, exc: Exception) -> None:
    now = utcnow()
    with rt.db.write() as session:
        job = session.get_one(LetterJob, job_id)
        job.attempts += 1
        job.last_error, job.failed_at = _reason(exc), now
        job.next_attempt_at = now + backoff(job.attempts, CLAIM_FOR, MAX_RETRY)
    # The job only: the exception's text may quote a field.
    log.warning("letter job %s could not be drawn (%s); retrying later", job_id,
                type(exc).__name__)


def _email_result(rt: Runtime, session: Session, case: LetterCase, data: Mapping[str, Any],
                  personal: Mapping[str, Any]) -> None:
    """Queue the result for the complainant; address and text are sealed in the outbox."""
    instance_id = case.instance_id
    office = rt.office
    lines = [
        f"เรียน {personal.get('complainant_name') or ANONYMOUS}",
        "",
        f"ตามที่ท่านได้ร้องเรียนต่อ{office.name} เรื่องเลขที่ {instance_id} "
        f"ซึ่งได้รับไว้เมื่อวันที่ {format_thai_date(case.received_on)}",
        f"ผลการพิจารณา: {complaint_outcome(data, case.reasons)}",
        f"ผลการดำเนินการ: {data.get('result_message') or '-'}",
        "",
    ]
    if case.tracking_code:
        lines.append(f"ท่านดูสถานะได้ที่ {rt.settings.public_url.rstrip('/')}/track "
                     f"ด้วยรหัสติดตามเรื่อง {case.tracking_code} และรหัสลับที่ได้รับเมื่อยื่นเรื่อง")
    lines += ["", office.name, f"กลุ่มกฎหมายและคดี โทร {office.phone}",
              "ข้อมูลส่วนบุคคลของท่านได้รับการเก็บรักษาเป็นความลับ"]
    session.add(OutboxMessage(
        message_id=f"<result-{instance_id}.{secrets.token_hex(6)}@govflow>",
        recipient=f"{ANONYMOUS} เรื่องเลขที่ {instance_id}",
        subject=f"แจ้งผลการดำเนินการเรื่องร้องเรียน เลขที่ {instance_id}",
        body="(เข้ารหัสไว้ / sealed)",
        sealed=rt.cipher.encrypt({"recipient": personal["complainant_email"],
                                  "body": "\n".join(lines)}),
    ))
