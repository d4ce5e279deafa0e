"""Usual holidays the calendar cannot date for a fiscal year, and administrators' answers.

A usual holiday (engine/thai/usual_holidays.py: Royal Ploughing Day) the ``holidays``
package does not date in a fiscal year is a gap: the holiday list, the holidays page and,
at the start of the fiscal year, a banner on administrators' pages name it, until an
administrator adds the day (``add_holiday``; the addition is recorded as the answer) or
dismisses the reminder for that year with a reason. Answers live in
``calendar_gap_answer``, each with who, when and why, and each is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, InvalidData
from engine.core.limits import fit_problems
from engine.core.models import CalendarGapAnswer, HolidayOverride, utcnow
from engine.services.admin.staff import require_admin
from engine.thai.dates import fiscal_year_be
from engine.thai.usual_holidays import USUAL_HOLIDAYS, UsualHoliday, unknown_in
from engine.workflow.runtime import Runtime

#: Fiscal years (BE) an answer may be given for: those a person can mean.
YEAR_RANGE = (2400, 2700)
#: The banner shows from a month before a fiscal year starts (1 Oct) to the end of its
#: first quarter: when the coming year's calendar is being checked.
REMINDER_LEAD = timedelta(days=30)
REMINDER_LAST_MONTH = 12


def _answers(session: Session, fiscal_year: int) -> dict[str, CalendarGapAnswer]:
    rows = session.scalars(
        select(CalendarGapAnswer).where(
            CalendarGapAnswer.fiscal_year == fiscal_year,
            CalendarGapAnswer.revoked_at.is_(None),
        ).order_by(CalendarGapAnswer.id)
    )
    return {row.usual_day: row for row in rows}


def _open(session: Session, fiscal_year: int) -> list[UsualHoliday]:
    unknown = unknown_in(fiscal_year)
    if not unknown:  # the usual case for past years: no query at all
        return []
    answered = _answers(session, fiscal_year)
    return [usual for usual in unknown if usual.key not in answered]


def _shown_answer(session: Session, row: CalendarGapAnswer) -> dict[str, Any]:
    day = session.get(HolidayOverride, row.override_id) if row.override_id else None
    return {"kind": row.kind, "reason": row.reason, "reference": row.reference,
            "by": row.created_by, "at": row.created_at,
            "day": day.day.isoformat() if day else None}


def calendar_gaps(rt: Runtime, fiscal_year: int) -> list[dict[str, Any]]:
    """Each usual holiday the package cannot date in the fiscal year, with the answer an
    administrator gave (None while the gap is open)."""
    unknown = unknown_in(fiscal_year)
    if not unknown:
        return []
    with rt.db.read() as session:
        answered = _answers(session, fiscal_year)
        return [
            {"key": usual.key, "name": usual.thai, "name_en": usual.english,
             "fiscal_year": fiscal_year,
             "answer": (_shown_answer(session, answered[usual.key])
                        if usual.key in answered else None)}
            for usual in unknown
        ]


def reminder_year(today: date) -> int | None:
    """The fiscal year the banner is about: the one starting within REMINDER_LEAD, or the
    one whose first quarter ``today`` is in; None in the rest of the year."""
    if today.month >= 10:
        return fiscal_year_be(today) if today.month <= REMINDER_LAST_MONTH else None
    if today + REMINDER_LEAD >= date(today.year, 10, 1):
        return fiscal_year_be(today) + 1
    return None


def reminder(rt: Runtime, today: date) -> dict[str, Any] | None:
    """The banner for administrators: that fiscal year's open gaps; None outside the
    reminder weeks or when nothing is open. Cheap: the package answers from a cache, and
    only a year with a gap costs one query on the small answers table."""
    fiscal_year = reminder_year(today)
    if fiscal_year is None or not unknown_in(fiscal_year):
        return None
    with rt.db.read() as session:
        gaps = _open(session, fiscal_year)
    if not gaps:
        return None
    return {"fiscal_year": fiscal_year,
            "days": [{"key": g.key, "name": g.thai, "name_en": g.english} for g in gaps]}


def usual_holiday(key: str) -> UsualHoliday:
    """The usual holiday with this key; InvalidData naming the keys there are."""
    usual = USUAL_HOLIDAYS.get(key)
    if usual is None:
        known = ", ".join(sorted(USUAL_HOLIDAYS))
        raise InvalidData(
            f"ไม่รู้จักวันหยุด '{key}' ใช้ {known} / unknown usual holiday '{key}': use {known}",
            {"usual_day": f"ใช้ {known} / use {known}"})
    return usual


def dismiss_gap(rt: Runtime, actor: Actor | None, fiscal_year: int, usual_day: str,
                reason: str, reference: str = "") -> dict[str, Any]:
    """Stop naming ``usual_day`` as unknown for the fiscal year, e.g. because the office
    does not close for it that year; who, when and why are kept and audited."""
    # None is the command line, run by whoever administers the server.
    if actor is not None:
        require_admin(actor)
    reason, reference = reason.strip(), reference.strip()
    usual = usual_holiday(usual_day)
    fields = fit_problems({"reason": (CalendarGapAnswer.reason, reason),
                           "reference": (CalendarGapAnswer.reference, reference)})
    if not reason:
        fields["reason"] = "ระบุเหตุผล / give a reason"
    if not YEAR_RANGE[0] <= fiscal_year <= YEAR_RANGE[1]:
        fields["fiscal_year"] = "ใช้ปี พ.ศ. เช่น 2570 / use a Buddhist-Era year such as 2570"
    if fields:
        raise InvalidData("ข้อมูลการปิดการเตือนไม่ถูกต้อง / invalid dismissal", fields)
    who = actor.username if actor else "cli"
    with rt.db.write() as session:
        if usual not in _open(session, fiscal_year):
            raise Conflict(
                f"{usual.thai} ปีงบประมาณ พ.ศ. {fiscal_year} ไม่ได้รอการตรวจสอบ (ปฏิทินทราบวันที่แล้ว "
                f"หรือผู้ดูแลระบบตอบแล้ว) / {usual.english} of fiscal year {fiscal_year} "
                "is not awaiting an answer (dated already, or answered)")
        session.add(CalendarGapAnswer(fiscal_year=fiscal_year, usual_day=usual.key,
                                      kind="dismissed", reason=reason, reference=reference,
                                      created_by=who))
        record(session, actor, "calendar_gap_dismissed", fiscal_year=fiscal_year,
               usual_day=usual.key, reason=reason, reference=reference)
    return {"fiscal_year": fiscal_year, "usual_day": usual.key, "name": usual.thai,
            "name_en": usual.english}


def record_added(session: Session, actor: Actor | None, who: str, override: HolidayOverride,
                 usual: UsualHoliday) -> bool:
    """An administrator added ``override`` as ``usual``: that answers its fiscal year's gap
    (replacing a dismissal). False when there was no gap to answer."""
    fiscal_year = fiscal_year_be(override.day)
    if usual not in unknown_in(fiscal_year):
        return False
    earlier = _answers(session, fiscal_year).get(usual.key)
    if earlier is not None:
        if earlier.kind == "added":
            return False
        earlier.revoked_at, earlier.revoked_by = utcnow(), who
    session.add(CalendarGapAnswer(fiscal_year=fiscal_year, usual_day=usual.key, kind="added",
                                  override_id=override.id, reason=override.reason,
                                  reference=override.reference, created_by=who))
    record(session, actor, "calendar_gap_added", fiscal_year=fiscal_year,
           usual_day=usual.key, day=override.day.isoformat())
    return True


def forget_added(session: Session, actor: Actor | None, who: str,
                 override: HolidayOverride) -> None:
    """The addition ``override`` was undone: the gap it answered is open again."""
    rows = session.scalars(select(CalendarGapAnswer).where(
        CalendarGapAnswer.override_id == override.id, CalendarGapAnswer.revoked_at.is_(None)))
    for row in rows:
        row.revoked_at, row.revoked_by = utcnow(), who
        record(session, actor, "calendar_gap_reopened", fiscal_year=row.fiscal_year,
               usual_day=row.usual_day, day=override.day.isoformat())
