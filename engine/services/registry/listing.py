"""The registers as their readers see them: listed by year and date range, and as CSV.

The Legal Affairs group and the Director see every row, complaint letters included (their
other party may be the complainant or the accused); each listing that opens such rows is
recorded like any read of complaint personal data. An administrator sees the office's
other rows only. A number is listed whatever became of its letter: numbers are never
reused, so a gap would say one was lost.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, InvalidData
from engine.core.models import RegisterEntry
from engine.core.personal_data import PRIVILEGED_ROLES, may_read_personal_data
from engine.documents.spreadsheet import csv_writer
from engine.services.complaints.letters import LETTER_FILENAMES
from engine.services.publishing.register import period_from
from engine.services.registry.numbers import REGISTERS
from engine.thai.dates import be_year, format_thai_date
from engine.workflow.runtime import Runtime

#: Who may open the registers: those who read complaint personal data see every row, an
#: administrator the rows of letters that are not complaints.
REGISTER_ROLES = PRIVILEGED_ROLES | {"admin"}
#: The audit action of a listing that showed complaint letters' rows.
READ_ACTION = "letter_register_read"
#: How the registers name a kind of letter.
KIND_TITLES: dict[str, str] = {
    **LETTER_FILENAMES,
    "letter": "หนังสือร้องเรียน",
    "in_person": "ร้องเรียนด้วยตนเอง",
}
#: Years a person may ask for (Buddhist Era): the registers start with govflow.
YEARS = range(2500, 2700)


@dataclass(frozen=True)
class RegisterFilters:
    """Which rows to list: a Buddhist-Era year and/or a range of Bangkok days."""

    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def filters_from(args: Mapping[str, str]) -> RegisterFilters:
    """Filters from ``year`` (พ.ศ., e.g. 2569), ``date_from`` and ``date_to`` (วว/ดด/ปปปป in
    the Buddhist Era, or ISO); every bad one is named in one InvalidData."""
    problems: dict[str, str] = {}
    raw_year = (args.get("year") or "").strip()
    year = None
    if raw_year:
        if raw_year.isdecimal() and int(raw_year) in YEARS:
            year = int(raw_year)
        else:
            problems["year"] = ("ปีต้องเป็นปีพุทธศักราช 4 หลัก เช่น 2569 / a Buddhist-Era year, "
                                "e.g. 2569")
    try:
        period = period_from(args.get("date_from"), args.get("date_to"))
    except InvalidData as error:
        problems.update(error.fields)
        period = None
    if problems:
        raise InvalidData("ตัวกรองไม่ถูกต้อง กรุณาแก้ไขช่องที่ระบุ / some filters are not valid",
                          problems)
    assert period is not None
    return RegisterFilters(year, period.start, period.end)


def require_reader(actor: Actor) -> None:
    if not actor.has_any(REGISTER_ROLES):
        raise Forbidden("ทะเบียนหนังสือดูได้เฉพาะกลุ่มกฎหมายและคดี ผู้อำนวยการ สพป. และผู้ดูแลระบบ "
                        "/ the letter registers are for Legal Affairs, the Director and "
                        "administrators")


def list_register(rt: Runtime, actor: Actor, register: str,
                  filters: RegisterFilters | None = None) -> list[dict[str, Any]]:
    """The register's rows the actor may see, by year and number."""
    require_reader(actor)
    if register not in REGISTERS:
        raise InvalidData(f"ไม่มีทะเบียน '{register}' / no register '{register}'",
                          {"register": "outgoing | incoming"})
    filters = filters or RegisterFilters()
    query = select(RegisterEntry).where(RegisterEntry.register == register)
    if filters.year is not None:
        query = query.where(RegisterEntry.year == filters.year)
    if filters.date_from is not None:
        query = query.where(RegisterEntry.entry_date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(RegisterEntry.entry_date <= filters.date_to)
    privileged = may_read_personal_data(actor.roles)
    if not privileged:
        query = query.where(RegisterEntry.confidential.is_(False))
    with rt.db.write() as session:
        rows = list(session.scalars(query.order_by(RegisterEntry.year, RegisterEntry.number)))
        opened = [row for row in rows if row.confidential]
        if opened:
            # Which rows, never what they say.
            record(session, actor, READ_ACTION, register=register,
                   entries=[row.id for row in opened])
        return [_row_view(rt, row) for row in rows]


def _row_view(rt: Runtime, row: RegisterEntry) -> dict[str, Any]:
    texts = rt.cipher.decrypt(row.sealed) if row.confidential else {
        "subject": row.subject, "party": row.party}
    return {
        "id": row.id,
        "register": row.register,
        "year": row.year,
        "number": row.number,
        "label": f"{row.number}/{row.year}",
        "entry_date": row.entry_date.isoformat(),
        "subject": texts.get("subject", ""),
        "party": texts.get("party", ""),
        "confidential": row.confidential,
        "letter_kind": row.letter_kind,
        "kind_title": KIND_TITLES.get(row.letter_kind, row.letter_kind),
        "instance_id": row.instance_id,
        "letter_date": row.letter_date.isoformat() if row.letter_date else None,
        "letter_ref": row.letter_ref,
        "registered_by": row.registered_by,
    }


_COLUMNS = {
    "outgoing": ["เลขที่", "ปี พ.ศ.", "ลงวันที่", "ถึง", "เรื่อง", "ชนิดหนังสือ", "เรื่องเลขที่",
                 "ชั้นความลับ", "ผู้ลงทะเบียน"],
    "incoming": ["เลขทะเบียนรับ", "ปี พ.ศ.", "วันที่รับ", "ที่", "ลงวันที่", "จาก", "เรื่อง",
                 "ชนิดหนังสือ", "เรื่องเลขที่", "ชั้นความลับ", "ผู้ลงทะเบียน"],
}


def _day(iso_day: str | None) -> str:
    return format_thai_date(date.fromisoformat(iso_day)) if iso_day else ""


def _csv_row(register: str, row: Mapping[str, Any]) -> list[Any]:
    secrecy = "ลับ" if row["confidential"] else ""
    case = row["instance_id"] if row["instance_id"] is not None else ""
    if register == "outgoing":
        return [row["number"], row["year"], _day(row["entry_date"]), row["party"],
                row["subject"], row["kind_title"], case, secrecy, row["registered_by"]]
    return [row["number"], row["year"], _day(row["entry_date"]), row["letter_ref"],
            _day(row["letter_date"]), row["party"], row["subject"], row["kind_title"], case,
            secrecy, row["registered_by"]]


def register_csv(register: str, rows: list[dict[str, Any]]) -> str:
    """The rows as CSV under the register's title; numbers stay numbers, every text cell
    passes the formula guard (engine/documents/spreadsheet.py), dates in the Buddhist Era."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([REGISTERS[register]])
    writer.writerow(_COLUMNS[register])
    writer.writerows(_csv_row(register, row) for row in rows)
    return out.getvalue()


def register_csv_bytes(register: str, rows: list[dict[str, Any]]) -> bytes:
    """With a byte-order mark, so spreadsheet programs read the Thai."""
    return ("\ufeff" + register_csv(register, rows)).encode("utf-8")


def csv_filename(register: str, filters: RegisterFilters) -> str:
    parts = [str(filters.year)] if filters.year else []
    parts += [d.isoformat() for d in (filters.date_from, filters.date_to) if d is not None]
    return f"register-{register}" + "".join(f"-{p}" for p in parts) + ".csv"


def this_year(today: date) -> int:
    """The Buddhist-Era year a register page opens on."""
    return be_year(today)
