"""Government holidays that come every year but whose date the `holidays` package may not
know: the calendar names them for a fiscal year until an administrator answers.

Royal Ploughing Day (วันพืชมงคล) is a government-only holiday whose date the Royal
Household announces each year; the package's table of its dates ends in 2026. Cabinet
special days (วันหยุดพิเศษ) are declared ad hoc and no calendar can list them ahead,
so they get a standing note, not a per-year reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

from engine.thai.dates import BE_OFFSET

__all__ = [
    "SPECIAL_DAYS_NOTE",
    "USUAL_HOLIDAYS",
    "UsualHoliday",
    "unknown_in",
    "usual_holiday_named",
]


@dataclass(frozen=True)
class UsualHoliday:
    key: str
    thai: str
    english: str
    #: Months it falls in: a day an administrator adds in them, named by one of ``words``,
    #: is taken to be this holiday.
    months: tuple[int, ...]
    words: tuple[str, ...]
    #: The package category that holds it when the package knows the year.
    category: str

    def calendar_year(self, fiscal_year_be: int) -> int:
        """The CE year it falls in within fiscal year ``fiscal_year_be`` (1 Oct – 30 Sep)."""
        end_ce = fiscal_year_be - BE_OFFSET
        return end_ce - 1 if min(self.months) >= 10 else end_ce

    def known_in(self, fiscal_year_be: int) -> bool:
        """Whether the package dates it in that fiscal year."""
        return _package_has(self.category, self.calendar_year(fiscal_year_be), self.months)


ROYAL_PLOUGHING = UsualHoliday(
    key="royal_ploughing", thai="วันพืชมงคล", english="Royal Ploughing Ceremony Day",
    months=(4, 5, 6), words=("พืชมงคล", "ploughing", "plowing"), category="government",
)

USUAL_HOLIDAYS: dict[str, UsualHoliday] = {ROYAL_PLOUGHING.key: ROYAL_PLOUGHING}

SPECIAL_DAYS_NOTE = (
    "วันหยุดพิเศษตามมติคณะรัฐมนตรีอาจประกาศเพิ่มระหว่างปี: เพิ่มเมื่อมีมติ",
    "Cabinet special holidays (วันหยุดพิเศษ) may be declared during the year: add each "
    "when the resolution is made",
)


@lru_cache(maxsize=64)
def _package_has(category: str, year: int, months: tuple[int, ...]) -> bool:
    found = holidays.country_holidays("TH", years=year, categories=(category,), language="th")
    return any(d.year == year and d.month in months for d in found)


def unknown_in(fiscal_year_be: int) -> list[UsualHoliday]:
    """The usual holidays the package cannot date in that fiscal year."""
    return [usual for usual in USUAL_HOLIDAYS.values() if not usual.known_in(fiscal_year_be)]


def usual_holiday_named(reason: str, day: date) -> UsualHoliday | None:
    """The usual holiday an administrator's added day stands for, recognised by the words
    of its reason and its month; None when it names none."""
    text = reason.casefold()
    for usual in USUAL_HOLIDAYS.values():
        if day.month in usual.months and any(word in text for word in usual.words):
            return usual
    return None
