"""Who read complaint personal data: the Director's view of the audit log (PDPA:
every read of a complainant's or an accused person's personal data is recorded).

Every read of a complainant's or an accused person's data is already an audit event
(``engine.core.audit.record``). This module lists those events for the Director, newest
first, and records each listing in the audit log too, since the list itself says who
looked at which case.

To make a new kind of read show here (e.g. opening a letter that names the
complainant), record it with ``engine.core.audit.record(..., instance_id=case_id)`` under an
action name of its own and add that name to :data:`PERSONAL_DATA_READS`, with a Thai
label in ``webui/privacy.py``. Nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, InvalidData
from engine.core.models import MAX_DB_INT, Attachment, AuditEvent, valid_id
from engine.services.inbox.attachments import shown_filename
from engine.thai.dates import DateEntryError, parse_date_entry
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

#: The audit actions that are reads of complaint personal data. The one list: add to it
#: when a new read is audited (see the module docstring).
PERSONAL_DATA_READS: frozenset[str] = frozenset({
    "personal_data_read",  # the case's personal data shown (engine/services/inbox/instances.py)
    "attachment_read",  # a complaint's file opened (engine/services/inbox/attachments.py)
    # A search by complainants' or accused persons' names: who, when and how many cases
    # it found, never the term (engine/services/search/cases.py).
    "personal_data_searched",
    # The letter registers listed with complaint letters' rows, whose other party is the
    # complainant or the accused (engine/services/registry/listing.py).
    "letter_register_read",
})
#: Only the Director oversees who reads personal data (an acting Director included).
READER_ROLE = "director"
#: The audit action this module records when the Director lists the reads.
LISTED_ACTION = "personal_data_reads_listed"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class ReadFilters:
    """Which reads to list: all given conditions must hold; dates are Bangkok dates."""

    instance_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    username: str | None = None


def filters_from(args: Mapping[str, str]) -> ReadFilters:
    """Filters from query parameters ``instance_id``, ``date_from``, ``date_to`` and
    ``username``; every bad one is named in one InvalidData."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    raw_case = (args.get("instance_id") or "").strip().lstrip("#")
    if raw_case:
        if raw_case.isdecimal() and valid_id(int(raw_case)):
            values["instance_id"] = int(raw_case)
        else:
            problems["instance_id"] = "เลขที่เรื่องต้องเป็นตัวเลข เช่น 12 / a case number, e.g. 12"
    for name in ("date_from", "date_to"):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        try:
            # วว/ดด/ปปปป in the Buddhist Era, or ISO in the Common Era; never guessed.
            values[name] = parse_date_entry(raw)
        except DateEntryError as error:
            problems[name] = str(error)
    if values.get("date_from") and values.get("date_to") and \
            values["date_from"] > values["date_to"]:
        problems["date_to"] = ("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น / the end date is before "
                               "the start date")
    username = (args.get("username") or "").strip()
    if len(username) > 80:
        problems["username"] = "ชื่อผู้ใช้ยาวเกิน 80 ตัวอักษร / longer than 80 characters"
    elif username:
        values["username"] = username
    if problems:
        raise InvalidData("ตัวกรองไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ / some filters are not valid",
                          problems)
    return ReadFilters(**values)


def require_reader(actor: Actor) -> None:
    """Forbidden unless the actor is the Director (callers check this before parsing input)."""
    if READER_ROLE not in actor.roles:
        raise Forbidden("บันทึกการเข้าถึงข้อมูลส่วนบุคคลดูได้เฉพาะผู้อำนวยการ สพป. / only the "
                        "Director may see who read personal data")


def _where(query: Select[Any], filters: ReadFilters) -> Select[Any]:
    query = query.where(AuditEvent.action.in_(sorted(PERSONAL_DATA_READS)))
    if filters.instance_id is not None:
        query = query.where(AuditEvent.instance_id == filters.instance_id)
    if filters.date_from is not None:
        start = datetime.combine(filters.date_from, time(0), BANGKOK)
        query = query.where(AuditEvent.at >= start)
    if filters.date_to is not None:
        # The whole Bangkok day: up to, not including, the next midnight.
        end = datetime.combine(filters.date_to + timedelta(days=1), time(0), BANGKOK)
        query = query.where(AuditEvent.at < end)
    if filters.username:
        query = query.where(func.lower(AuditEvent.actor_name) == filters.username.lower())
    return query


def _read_view(event: AuditEvent, filenames: Mapping[int, str]) -> dict[str, Any]:
    detail = event.detail or {}
    attachment_id = detail.get("attachment_id")
    return {
        "id": event.id,
        "at": iso(event.at),
        "username": event.actor_name,
        "display_name": event.actor_display,
        "acting_for": event.acting_for,
        "instance_id": event.instance_id,
        "action": event.action,
        # Field names only: the audit log never holds the values.
        "fields": [str(f) for f in detail.get("fields") or []],
        # How many cases a search by names found (None for a read of one case).
        "results": detail.get("results"),
        "attachment": None if attachment_id is None else {
            "id": attachment_id, "filename": filenames.get(attachment_id)},
    }


def list_reads(rt: Runtime, actor: Actor, filters: ReadFilters | None = None, *,
               limit: int = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    """Reads of complaint personal data, newest first: who, when, which case, what.

    Only the Director may call it; each call is itself recorded in the audit log.
    Returns ``reads``, ``total`` (matching reads), ``limit`` and ``offset``.
    """
    require_reader(actor)
    filters = filters or ReadFilters()
    if not 1 <= limit <= MAX_PAGE_SIZE or not 0 <= offset <= MAX_DB_INT:
        raise InvalidData(f"limit ต้องอยู่ระหว่าง 1–{MAX_PAGE_SIZE} และ offset ไม่ติดลบ / limit "
                          f"must be 1–{MAX_PAGE_SIZE} and offset not negative",
                          {"limit": f"1–{MAX_PAGE_SIZE}", "offset": f"0–{MAX_DB_INT}"})
    with rt.db.write() as session:
        total = session.scalar(_where(select(func.count(AuditEvent.id)), filters)) or 0
        events = list(session.scalars(
            _where(select(AuditEvent), filters)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit).offset(offset)))
        wanted = {e.detail.get("attachment_id") for e in events if e.detail}
        wanted.discard(None)
        # The Director reads this log and may open the files: their real names.
        filenames = {a.id: shown_filename(rt, actor, a) for a in session.scalars(
            select(Attachment).where(Attachment.id.in_(wanted)))} if wanted else {}
        # The filter's case goes in the detail, not instance_id: the listing is not an
        # event of that case's history, and the number may not even exist.
        shown_filters: dict[str, Any] = {k: v.isoformat() if isinstance(v, date) else v
                                         for k, v in asdict(filters).items() if v is not None}
        record(session, actor, LISTED_ACTION, shown=len(events), total=total, offset=offset,
               **shown_filters)
        return {"reads": [_read_view(e, filenames) for e in events], "total": total,
                "limit": limit, "offset": offset}
