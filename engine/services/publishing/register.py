"""The publication log (the evidence that each
request went through the publishing steps): per publishing request, who asked, who approved,
checked, decided and published it, when, and how it ended.

Everything comes from the audit log, which records each completed step with who did it
and whether they did it for a role held by appointment (รักษาราชการแทน or
ปฏิบัติราชการแทน), and from the values each step recorded. Which step is the approval,
the check, the decision and the publication is read from the version itself: the lane
role of each user task (``processes.toml``) and its ``publication_step``. A request
returned and resubmitted goes round again; the log shows the latest round, the one that
was published, returned, rejected or is still open.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.definitions import Definition
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, InvalidData
from engine.core.models import AuditEvent, ProcessInstance, Publication, Task, Unit, User
from engine.core.roles import ROLES
from engine.core.statuses import InstanceStatus, TaskStatus
from engine.documents.signature import CAPACITY_WORDS, Capacity, Signature
from engine.documents.spreadsheet import csv_writer
from engine.services.admin.signers import HEAD_ROLE, appointment_kind_at
from engine.services.publishing.notices import decision_title
from engine.thai.dates import (
    DateEntryError,
    format_thai_date,
    format_thai_datetime,
    parse_date_entry,
)
from engine.thai.workdays import BANGKOK
from engine.workflow.cases import case_workflow, submitted_values
from engine.workflow.runner import case_data
from engine.workflow.runtime import Runtime

PROCESS_KEY = "publishing"
LOG_ROLES = frozenset({"web_admin", "ict_head", "director"})
#: The sign-offs of a request, in the order they happen.
KINDS = ("approve", "check", "decide", "publish")
#: Which lane role does each sign-off; the web administrator's other step is the publication.
KIND_ROLES = {"approve": "director", "check": "web_admin", "decide": "ict_head"}
OUTCOMES = ("published", "superseded", "taken_down", "returned", "rejected", "withdrawn",
            "in_progress")
OUTCOME_TH = {
    "published": "เผยแพร่แล้ว",
    "superseded": "เผยแพร่แล้ว (มีฉบับปรับปรุงแทน)",
    "taken_down": "เผยแพร่แล้ว และถอนออกจากเว็บไซต์ภายหลัง",
    "returned": "ส่งคืนแก้ไข",
    "rejected": "ไม่อนุญาต",
    "withdrawn": "ถอนเรื่อง",
    "in_progress": "อยู่ระหว่างดำเนินการ",
}


@dataclass(frozen=True)
class Signoff:
    """One person's step on a request, as the audit log recorded it."""

    name: str
    username: str
    position: str
    at: datetime
    #: The role held by appointment when they did it, if any.
    acting_for: str | None = None
    #: The Thai title of the choice they made ("อนุมัติ", "ส่งคืน"…); "" if none.
    decision: str = ""
    #: How they held ``acting_for``: "acting" (รักษาราชการแทน) or "delegated"
    #: (ปฏิบัติราชการแทน).
    acting_kind: Capacity = "acting"

    @property
    def capacity_word(self) -> str:
        """"รักษาราชการแทน" / "ปฏิบัติราชการแทน" for a role held by appointment, else ""."""
        return CAPACITY_WORDS[self.acting_kind] if self.acting_for else ""

    @property
    def acting_text(self) -> str:
        """"รักษาราชการแทน ผู้อำนวยการ สพป." (the role's short name, for the log), else ""."""
        if not self.acting_for:
            return ""
        return f"{self.capacity_word} {ROLES.get(self.acting_for, self.acting_for)}"

    def signature(self, head_title: str) -> Signature:
        """What the request form prints under the signature: for the head's role the capacity
        line names the head's full title (``office.head_title``), never its abbreviation."""
        if not self.acting_for:
            return Signature(name=self.name, position=self.position)
        title = (head_title if self.acting_for == HEAD_ROLE
                 else ROLES.get(self.acting_for, self.acting_for))
        return Signature(name=self.name, position=self.position, capacity=self.acting_kind,
                         for_title=title)

    @property
    def signed_name(self) -> str:
        return f"{self.name} ({self.acting_text})" if self.acting_for else self.name


@dataclass(frozen=True)
class StepKinds:
    """The user task of each sign-off in one version, and the owner's revision step."""

    by_step: dict[str, str]
    revise: str | None

    @classmethod
    def of(cls, bundle: ProcessBundle) -> StepKinds:
        tasks = bundle.tasks
        publish = bundle.publication_step
        by_step = {publish: "publish"} if publish is not None and publish in tasks else {}
        for kind, role in KIND_ROLES.items():
            step = next((sid for sid, rule in tasks.items()
                         if rule.role == role and sid not in by_step), None)
            if step is not None:
                by_step[step] = kind
        start_role = bundle.start_role
        revise = next((sid for sid, rule in tasks.items()
                       if start_role and rule.role == start_role), None)
        return cls(by_step, revise)


@dataclass
class RequestRecord:
    """A publishing request's latest round, for the log and the request form's sign-offs."""

    instance_id: int
    title: str
    unit: str
    definition: Definition
    data: dict[str, Any]
    #: Who started the request, and when.
    requester: Signoff | None
    #: Who submitted the version now on file (the start, or the latest resubmission).
    submitted: Signoff | None
    #: The latest round's sign-offs by kind (KINDS), including the one that sent it back.
    steps: dict[str, Signoff] = field(default_factory=dict)
    #: The kind of the step that sent the latest round back to the owner, if one did.
    returned_by: str | None = None
    outcome: str = "in_progress"

    @property
    def outcome_th(self) -> str:
        return OUTCOME_TH[self.outcome]

    def signed(self, kind: str) -> Signoff | None:
        """The sign-off of ``kind`` if it let the request go on (a return signs nothing)."""
        return None if kind == self.returned_by else self.steps.get(kind)

    @property
    def finished_at(self) -> datetime | None:
        published = self.steps.get("publish")
        return published.at if published is not None and self.outcome == "published" else None


#: Cases per query when the log reads its facts in batches (well under every backend's
#: limit on bound parameters).
BATCH = 500


@dataclass
class LogFacts:
    """What the records of many requests read from the database, read once for all of
    them (a query per kind of fact and batch, not five per request)."""

    events: dict[int, list[tuple[AuditEvent, str | None]]] = field(default_factory=dict)
    positions: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    #: The public item's status, for requests that published one.
    published: dict[int, str] = field(default_factory=dict)
    #: The BPMN ids of the open steps, per case.
    waiting: dict[int, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session, instances: list[ProcessInstance]) -> LogFacts:
        facts = cls()
        for at in range(0, len(instances), BATCH):
            facts._add(session, instances[at:at + BATCH])
        return facts

    def _add(self, session: Session, instances: list[ProcessInstance]) -> None:
        ids = [instance.id for instance in instances]
        for iid in ids:
            self.events.setdefault(iid, [])
            self.waiting.setdefault(iid, set())
        rows = session.execute(
            select(AuditEvent, Task.bpmn_id)
            .outerjoin(Task, Task.id == AuditEvent.task_id)
            .where(AuditEvent.instance_id.in_(ids),
                   AuditEvent.action.in_(("instance_started", "task_completed")))
            .order_by(AuditEvent.id)
        ).all()
        for event, bpmn_id in rows:
            self.events[event.instance_id or 0].append((event, bpmn_id))
        actors = {event.actor_id for event, _ in rows
                  if event.actor_id is not None} - self.positions.keys()
        if actors:
            self.positions.update(session.execute(
                select(User.id, User.position).where(User.id.in_(actors))).tuples().all())
        units = {i.unit_id for i in instances if i.unit_id is not None} - self.units.keys()
        if units:
            self.units.update(session.execute(
                select(Unit.id, Unit.name).where(Unit.id.in_(units))).tuples().all())
        self.published.update(session.execute(
            select(Publication.instance_id, Publication.status)
            .where(Publication.instance_id.in_(ids))).tuples().all())
        for iid, bpmn_id in session.execute(
                select(Task.instance_id, Task.bpmn_id)
                .where(Task.instance_id.in_(ids), Task.state == TaskStatus.OPEN)).tuples():
            self.waiting[iid].add(bpmn_id)


def _acting_kind(session: Session, event: AuditEvent) -> Capacity:
    """The kind of appointment the event was done under, as the event recorded it; an event
    from before events said so is matched to the appointments of its day."""
    recorded = (event.detail or {}).get("acting_kind")
    if recorded == "delegated" or recorded == "acting":
        return recorded
    if not event.acting_for:
        return "acting"
    return appointment_kind_at(session, event.actor_id, event.acting_for, event.at)


def read_record(rt: Runtime, session: Session, instance: ProcessInstance,
                facts: LogFacts | None = None) -> RequestRecord:
    """The request's record from the audit log and the values its steps recorded;
    ``facts`` read beforehand for many requests at once (:meth:`LogFacts.read`)."""
    if facts is None:
        facts = LogFacts.read(session, [instance])
    definition = rt.definitions.by_id(session, instance.version_id)
    kinds = StepKinds.of(definition.bundle)
    workflow = case_workflow(rt, session, instance.id)
    data = case_data(workflow)
    events = facts.events[instance.id]
    positions = facts.positions

    def signoff(event: AuditEvent, decision: str = "") -> Signoff:
        return Signoff(name=event.actor_display or event.actor_name,
                       username=event.actor_name,
                       position=positions.get(event.actor_id or 0, ""),
                       at=event.at, acting_for=event.acting_for, decision=decision,
                       acting_kind=_acting_kind(session, event))

    # The unit the request names, else the requester's unit on record.
    unit = data.get("unit") or facts.units.get(instance.unit_id or 0) or ""
    title = data.get(definition.bundle.title_field or "title")
    out = RequestRecord(instance.id, title if isinstance(title, str) and title
                        else instance.title, str(unit), definition, data, None, None)
    completions = [(e, step) for e, step in events if e.action == "task_completed"]
    last_kind: str | None = None
    for event, step in events:
        if event.action == "instance_started":
            out.requester = out.submitted = signoff(event)
            continue
        if step == kinds.revise:
            withdrawn = instance.status == InstanceStatus.COMPLETED and event is completions[-1][0]
            if not withdrawn:  # resubmitted: a new round starts from this version
                out.submitted, out.steps, last_kind = signoff(event), {}, None
            continue
        kind = kinds.by_step.get(step or "")
        if kind is None:
            continue
        values = submitted_values(workflow, event.task_id, (event.detail or {}).get("fields"))
        out.steps[kind] = signoff(event, decision_title(definition.task_form(step or ""),
                                                        values))
        last_kind = kind
    out.outcome, out.returned_by = _outcome(facts, instance, kinds, out.steps, last_kind)
    return out


def _outcome(facts: LogFacts, instance: ProcessInstance, kinds: StepKinds,
             steps: dict[str, Signoff], last_kind: str | None) -> tuple[str, str | None]:
    """(outcome, the kind of step that sent the round back, if one did)."""
    if instance.status == InstanceStatus.COMPLETED:
        if "publish" in steps:
            # What became of the item since: replaced by a newer request, or taken down.
            status = facts.published.get(instance.id)
            return {"superseded": "superseded", "withdrawn": "taken_down"}.get(
                status or "", "published"), None
        return "withdrawn", last_kind
    waiting = facts.waiting[instance.id]
    if kinds.revise in waiting and last_kind is not None:
        # The ICT head's "not approved" is a rejection; the others send it back to correct.
        return ("rejected" if last_kind == "decide" else "returned"), last_kind
    return "in_progress", None


# ---- the log over a period --------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Requests made from ``start`` to ``end`` inclusive (Bangkok dates; None: open)."""

    start: date | None = None
    end: date | None = None

    @property
    def title(self) -> str:
        if self.start and self.end:
            return f"ตั้งแต่ {format_thai_date(self.start)} ถึง {format_thai_date(self.end)}"
        if self.start:
            return f"ตั้งแต่ {format_thai_date(self.start)}"
        if self.end:
            return f"จนถึง {format_thai_date(self.end)}"
        return "ทุกช่วงเวลา"


def period_from(date_from: str | None, date_to: str | None) -> Period:
    """The period from two typed dates (either may be empty); every bad one is named."""
    problems: dict[str, str] = {}
    values: dict[str, date] = {}
    for name, raw in (("date_from", date_from), ("date_to", date_to)):
        text = (raw or "").strip()
        if not text:
            continue
        try:
            # วว/ดด/ปปปป in the Buddhist Era, or ISO in the Common Era; never guessed.
            values[name] = parse_date_entry(text)
        except DateEntryError as error:
            problems[name] = str(error)
    start, end = values.get("date_from"), values.get("date_to")
    if start and end and start > end:
        problems["date_to"] = ("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น / the end date is before the "
                               "start date")
    if problems:
        raise InvalidData("ช่วงวันที่ไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ / the date range is not "
                          "valid", problems)
    return Period(start, end)


@dataclass
class PublicationLog:
    period: Period
    records: list[RequestRecord]

    @property
    def title(self) -> str:
        return f"ทะเบียนการเผยแพร่ข้อมูลผ่านเว็บไซต์ ({self.period.title})"


def require_reader(actor: Actor) -> None:
    if actor.roles.isdisjoint(LOG_ROLES):
        raise Forbidden("ทะเบียนการเผยแพร่ข้อมูลสำหรับเจ้าหน้าที่ดูแลเว็บไซต์ ผู้อำนวยการกลุ่ม ICT "
                        "และผู้อำนวยการ สพป. / for web administrators, the head of ICT and "
                        "the Director")


def publication_log(rt: Runtime, actor: Actor | None, period: Period) -> PublicationLog:
    """Every publishing request made in ``period`` (oldest first); ``actor`` None is the
    command line. The listing is recorded in the audit log, like the complaints report."""
    if actor is not None:
        require_reader(actor)
    query = select(ProcessInstance).where(ProcessInstance.process_key == PROCESS_KEY)
    if period.start is not None:
        query = query.where(ProcessInstance.created_at >= datetime.combine(
            period.start, time(0), BANGKOK))
    if period.end is not None:
        # The whole Bangkok day: up to, not including, the next midnight.
        query = query.where(ProcessInstance.created_at < datetime.combine(
            period.end + timedelta(days=1), time(0), BANGKOK))
    with rt.db.write() as session:
        instances = session.scalars(
            query.order_by(ProcessInstance.created_at, ProcessInstance.id)).all()
        facts = LogFacts.read(session, list(instances))
        records = [read_record(rt, session, instance, facts) for instance in instances]
        record(session, actor, "report_generated", report="publications",
               date_from=period.start.isoformat() if period.start else None,
               date_to=period.end.isoformat() if period.end else None, cases=len(records))
    return PublicationLog(period, records)


# ---- the log as a table (page, CSV) -----------------------------------------------------

#: Per sign-off: who (with รักษาราชการแทน), their position, when, and what they decided
#: (the publication decides nothing: it happens).
SIGNOFF_COLUMNS: dict[str, tuple[str, ...]] = {
    "approve": ("ผู้อนุมัติ (ผู้อำนวยการ สพป.)", "ตำแหน่งผู้อนุมัติ", "วันเวลาที่พิจารณาอนุมัติ",
                "ผลการพิจารณาอนุมัติ"),
    "check": ("ผู้ตรวจสอบ (เจ้าหน้าที่ดูแลเว็บไซต์)", "ตำแหน่งผู้ตรวจสอบ", "วันเวลาที่ตรวจสอบ",
              "ผลการตรวจสอบ"),
    "decide": ("ผู้พิจารณา (ผู้อำนวยการกลุ่ม ICT)", "ตำแหน่งผู้พิจารณา", "วันเวลาที่พิจารณา",
               "ผลการพิจารณา"),
    "publish": ("ผู้นำข้อมูลขึ้นเผยแพร่", "ตำแหน่งผู้นำข้อมูลขึ้นเผยแพร่", "วันเวลาที่เผยแพร่"),
}
LOG_COLUMNS: tuple[str, ...] = (
    "เลขที่", "ชื่อเรื่อง", "หน่วยงาน", "ผู้ขอเผยแพร่", "ตำแหน่งผู้ขอเผยแพร่", "วันเวลาที่ขอ",
    *(heading for kind in KINDS for heading in SIGNOFF_COLUMNS[kind]),
    "ผลลัพธ์",
)


def _when(moment: datetime | None) -> str:
    return format_thai_datetime(moment) if moment is not None else ""


def _cells(step: Signoff | None, width: int) -> list[str]:
    if step is None:
        return [""] * width
    return [step.signed_name, step.position, _when(step.at), step.decision][:width]


def log_rows(log: PublicationLog) -> list[list[str]]:
    """One row per request under LOG_COLUMNS; dates and times in the Buddhist Era."""
    rows = []
    for rec in log.records:
        row = [str(rec.instance_id), rec.title, rec.unit, *_cells(rec.requester, 3)]
        for kind in KINDS:
            row += _cells(rec.steps.get(kind), len(SIGNOFF_COLUMNS[kind]))
        row.append(rec.outcome_th)
        rows.append(row)
    return rows


def log_csv(log: PublicationLog) -> str:
    """The log as CSV text; written to a file or sent, it gets a byte-order mark
    (:func:`log_csv_bytes`) so spreadsheet programs read the Thai."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([log.title])
    writer.writerow(LOG_COLUMNS)
    writer.writerows(log_rows(log))
    return out.getvalue()


def log_csv_bytes(log: PublicationLog) -> bytes:
    return ("\ufeff" + log_csv(log)).encode("utf-8")


def log_filename(period: Period) -> str:
    parts = [p.isoformat() for p in (period.start, period.end) if p is not None]
    return "publications" + "".join(f"-{p}" for p in parts) + ".csv"
