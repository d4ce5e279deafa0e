"""A complaint that arrives as a letter or in person gets its number in the ทะเบียนหนังสือรับ
in the command that registers the case; one filed on the website is no letter and gets
none (its tracking code is its handle)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.errors import InvalidData
from engine.core.limits import require_fit
from engine.core.models import RegisterEntry
from engine.services.registry.entries import Letter, Numbered, register_incoming
from engine.thai.workdays import to_bangkok_date
from engine.workflow.runtime import Runtime

PROCESS_KEY = "complaint"
#: The channels that bring a paper into the office, each registered under its own kind.
REGISTERED_CHANNELS = ("letter", "in_person")
#: Who a letter is from when the complainant gave no name.
ANONYMOUS_SENDER = "ผู้ร้องเรียน (ไม่ประสงค์ออกนาม)"


def register_arrival(rt: Runtime, session: Session, process_key: str, instance_id: int,
                     data: Mapping[str, Any], personal: Mapping[str, Any], received_on: date,
                     actor: Actor | None) -> Numbered | None:
    """The received number of a complaint that came as a letter or a visit, or None.

    The entry is dated the day the complaint arrived and is confidential: its sender is
    the complainant."""
    channel = data.get("channel")
    if process_key != PROCESS_KEY or channel not in REGISTERED_CHANNELS:
        return None
    letter_ref = str(data.get("letter_no") or "").strip()
    require_fit({"letter_no": (RegisterEntry.letter_ref, letter_ref)},
                "เลขที่หนังสือของผู้ร้องเรียนยาวเกินกำหนด / the complainant's letter number is "
                "too long")
    raw_date = data.get("letter_date")
    letter_date = to_bangkok_date(raw_date) if channel == "letter" and raw_date else None
    if letter_date is not None and letter_date > received_on:
        raise InvalidData("วันที่ของหนังสือไม่ถูกต้อง / the letter's date is not valid", {
            "letter_date": "หนังสือลงวันที่หลังวันที่ได้รับเรื่องไม่ได้ / a letter cannot be dated "
                           "after the day it was received"})
    return register_incoming(session, rt.cipher, Letter(
        subject=str(data.get("subject") or ""),
        party=str(personal.get("complainant_name") or ANONYMOUS_SENDER),
        letter_kind=str(channel), instance_id=instance_id, confidential=True,
        letter_date=letter_date,
        letter_ref=letter_ref if channel == "letter" else ""),
        on=received_on, actor=actor)
