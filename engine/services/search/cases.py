"""Case search (ค้นหาเรื่อง) and one's own requests (เรื่องที่ฉันยื่น).

Both see exactly the cases a case page would show (``visible_instances``, the same rule
as ``may_see_instance``), filtered, counted and paged in the database.

A search by names of complainants or accused is for the roles that may read personal
data. It goes through the blind index (engine/core/name_index.py), so no name is
decrypted to search; only the rows shown, at most one page, are decrypted to show who
matched. The search itself goes into the privacy log (who, when, how many results,
never the term), and each row shown with names is a read of that case's personal data,
recorded as the case page records one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, InvalidData
from engine.core.models import MAX_DB_INT, ProcessInstance, Task, TrackingCode
from engine.core.name_index import NAME_FIELDS, name_match_subquery, name_matches
from engine.core.personal_data import PERSONAL_FIELDS, may_read_personal_data
from engine.core.statuses import TaskStatus
from engine.core.text_search import CASE_TITLES, is_indexed_term, matching, terms_of
from engine.services.search.filters import CaseFilters
from engine.thai.workdays import BANGKOK
from engine.workflow.access import visible_instances
from engine.workflow.case_access import visible_case
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: Words shorter than a trigram cannot use the index: such a search reads at most this
#: many of the newest cases the other conditions leave (and says so).
SHORT_TERM_SCAN = 2000
#: The audit action of a search by names (listed in the privacy log).
NAMES_SEARCHED = "personal_data_searched"
#: The audit action of a read of personal data (the case page's own).
PERSONAL_DATA_READ = "personal_data_read"


def may_read_subject(roles: frozenset[str] | set[str], process_key: str) -> bool:
    """A complaint's subject is the complainant's own words: only the roles that may read
    personal data read it (or find a case by it). Other processes' titles are open to
    whoever sees the case."""
    return process_key not in PERSONAL_FIELDS or may_read_personal_data(roles)


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE or not 0 <= offset <= MAX_DB_INT:
        raise InvalidData(
            f"limit ต้องอยู่ระหว่าง 1–{MAX_PAGE_SIZE} และ offset ไม่ติดลบ / limit must be "
            f"1–{MAX_PAGE_SIZE} and offset not negative",
            {"limit": f"1–{MAX_PAGE_SIZE}", "offset": f"0–{MAX_DB_INT}"})


def _require_name_reader(actor: Actor) -> None:
    if not may_read_personal_data(actor.roles):
        raise Forbidden("ค้นหาด้วยชื่อผู้ร้องเรียนหรือผู้ถูกร้องเรียนได้เฉพาะกลุ่มกฎหมายและคดีและ"
                        "ผู้อำนวยการ สพป. / only Legal Affairs and the Director may search by "
                        "the names in a complaint")


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time(0), BANGKOK)


def _date_conditions(filters: CaseFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    start, end = filters.date_from, filters.date_to
    if filters.date_field == "received":
        if start:
            where.append(ProcessInstance.received_on >= start)
        if end:
            where.append(ProcessInstance.received_on <= end)
    else:
        if start:
            where.append(ProcessInstance.created_at >= _day_start(start))
        if end:  # the whole Bangkok day
            where.append(ProcessInstance.created_at < _day_start(end + timedelta(days=1)))
    return where


def _conditions(rt: Runtime, session: Session, actor: Actor,
                filters: CaseFilters) -> tuple[list[ColumnElement[bool]], bool]:
    """The search's conditions, and whether a short word bounded it to the newest cases."""
    where = [visible_instances(rt, session, actor), *_date_conditions(filters)]
    if filters.number is not None:
        where.append(ProcessInstance.id == filters.number)
    if filters.tracking_code:
        where.append(ProcessInstance.id.in_(select(TrackingCode.instance_id)
                                            .where(TrackingCode.code == filters.tracking_code)))
    if filters.process_key:
        where.append(ProcessInstance.process_key == filters.process_key)
    if filters.status:
        where.append(ProcessInstance.status == filters.status)
    if filters.searches_names:
        where.append(ProcessInstance.id.in_(name_match_subquery(
            rt.name_index_key, filters.name, fields=filters.name_fields)))
    terms = terms_of(filters.text)
    if not terms:
        return where, False
    hidden = [key for key in PERSONAL_FIELDS if not may_read_subject(actor.roles, key)]
    if hidden:  # nobody finds a case by words they may not read
        where.append(ProcessInstance.process_key.not_in(hidden))
    words = matching(CASE_TITLES, ProcessInstance.__table__.c.id,
                     [ProcessInstance.__table__.c.title], terms,
                     session.get_bind().dialect.name)
    if any(is_indexed_term(t) for t in terms):
        return [*where, words], False
    newest = (select(ProcessInstance.id).where(*where)
              .order_by(ProcessInstance.id.desc()).limit(SHORT_TERM_SCAN))
    return [ProcessInstance.id.in_(newest), words], True


def _rows(where: list[ColumnElement[bool]]) -> Select[tuple[ProcessInstance, str]]:
    # An outer join: the code is None for cases not filed on the website.
    return (select(ProcessInstance, TrackingCode.code)
            .outerjoin(TrackingCode, TrackingCode.instance_id == ProcessInstance.id)
            .where(*where)
            .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc()))


def _open_steps(session: Session, ids: list[int]) -> dict[int, list[str]]:
    steps: dict[int, list[str]] = defaultdict(list)
    if ids:
        for instance_id, name in session.execute(
                select(Task.instance_id, Task.name)
                .where(Task.instance_id.in_(ids), Task.state == TaskStatus.OPEN)
                .order_by(Task.created_at)):
            steps[instance_id].append(name)
    return steps


def _row_view(rt: Runtime, session: Session, actor: Actor, row: ProcessInstance,
              code: str | None, steps: list[str]) -> dict[str, Any]:
    definition = rt.definitions.by_id(session, row.version_id)
    return {
        "id": row.id,
        "process_key": row.process_key,
        "process_name": definition.name,
        "version": definition.version,
        "status": row.status,
        # None, not "": the title exists but this reader may not see it.
        "title": row.title if may_read_subject(actor.roles, row.process_key) else None,
        "tracking_code": code,
        "received_on": row.received_on.isoformat() if row.received_on else None,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "ended_at": iso(row.ended_at),
        "open_steps": steps,
    }


def _page(rt: Runtime, session: Session, actor: Actor, where: list[ColumnElement[bool]],
          limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    found = session.execute(_rows(where).limit(limit).offset(offset)).tuples().all()
    if offset == 0 and len(found) < limit:
        total = len(found)  # all of them on the first page: no need to count
    else:
        total = session.scalar(
            select(func.count()).select_from(ProcessInstance).where(*where)) or 0
    steps = _open_steps(session, [row.id for row, _ in found])
    return total, [_row_view(rt, session, actor, row, code, steps.get(row.id, []))
                   for row, code in found]


def _names_of(rt: Runtime, session: Session, actor: Actor, filters: CaseFilters,
              views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows shown with the names that matched, each read recorded; a row whose
    names do not hold the term after all (the index's rare false positive) is dropped."""
    ids = [view["id"] for view in views]
    sealed = dict(session.execute(select(ProcessInstance.id, ProcessInstance.personal_data)
                                  .where(ProcessInstance.id.in_(ids))).tuples().all())
    shown = []
    for view in views:
        personal = rt.cipher.decrypt(sealed.get(view["id"]))
        sources = NAME_FIELDS.get(view["process_key"], {})
        searched = filters.name_fields or tuple(sources)
        if not any(isinstance(personal.get(sources.get(f, "")), str)
                   and name_matches(filters.name, personal[sources[f]]) for f in searched):
            continue
        names = {field: personal.get(source) for field, source in sources.items()
                 if personal.get(source)}
        record(session, actor, PERSONAL_DATA_READ, instance_id=view["id"],
               fields=sorted(sources[f] for f in names), via="search")
        shown.append({**view, "names": names})
    return shown


def search_cases(rt: Runtime, actor: Actor, filters: CaseFilters, *, limit: int = PAGE_SIZE,
                 offset: int = 0) -> dict[str, Any]:
    """The cases the actor may see that meet every condition of ``filters``, newest first.

    Returns ``cases``, ``total``, ``limit``, ``offset`` and ``bounded`` (a word shorter
    than three characters searched only the newest :data:`SHORT_TERM_SCAN` cases). A
    name search (``filters.name``) is Forbidden to roles that may not read personal data
    and is recorded in the privacy log; its rows carry ``names``.
    """
    _check_page(limit, offset)
    if not filters.searches_names:
        with rt.db.read() as session:
            where, bounded = _conditions(rt, session, actor, filters)
            total, views = _page(rt, session, actor, where, limit, offset)
        return {"cases": views, "total": total, "limit": limit, "offset": offset,
                "bounded": bounded}
    _require_name_reader(actor)
    with rt.db.write() as session:
        where, bounded = _conditions(rt, session, actor, filters)
        total, views = _page(rt, session, actor, where, limit, offset)
        shown = _names_of(rt, session, actor, filters, views)
        total -= len(views) - len(shown)
        searched = filters.name_fields or ("complainant", "accused")
        fields = sorted({NAME_FIELDS[key][f] for key in NAME_FIELDS for f in searched})
        # Who, when, how many: never the term, nor the other conditions' values.
        record(session, actor, NAMES_SEARCHED, fields=fields, results=total,
               shown=len(shown), conditions=sorted(filters.shown()))
    return {"cases": shown, "total": total, "limit": limit, "offset": offset,
            "bounded": bounded}


def my_requests(rt: Runtime, actor: Actor, *, limit: int = PAGE_SIZE,
                offset: int = 0) -> dict[str, Any]:
    """The cases the actor started (เรื่องที่ฉันยื่น), newest first, with their status and
    the steps they wait at. Returns ``cases``, ``total``, ``limit`` and ``offset``."""
    _check_page(limit, offset)
    with rt.db.read() as session:
        total, views = _page(rt, session, actor, [ProcessInstance.started_by_id == actor.id],
                             limit, offset)
    return {"cases": views, "total": total, "limit": limit, "offset": offset}


def tracking_code_of(rt: Runtime, actor: Actor, instance_id: int) -> str | None:
    """The tracking code a citizen was given for the case (None when it came by letter or
    in person), for whoever may see the case: it is what a citizen quotes on the phone."""
    with rt.db.read() as session:
        visible_case(rt, session, actor, instance_id)
        return session.scalar(select(TrackingCode.code)
                              .where(TrackingCode.instance_id == instance_id))
