"""Administrators answer the usual holidays the calendar cannot date for a fiscal year (Royal
Ploughing Day after 2026): adding the day or dismissing the reminder, audited, on both
databases; undoing the addition opens the gap again; the banner's weeks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from engine.core.errors import Conflict, Forbidden, InvalidData
from engine.core.models import AuditEvent, CalendarGapAnswer
from engine.services.admin import calendar_gaps, holidays

FY_STARTS = date(2026, 10, 1)  # ปีงบประมาณ พ.ศ. 2570


def _open_keys(rt, year: int) -> list[str]:
    return [g["key"] for g in calendar_gaps.calendar_gaps(rt, year) if g["answer"] is None]


def _answers(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(CalendarGapAnswer))


def _actions(rt) -> list[str]:
    with rt.db.read() as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("calendar_gap_%")).order_by(AuditEvent.id)))


def test_gaps_of_fiscal_years(runtime):
    assert calendar_gaps.calendar_gaps(runtime, 2569) == []
    (gap,) = calendar_gaps.calendar_gaps(runtime, 2570)
    assert gap == {"key": "royal_ploughing", "name": "วันพืชมงคล",
                   "name_en": "Royal Ploughing Ceremony Day", "fiscal_year": 2570,
                   "answer": None}


def test_dismissal_keeps_who_when_why_and_is_audited(runtime, people):
    result = calendar_gaps.dismiss_gap(runtime, people.admin, 2570, "royal_ploughing",
                                       "  สำนักงานเปิดทำการ  ", "หนังสือ ที่ 1/2570")
    assert result["usual_day"] == "royal_ploughing"
    (gap,) = calendar_gaps.calendar_gaps(runtime, 2570)
    answer = gap["answer"]
    assert answer["kind"] == "dismissed" and answer["by"] == "admin"
    assert answer["reason"] == "สำนักงานเปิดทำการ" and answer["reference"] == "หนังสือ ที่ 1/2570"
    assert answer["at"] is not None and answer["day"] is None
    assert _open_keys(runtime, 2571) == ["royal_ploughing"]  # one year at a time
    assert _actions(runtime) == ["calendar_gap_dismissed"]
    with pytest.raises(Conflict):  # already answered
        calendar_gaps.dismiss_gap(runtime, people.admin, 2570, "royal_ploughing", "อีกครั้ง")


@pytest.mark.parametrize(("year", "key", "reason", "field"), [
    (2570, "royal_ploughing", "   ", "reason"),
    (2570, "royal_ploughing", "ก" * 301, "reason"),
    (2570, "songkran", "x", "usual_day"),
    (1999, "royal_ploughing", "x", "fiscal_year"),
])
def test_bad_dismissals_say_what_to_fix_and_change_nothing(runtime, people, year, key, reason,
                                                           field):
    with pytest.raises(InvalidData) as refused:
        calendar_gaps.dismiss_gap(runtime, people.admin, year, key, reason)
    assert field in refused.value.fields
    assert _answers(runtime) == 0 and _actions(runtime) == []


def test_a_known_year_cannot_be_dismissed(runtime, people):
    with pytest.raises(Conflict):
        calendar_gaps.dismiss_gap(runtime, people.admin, 2569, "royal_ploughing", "x")


@pytest.mark.parametrize("name", ["staff", "director", "legal_head"])
def test_only_administrators_dismiss(runtime, people, name):
    with pytest.raises(Forbidden):
        calendar_gaps.dismiss_gap(runtime, getattr(people, name), 2570, "royal_ploughing", "x")
    assert _answers(runtime) == 0


def test_adding_the_day_answers_the_gap_and_undoing_it_opens_it_again(runtime, people):
    calendar_gaps.dismiss_gap(runtime, people.admin, 2570, "royal_ploughing", "ยังไม่ประกาศ")
    added = holidays.add_holiday(runtime, people.admin, date(2027, 5, 10), "วันพืชมงคล",
                                 "ประกาศสำนักพระราชวัง")
    assert added["usual_day"] == "royal_ploughing"
    (gap,) = calendar_gaps.calendar_gaps(runtime, 2570)
    assert gap["answer"]["kind"] == "added" and gap["answer"]["day"] == "2027-05-10"
    assert gap["answer"]["reference"] == "ประกาศสำนักพระราชวัง"  # the dismissal was replaced
    assert calendar_gaps.reminder(runtime, FY_STARTS) is None

    holidays.remove_holiday(runtime, people.admin, date(2027, 5, 10), "ผิดวัน")
    assert _open_keys(runtime, 2570) == ["royal_ploughing"]
    assert calendar_gaps.reminder(runtime, FY_STARTS) is not None
    assert _actions(runtime) == ["calendar_gap_dismissed", "calendar_gap_added",
                                 "calendar_gap_reopened"]


def test_a_day_off_that_is_not_the_usual_holiday_leaves_the_gap_open(runtime, people):
    added = holidays.add_holiday(runtime, people.admin, date(2027, 5, 11), "วันหยุดพิเศษ",
                                 "มติคณะรัฐมนตรี")
    assert added["usual_day"] is None
    assert _open_keys(runtime, 2570) == ["royal_ploughing"]
    # Named explicitly, any date counts (the Royal Household sets it).
    explicit = holidays.add_holiday(runtime, people.admin, date(2027, 3, 3), "พระราชพิธี",
                                    usual_day="royal_ploughing")
    assert explicit["usual_day"] == "royal_ploughing" and _open_keys(runtime, 2570) == []


def test_an_unknown_usual_day_is_refused_before_anything_changes(runtime, people):
    with pytest.raises(InvalidData) as refused:
        holidays.add_holiday(runtime, people.admin, date(2027, 5, 10), "วันพืชมงคล",
                             usual_day="ploughing")
    assert "usual_day" in refused.value.fields
    days = holidays.list_holidays(runtime, date(2027, 5, 1), date(2027, 5, 31))
    assert "2027-05-10" not in [d["day"] for d in days]
    assert _answers(runtime) == 0


@pytest.mark.parametrize(("today", "year"), [
    (date(2026, 8, 31), None),
    (date(2026, 9, 1), 2570),  # a month before the fiscal year starts
    (date(2026, 10, 1), 2570),
    (date(2026, 12, 31), 2570),  # the end of its first quarter
    (date(2027, 1, 1), None),
    (date(2027, 9, 15), 2571),
])
def test_the_banner_weeks(today, year):
    assert calendar_gaps.reminder_year(today) == year


def test_the_banner_names_the_open_days_of_its_year(runtime, people):
    assert calendar_gaps.reminder(runtime, date(2025, 10, 1)) is None  # 2569: dated
    assert calendar_gaps.reminder(runtime, date(2026, 8, 1)) is None  # not its weeks
    shown = calendar_gaps.reminder(runtime, FY_STARTS)
    assert shown == {"fiscal_year": 2570, "days": [
        {"key": "royal_ploughing", "name": "วันพืชมงคล",
         "name_en": "Royal Ploughing Ceremony Day"}]}
    calendar_gaps.dismiss_gap(runtime, people.admin, 2570, "royal_ploughing", "ไม่หยุด")
    assert calendar_gaps.reminder(runtime, FY_STARTS) is None
    assert calendar_gaps.reminder(runtime, date(2027, 9, 15)) is not None  # 2571 still open
