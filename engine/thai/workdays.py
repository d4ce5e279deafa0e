"""Thai government working-day calendar and the BPMN helpers built on it.

Working days are Mon–Fri minus Thai public and government holidays (with their
in-lieu days) from the `holidays` package, minus National Labour Day and its
in-lieu day (private-sector holidays only) and National Children's Day (not a
government holiday), plus one-off days off an administrator adds, minus days an
administrator declares working. Holidays carry the official names of the cabinet's
list (engine/thai/holiday_names.py), not the package's where they differ.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from engine.thai.holiday_names import official_name

__all__ = [
    "BANGKOK",
    "MAX_WORKING_DAYS",
    "OFFICE_CLOSES",
    "OFFICE_OPENS",
    "WorkingCalendar",
    "bpmn_helpers",
    "deadline_after",
    "default_calendar",
    "to_bangkok_date",
    "working_days_after",
]

BANGKOK = ZoneInfo("Asia/Bangkok")
OFFICE_OPENS = time(8, 30)
OFFICE_CLOSES = time(16, 30)

# A BPMN author asking for more than a year of working days has made a typo;
# the cap also keeps one helper call from looping for long.
MAX_WORKING_DAYS = 365

_CATEGORIES = ("public", "government")
_NAME_SEPARATOR = "; "
# Only used to split a date the package shares between Labour Day (or Children's
# Day) and another holiday; which dates they are is decided by the date rule alone.
_LABOUR_WORD = "แรงงาน"
_CHILDREN_WORD = "เด็ก"
# The package pushes an in-lieu day at most a few days past the weekend.
_IN_LIEU_WINDOW = timedelta(days=10)
_MEMO_LIMIT = 10_000


class WorkingCalendar:
    """Thai government working days, with administrator overrides.

    Holidays are computed once per calendar year and cached, so lookups after
    warm-up are a set membership test. The overrides are fixed at construction:
    build a new calendar when an administrator edits them.
    """

    def __init__(self, added: Mapping[date, str] | None = None, removed: Iterable[date] = ()):
        self._added: dict[date, str] = dict(added or {})
        self._removed: frozenset[date] = frozenset(removed)
        clash = self._removed.intersection(self._added)
        if clash:
            days = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValueError(f"a date cannot be both added and removed as a day off: {days}")
        self._names: dict[date, str] = {}
        self._off: set[date] = set()
        self._loaded: set[int] = set()
        # (start, n) -> result; valid for the calendar's lifetime, overrides being fixed.
        self._memo: dict[tuple[date, int], date] = {}
        self._lock = threading.Lock()

    # -- queries -------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if d.weekday() >= 5:
            return False
        if d.year not in self._loaded:
            self._load(d.year)
        return d not in self._off

    def holiday_name(self, d: date) -> str | None:
        if d.year not in self._loaded:
            self._load(d.year)
        return self._names.get(d)

    def holidays_in(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays (weekend ones included) from start to end, both inclusive."""
        for year in range(start.year, end.year + 1):
            if year not in self._loaded:
                self._load(year)
        return sorted((d, name) for d, name in self._names.items() if start <= d <= end)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d; d itself never counts (day of receipt)."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        key = (d, n)
        found = self._memo.get(key)
        if found is None:
            found = self._count_forward(d, n)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _count_forward(self, d: date, n: int) -> date:
        one_day = timedelta(days=1)
        while n:
            d += one_day
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end (0 if end <= start)."""
        count = 0
        d = start + timedelta(days=1)
        one_day = timedelta(days=1)
        while d <= end:
            if self.is_working_day(d):
                count += 1
            d += one_day
        return count

    # -- BPMN helpers (ISO strings in and out: SpiffWorkflow timers need strings) --

    def deadline_after(self, received_at: str | date | datetime, n: object) -> str:
        """End of office hours (16:30 +07:00) on the n-th working day after receipt."""
        day = self.add_working_days(to_bangkok_date(received_at), _day_count(n))
        return _at(day, OFFICE_CLOSES)

    def working_days_after(self, value: str | date | datetime, n: object) -> str:
        """Office opening (08:30 +07:00) on the n-th working day after value."""
        day = self.add_working_days(to_bangkok_date(value), _day_count(n))
        return _at(day, OFFICE_OPENS)

    # -- loading -------------------------------------------------------------

    def _load(self, year: int) -> None:
        with self._lock:
            if year in self._loaded:
                return
            names = _government_holidays(year)
            for d in self._removed:
                if d.year == year:
                    names.pop(d, None)
            names.update((d, reason) for d, reason in self._added.items() if d.year == year)
            self._names.update(names)
            self._off.update(d for d in names if d.weekday() < 5)
            # Published last so readers outside the lock see complete data.
            self._loaded.add(year)


def _split(name: str | None) -> list[str]:
    return [part.strip() for part in name.split(";")] if name else []


def _government_holidays(year: int) -> dict[date, str]:
    """The package's public + government holidays for one year, without Labour Day and
    Children's Day, under their official names."""
    observed = holidays.country_holidays("TH", years=year, categories=_CATEGORIES, language="th")
    result = {d: name for d, name in observed.items() if d.year == year}
    _drop(result, _labour_day_dates(year, observed), _LABOUR_WORD)
    _drop(result, [_childrens_day(year)], _CHILDREN_WORD)
    return {d: official_name(name, d) for d, name in result.items()}


def _drop(result: dict[date, str], dates: Iterable[date], word: str) -> None:
    """Take the holiday named with ``word`` off each date, keeping any other it shares."""
    for d in dates:
        kept = [part for part in _split(result.get(d)) if word not in part]
        if len(_split(result.get(d))) > 1 and kept:
            result[d] = _NAME_SEPARATOR.join(kept)
        else:
            result.pop(d, None)


def _childrens_day(year: int) -> date:
    """วันเด็กแห่งชาติ, the second Saturday of January: a day for children, not a
    government holiday, and the package gives it no in-lieu day."""
    first = date(year, 1, 1)
    first_saturday = first + timedelta(days=(5 - first.weekday()) % 7)
    return first_saturday + timedelta(days=7)


def _labour_day_dates(year: int, observed: Mapping[date, str]) -> list[date]:
    """1 May, plus the in-lieu day the package gives it when 1 May is a weekend.

    The in-lieu day is the first weekday after 1 May that the package holds as
    a holiday only because of the in-lieu rule (absent with observed=False).
    """
    labour = date(year, 5, 1)
    if labour not in observed:
        return []
    if labour.weekday() < 5:
        return [labour]
    raw = holidays.country_holidays(
        "TH", years=year, categories=_CATEGORIES, language="th", observed=False
    )
    d = labour + timedelta(days=1)
    while d <= labour + _IN_LIEU_WINDOW:
        in_lieu_only = set(_split(observed.get(d))) - set(_split(raw.get(d)))
        if d.weekday() < 5 and in_lieu_only:
            return [labour, d]
        d += timedelta(days=1)
    return [labour]


# -- conversions -------------------------------------------------------------


def to_bangkok_date(value: str | date | datetime) -> date:
    """The Bangkok calendar date of value.

    'YYYY-MM-DD' is already a Bangkok date; an aware datetime (or ISO string
    with an offset) is converted to Bangkok; a naive one is Bangkok local time.
    """
    if isinstance(value, datetime):
        return _bangkok(value).date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"expected an ISO 8601 date/datetime string, date or datetime, "
            f"got {type(value).__name__}: {value!r}"
        )
    return _parse_iso_date(value)


# Task data repeats the same few timestamps; parsing them is most of a helper call.
@lru_cache(maxsize=4096)
def _parse_iso_date(value: str) -> date:
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return _bangkok(datetime.fromisoformat(text)).date()
    except ValueError:
        raise ValueError(
            f"not an ISO 8601 date or datetime: {value!r} "
            "(expected e.g. '2026-12-04' or '2026-12-04T09:15:00+07:00')"
        ) from None


def _bangkok(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=BANGKOK)
    return dt.astimezone(BANGKOK)


def _day_count(n: object) -> int:
    """Accept 3, 3.0 or '3' from task data; refuse anything that is not a day count."""
    if isinstance(n, bool):
        raise ValueError(f"number of working days must be a whole number, got {n!r}")
    if isinstance(n, int):
        count = n
    elif isinstance(n, float) and n.is_integer():
        count = int(n)
    elif isinstance(n, str) and n.strip().isdecimal():
        count = int(n.strip())
    else:
        raise ValueError(f"number of working days must be a whole number, got {n!r}")
    if not 0 <= count <= MAX_WORKING_DAYS:
        raise ValueError(
            f"number of working days must be between 0 and {MAX_WORKING_DAYS}, got {count}"
        )
    return count


@lru_cache(maxsize=4096)
def _at(d: date, t: time) -> str:
    return datetime.combine(d, t, BANGKOK).isoformat()


_default_calendar: WorkingCalendar | None = None


def default_calendar() -> WorkingCalendar:
    """A shared calendar without administrator overrides (for tools and tests)."""
    global _default_calendar
    if _default_calendar is None:
        _default_calendar = WorkingCalendar()
    return _default_calendar


def deadline_after(
    received_at: str | date | datetime, n: object, calendar: WorkingCalendar | None = None
) -> str:
    """End of office hours (16:30 +07:00) on the n-th working day after receipt."""
    return (calendar or default_calendar()).deadline_after(received_at, n)


def working_days_after(
    value: str | date | datetime, n: object, calendar: WorkingCalendar | None = None
) -> str:
    """Office opening (08:30 +07:00) on the n-th working day after value."""
    return (calendar or default_calendar()).working_days_after(value, n)


def bpmn_helpers(calendar: WorkingCalendar) -> dict[str, Callable[..., str]]:
    """Functions BPMN expressions may call, bound to one calendar."""
    return {
        "deadline_after": calendar.deadline_after,
        "working_days_after": calendar.working_days_after,
    }
