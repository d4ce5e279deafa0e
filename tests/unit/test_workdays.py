from datetime import UTC, date, datetime, timedelta

import pytest

from engine.thai.workdays import (
    BANGKOK,
    OFFICE_CLOSES,
    OFFICE_OPENS,
    WorkingCalendar,
    bpmn_helpers,
    deadline_after,
    to_bangkok_date,
    working_days_after,
)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# Worked examples of the triage window: 3 working days, the day of receipt not counted.
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 12, 30), date(2026, 1, 7)),  # 31 Dec, 1 Jan, 2 Jan are holidays
        (date(2026, 4, 10), date(2026, 4, 20)),  # Songkran 13–15 Apr
        (date(2026, 5, 29), date(2026, 6, 5)),  # 1 Jun in lieu, 3 Jun holiday
        (date(2026, 7, 27), date(2026, 8, 4)),  # 28–30 Jul holidays
        (date(2026, 12, 4), date(2026, 12, 11)),  # 7 Dec in lieu, 10 Dec holiday
    ],
)
def test_three_working_days(cal, received, due):
    assert cal.add_working_days(received, 3) == due


def test_admin_added_day_off():
    cal = WorkingCalendar(added={date(2026, 7, 31): "วันหยุดพิเศษ (มติ ครม.)"})
    assert cal.add_working_days(date(2026, 7, 27), 3) == date(2026, 8, 5)
    assert cal.holiday_name(date(2026, 7, 31)) == "วันหยุดพิเศษ (มติ ครม.)"
    assert not cal.is_working_day(date(2026, 7, 31))


def test_removed_day_becomes_working():
    cal = WorkingCalendar(removed=[date(2026, 12, 10)])
    assert cal.is_working_day(date(2026, 12, 10))
    assert cal.holiday_name(date(2026, 12, 10)) is None
    assert cal.add_working_days(date(2026, 12, 4), 3) == date(2026, 12, 10)


def test_same_day_added_and_removed_is_refused():
    with pytest.raises(ValueError, match="both added and removed"):
        WorkingCalendar(added={date(2026, 1, 5): "x"}, removed=[date(2026, 1, 5)])


def test_deadline_example_from_design(cal):
    assert cal.deadline_after("2026-12-04", 3) == "2026-12-11T16:30:00+07:00"
    assert deadline_after(date(2026, 12, 4), 3) == "2026-12-11T16:30:00+07:00"
    assert cal.deadline_after(datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK), 3) == (
        "2026-12-11T16:30:00+07:00"
    )


def test_working_days_after_is_office_opening(cal):
    assert cal.working_days_after("2026-12-04T15:00:00+07:00", 1) == "2026-12-08T08:30:00+07:00"
    assert working_days_after("2026-12-04", 0) == "2026-12-04T08:30:00+07:00"


def test_helper_strings_parse_back_to_bangkok(cal):
    value = datetime.fromisoformat(cal.deadline_after("2026-12-04", 3))
    assert value.utcoffset() == timedelta(hours=7)
    assert value.timetz().replace(tzinfo=None) == OFFICE_CLOSES
    opening = datetime.fromisoformat(cal.working_days_after("2026-12-04", 3))
    assert opening.time() == OFFICE_OPENS


@pytest.mark.parametrize(
    "received",
    [
        date(2026, 12, 5),  # Saturday and a holiday (Father's Day)
        date(2026, 12, 6),  # Sunday
        date(2026, 12, 7),  # in-lieu day
    ],
)
def test_receipt_on_a_day_off_counts_from_next_day(cal, received):
    assert cal.add_working_days(received, 3) == date(2026, 12, 11)


def test_receipt_on_saturday_simple(cal):
    assert cal.add_working_days(date(2026, 11, 7), 1) == date(2026, 11, 9)


def test_labour_day_2026_is_a_working_day(cal):
    assert date(2026, 5, 1).weekday() == 4
    assert cal.is_working_day(date(2026, 5, 1))
    assert cal.holiday_name(date(2026, 5, 1)) is None


def test_labour_day_2027_and_its_in_lieu_day_are_ignored(cal):
    assert date(2027, 5, 1).weekday() == 5
    assert cal.holiday_name(date(2027, 5, 1)) is None
    assert cal.is_working_day(date(2027, 5, 3))
    assert cal.holiday_name(date(2027, 5, 3)) is None
    assert not cal.is_working_day(date(2027, 5, 4))  # Coronation Day stays


def test_royal_ploughing_2026_is_a_holiday(cal):
    assert not cal.is_working_day(date(2026, 5, 13))
    assert cal.holiday_name(date(2026, 5, 13)) == "วันพืชมงคล"


def test_weekend_is_not_working(cal):
    assert not cal.is_working_day(date(2026, 11, 7))
    assert cal.holiday_name(date(2026, 11, 7)) is None


def test_holidays_in_lists_thai_names(cal):
    got = cal.holidays_in(date(2026, 12, 1), date(2026, 12, 31))
    assert [d for d, _ in got] == [
        date(2026, 12, 5),
        date(2026, 12, 7),
        date(2026, 12, 10),
        date(2026, 12, 31),
    ]
    assert dict(got)[date(2026, 12, 10)] == "วันรัฐธรรมนูญ"


def test_holidays_in_spans_years(cal):
    got = dict(cal.holidays_in(date(2025, 12, 30), date(2026, 1, 3)))
    assert set(got) == {date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2)}


def test_add_zero_returns_same_day(cal):
    assert cal.add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 5)


def test_add_negative_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 12, 4), -1)


def test_working_days_between(cal):
    assert cal.working_days_between(date(2026, 12, 4), date(2026, 12, 11)) == 3
    assert cal.working_days_between(date(2026, 12, 4), date(2026, 12, 4)) == 0
    assert cal.working_days_between(date(2026, 12, 11), date(2026, 12, 4)) == 0
    for n in (1, 5, 20, 60):
        end = cal.add_working_days(date(2026, 3, 2), n)
        assert cal.working_days_between(date(2026, 3, 2), end) == n


def test_late_utc_evening_is_next_bangkok_date(cal):
    # 18:30 UTC on 3 Dec is 01:30 on 4 Dec in Bangkok.
    assert to_bangkok_date("2026-12-03T18:30:00Z") == date(2026, 12, 4)
    assert to_bangkok_date(datetime(2026, 12, 3, 18, 30, tzinfo=UTC)) == date(2026, 12, 4)
    assert cal.deadline_after("2026-12-03T18:30:00+00:00", 3) == "2026-12-11T16:30:00+07:00"
    # Same instant seen as UTC still on 3 Dec would have given 9 Dec.
    assert cal.deadline_after("2026-12-03", 3) == "2026-12-09T16:30:00+07:00"


def test_naive_values_are_bangkok_local():
    assert to_bangkok_date("2026-12-03T23:30:00") == date(2026, 12, 3)
    assert to_bangkok_date(datetime(2026, 12, 3, 23, 30)) == date(2026, 12, 3)
    assert to_bangkok_date("2026-12-03") == date(2026, 12, 3)
    assert to_bangkok_date(date(2026, 12, 3)) == date(2026, 12, 3)


@pytest.mark.parametrize(
    "garbage", ["", "tomorrow", "2026-13-01", "04/12/2569", "2026-12-04T25:00"]
)
def test_garbage_date_strings(garbage):
    with pytest.raises(ValueError, match="ISO 8601"):
        to_bangkok_date(garbage)


@pytest.mark.parametrize("garbage", [None, 20261204, ["2026-12-04"]])
def test_garbage_date_types(garbage):
    with pytest.raises(ValueError, match="ISO 8601"):
        to_bangkok_date(garbage)


@pytest.mark.parametrize("n", [True, False, -1, 366, 2.5, "three", None, "-1"])
def test_bad_day_counts(cal, n):
    with pytest.raises(ValueError, match="working days"):
        cal.deadline_after("2026-12-04", n)


@pytest.mark.parametrize("n", [3, 3.0, "3", " 3 "])
def test_int_like_day_counts(cal, n):
    assert cal.deadline_after("2026-12-04", n) == "2026-12-11T16:30:00+07:00"


def test_bpmn_helpers_are_bound_to_calendar():
    cal = WorkingCalendar(added={date(2026, 12, 8): "วันหยุดพิเศษ"})
    helpers = bpmn_helpers(cal)
    assert set(helpers) == {"deadline_after", "working_days_after"}
    assert helpers["deadline_after"]("2026-12-04", 3) == "2026-12-14T16:30:00+07:00"
    assert helpers["working_days_after"]("2026-12-04", 1) == "2026-12-09T08:30:00+07:00"
