"""The calendar prints the official names of government holidays (the cabinet's list), drops
Children's Day, and knows which usual holidays the package cannot date in a fiscal year."""

from __future__ import annotations

from datetime import date

import pytest

from engine.thai.dates import fiscal_year_bounds
from engine.thai.holiday_names import english_name, official_name
from engine.thai.usual_holidays import ROYAL_PLOUGHING, unknown_in, usual_holiday_named
from engine.thai.workdays import WorkingCalendar

FATHERS_DAY = ("วันคล้ายวันพระบรมราชสมภพ พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช "
               "บรมนาถบพิตร วันชาติ และวันพ่อแห่งชาติ")


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def _fiscal_year(cal: WorkingCalendar, year: int) -> dict[date, str]:
    return dict(cal.holidays_in(*fiscal_year_bounds(year)))


def test_5_december_has_its_official_name(cal):
    assert cal.holiday_name(date(2026, 12, 5)) == FATHERS_DAY
    assert cal.holiday_name(date(2026, 12, 7)) == "วันหยุดชดเชย" + FATHERS_DAY  # in lieu
    assert english_name(FATHERS_DAY) == ("Anniversary of the Birth of King Bhumibol Adulyadej "
                                         "the Great, National Day and Father's Day")


def test_substitution_and_special_days_are_named_as_the_cabinet_names_them(cal):
    assert cal.holiday_name(date(2026, 6, 1)) == "วันหยุดชดเชยวันวิสาขบูชา"
    assert english_name("วันหยุดชดเชยวันวิสาขบูชา") == "Substitution day for Visakha Bucha Day"
    assert cal.holiday_name(date(2026, 1, 2)) == "วันหยุดพิเศษ"
    assert cal.holiday_name(date(2026, 10, 13)) == (
        "วันคล้ายวันสวรรคต พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร")


def test_12_august_names_queen_sirikit_as_before_and_after_her_death(cal):
    queen = "สมเด็จพระนางเจ้าสิริกิติ์ พระบรมราชินีนาถ พระบรมราชชนนีพันปีหลวง"
    assert cal.holiday_name(date(2025, 8, 12)) == (
        f"วันเฉลิมพระชนมพรรษา{queen} และวันแม่แห่งชาติ")
    assert cal.holiday_name(date(2026, 8, 12)) == f"วันคล้ายวันพระราชสมภพ {queen} และวันแม่แห่งชาติ"


@pytest.mark.parametrize("year", [2569, 2570, 2571])
def test_every_name_printed_for_fiscal_years_2569_to_2571_is_an_official_one(cal, year):
    names = _fiscal_year(cal, year)
    assert len(names) >= 19
    for day, name in names.items():
        assert english_name(name), (day, name)  # in the official table, with its English
        assert "(เพิ่มเติม)" not in name and not name.startswith("ชดเชย"), (day, name)
        assert "วันคล้ายวันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระบรมชนกาธิเบศร" not in name


def test_a_name_outside_the_table_is_kept_and_has_no_english():
    assert official_name("วันหยุดใหม่", date(2030, 1, 1)) == "วันหยุดใหม่"
    assert official_name("ชดเชยวันหยุดใหม่", date(2030, 1, 2)) == "วันหยุดชดเชยวันหยุดใหม่"
    assert english_name("วันหยุดพิเศษ (มติ ครม.)") is None


@pytest.mark.parametrize("saturday", [date(2026, 1, 10), date(2027, 1, 9), date(2028, 1, 8)])
def test_childrens_day_is_not_a_government_holiday(cal, saturday):
    assert saturday.weekday() == 5
    assert cal.holiday_name(saturday) is None
    # No substitution day either: the Monday after stays a working day.
    assert cal.is_working_day(date(saturday.year, 1, saturday.day + 2))
    assert not any("เด็ก" in name for name in dict(
        cal.holidays_in(date(saturday.year, 1, 1), date(saturday.year, 1, 31))).values())


def test_royal_ploughing_day_is_unknown_from_fiscal_year_2570():
    assert unknown_in(2569) == []  # 13 May 2026, in the package
    assert unknown_in(2570) == [ROYAL_PLOUGHING]
    assert unknown_in(2571) == [ROYAL_PLOUGHING]
    assert ROYAL_PLOUGHING.calendar_year(2570) == 2027


def test_an_added_day_named_as_royal_ploughing_day_is_recognised():
    assert usual_holiday_named("วันพืชมงคล", date(2027, 5, 10)) is ROYAL_PLOUGHING
    assert usual_holiday_named("Royal Ploughing Ceremony", date(2027, 5, 10)) is ROYAL_PLOUGHING
    assert usual_holiday_named("วันพืชมงคล", date(2027, 11, 10)) is None  # not its season
    assert usual_holiday_named("วันหยุดพิเศษ", date(2027, 5, 10)) is None
