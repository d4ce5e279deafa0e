"""What a case search asks for (เงื่อนไขการค้นหาเรื่อง), read from a form or an API query.

Every field is optional; all given ones must hold. A bad field is named with what to
type instead, all of them in one :class:`InvalidData`, and nothing is searched.

A name term never comes from a query string: the web form posts it and the API takes
it in a POST body (URLs end up in proxies' logs and browsers' histories). It is kept
out of this object's ``repr`` for the same reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from engine.core.errors import InvalidData
from engine.core.models import valid_id
from engine.core.name_index import INDEX_FIELDS
from engine.core.statuses import InstanceStatus
from engine.services.publishing.requests import clean_query
from engine.thai.dates import parse_date_entry
from engine.thai.digits import arabic_digits

#: Which date a range applies to: the day the case was received, or the day it started.
DateField = Literal["received", "started"]
DATE_FIELDS: tuple[DateField, ...] = ("received", "started")
#: A tracking code as the website gives it: GF69-ABCD-EFGH (see complaints/citizen.py).
TRACKING_CODE = re.compile(r"GF\d{2}-[A-Z0-9]{4}-[A-Z0-9]{4}")


@dataclass(frozen=True)
class CaseFilters:
    """A case search: every condition given must hold."""

    number: int | None = None
    tracking_code: str | None = None
    process_key: str | None = None
    status: str | None = None
    date_field: DateField = "received"
    date_from: date | None = None
    date_to: date | None = None
    #: Words of the subject or title, each to be found (trigram index).
    text: str = ""
    #: A name or a fragment of one (legal roles and the Director only); never shown.
    name: str = field(default="", repr=False)
    #: Whose name: a subset of engine.core.name_index.INDEX_FIELDS; None for both.
    name_fields: tuple[str, ...] | None = None

    @property
    def searches_names(self) -> bool:
        return bool(self.name.strip())

    def shown(self) -> dict[str, str]:
        """The conditions, without the name term, as a page keeps them in its links."""
        kept = {
            "number": str(self.number or ""), "code": self.tracking_code or "",
            "process": self.process_key or "", "status": self.status or "",
            "date_field": self.date_field if self.date_from or self.date_to else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "", "q": self.text}
        return {k: v for k, v in kept.items() if v}


def _digits(raw: str) -> str:
    return arabic_digits(raw.strip())


def _number(raw: str, problems: dict[str, str]) -> int | None:
    text = _digits(raw).lstrip("#").strip()
    if not text:
        return None
    if text.isascii() and text.isdecimal() and valid_id(int(text)):
        return int(text)
    problems["number"] = "เลขที่เรื่องต้องเป็นตัวเลข เช่น 12 / a case number, e.g. 12"
    return None


def normalise_tracking_code(raw: str) -> str:
    """A code as typed (any case, spaces, dashes or none) in the form it is stored."""
    typed = "".join(raw.split()).replace("-", "").upper()
    if len(typed) == 12:
        return f"{typed[:4]}-{typed[4:8]}-{typed[8:]}"
    return typed


def _tracking_code(raw: str, problems: dict[str, str]) -> str | None:
    if not raw.strip():
        return None
    code = normalise_tracking_code(raw[:100])
    if not TRACKING_CODE.fullmatch(code):
        problems["code"] = ("รหัสติดตามมีรูปแบบ GF69-XXXX-XXXX / a tracking code looks like "
                            "GF69-XXXX-XXXX")
        return None
    return code


def _status(raw: str, problems: dict[str, str]) -> str | None:
    text = raw.strip()
    if not text:
        return None
    if text in {s.value for s in InstanceStatus}:
        return text
    problems["status"] = ("สถานะไม่ถูกต้อง / unknown status; use one of "
                          + ", ".join(s.value for s in InstanceStatus))
    return None


def _dates(args: Mapping[str, str], read: Callable[[str], date],
           problems: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    which = (args.get("date_field") or "received").strip()
    if which not in DATE_FIELDS:
        problems["date_field"] = "ใช้ received หรือ started / use received or started"
    else:
        values["date_field"] = which
    for name in ("date_from", "date_to"):
        raw = (args.get(name) or "").strip()[:40]
        if raw:
            try:
                values[name] = read(raw)
            except ValueError as error:
                problems[name] = str(error)
    start, end = values.get("date_from"), values.get("date_to")
    if isinstance(start, date) and isinstance(end, date) and start > end:
        problems["date_to"] = ("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น / the end date is before "
                               "the start date")
    return values


def _text(raw: str, problems: dict[str, str]) -> str:
    try:
        return " ".join(clean_query(raw).split())
    except InvalidData as error:
        problems["q"] = error.fields.get("q", error.message or "")
        return ""


def _name(raw: str) -> str:
    # Control characters (a NUL breaks PostgreSQL) out; the index normalises the rest.
    return "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C").strip()


def _name_fields(raw: object, problems: dict[str, str]) -> tuple[str, ...] | None:
    if raw in (None, "", [], ()):
        return None
    chosen = [raw] if isinstance(raw, str) else raw
    if not isinstance(chosen, list | tuple) or not all(isinstance(f, str) for f in chosen) \
            or not set(chosen) <= set(INDEX_FIELDS):
        problems["name_fields"] = ("ค้นชื่อได้เฉพาะ complainant (ผู้ร้องเรียน) หรือ accused "
                                   "(ผู้ถูกร้องเรียน) / use complainant or accused")
        return None
    return tuple(f for f in INDEX_FIELDS if f in chosen)


def filters_from(args: Mapping[str, str], *,
                 read_day: Callable[[str], date] = parse_date_entry,
                 name: str = "", name_fields: object = None) -> CaseFilters:
    """Filters from ``number``, ``code``, ``process``, ``status``, ``date_field``,
    ``date_from``, ``date_to`` and ``q``; the name term and its fields come apart (from a
    POST body only). ``read_day`` reads a date: ``parse_date_entry`` (engine.thai.dates)
    for a form, ``parse_iso_day`` for the API."""
    problems: dict[str, str] = {}
    process = (args.get("process") or "").strip()[:100]
    values = dict(
        number=_number(args.get("number") or "", problems),
        tracking_code=_tracking_code(args.get("code") or "", problems),
        process_key=process or None,
        status=_status(args.get("status") or "", problems),
        text=_text(args.get("q") or "", problems),
        name=_name(name),
        name_fields=_name_fields(name_fields, problems),
        **_dates(args, read_day, problems),
    )
    if problems:
        raise InvalidData("เงื่อนไขการค้นหาไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ / some search "
                          "conditions are not valid; correct the fields named", problems)
    return CaseFilters(**values)  # type: ignore[arg-type]
