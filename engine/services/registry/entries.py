"""Writing a letter into a register, in the command that sends or receives it.

Each entry takes the register's next number (:func:`engine.services.registry.numbers.
next_number`) in the caller's transaction: the number exists once that command commits,
and never again after. A complaint letter's entry is confidential: its subject and its
other party (the complainant, the accused or their unit) are kept only encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import PUBLIC_NAME, record
from engine.core.limits import column_limit
from engine.core.models import RegisterEntry, shortened
from engine.core.personal_data import PersonalDataCipher
from engine.services.registry.numbers import Register, next_number
from engine.thai.dates import be_year

_entry = cast(Table, RegisterEntry.__table__)
_INSERT_ENTRY = insert(_entry).returning(_entry.c.id)


@dataclass(frozen=True)
class Numbered:
    """The number a letter got: its register, Buddhist-Era year and number."""

    entry_id: int
    register: str
    year: int
    number: int
    entry_date: date

    @property
    def label(self) -> str:
        """As the registers write it: "12/2569"."""
        return f"{self.number}/{self.year}"


@dataclass(frozen=True)
class Letter:
    """What a register records of one letter."""

    subject: str
    #: To whom it is sent (outgoing) or from whom it came (incoming).
    party: str
    letter_kind: str
    instance_id: int | None = None
    #: A complaint letter: subject and party encrypted, the row for the privileged only.
    confidential: bool = False
    #: An incoming letter's own date and number, as the sender wrote them.
    letter_date: date | None = None
    letter_ref: str = ""
    letter_job_id: int | None = None


def issue_outgoing_number(session: Session, cipher: PersonalDataCipher, letter: Letter, *,
                          on: date, actor: Actor | None, number: int | None = None) -> Numbered:
    """The next number of the ทะเบียนหนังสือส่ง for a letter sent on ``on`` (a Bangkok
    day), written with the letter's entry. ``number``: the one the caller has just drawn
    for it in this transaction (:func:`draw_outgoing_number`), to write the letter's own
    row with it before its entry."""
    return _enter(session, cipher, "outgoing", letter, on=on, actor=actor, number=number)


def draw_outgoing_number(session: Session, on: date) -> int:
    """The ทะเบียนหนังสือส่ง's next number for a letter sent on ``on``, to pass to
    :func:`issue_outgoing_number` in the same transaction."""
    return next_number(session, "outgoing", be_year(on))


def register_incoming(session: Session, cipher: PersonalDataCipher, letter: Letter, *,
                      on: date, actor: Actor | None, public: bool = False) -> Numbered:
    """The next number of the ทะเบียนหนังสือรับ for a letter received on ``on``;
    ``actor`` None with ``public`` is a citizen filing on the website."""
    return _enter(session, cipher, "incoming", letter, on=on, actor=actor, public=public)


def _enter(session: Session, cipher: PersonalDataCipher, register: Register, letter: Letter,
           *, on: date, actor: Actor | None, public: bool = False,
           number: int | None = None) -> Numbered:
    year = be_year(on)
    if number is None:
        number = next_number(session, register, year)
    texts: dict[str, Any] = {"subject": letter.subject, "party": letter.party}
    limits = {"subject": column_limit(RegisterEntry.subject) or 300,
              "party": column_limit(RegisterEntry.party) or 300}
    # Core, not the ORM: the entry is written once here and never read back in the command.
    entry_id = session.connection().execute(_INSERT_ENTRY, {
        "register": register, "year": year, "number": number, "entry_date": on,
        # Text govflow takes from the case or a template: cut to the column, never refused.
        "subject": "" if letter.confidential else shortened(letter.subject, limits["subject"]),
        "party": "" if letter.confidential else shortened(letter.party, limits["party"]),
        "sealed": cipher.encrypt(texts) if letter.confidential else None,
        "confidential": letter.confidential, "letter_kind": letter.letter_kind,
        "instance_id": letter.instance_id, "letter_date": letter.letter_date,
        "letter_ref": letter.letter_ref, "letter_job_id": letter.letter_job_id,
        "registered_by_id": actor.id if actor else None,
        "registered_by": actor.username if actor else PUBLIC_NAME if public else "system",
    }).scalar_one()
    # The number only: the subject and party may name people.
    record(session, actor, "register_number_issued", instance_id=letter.instance_id,
           public=public, register=register, year=year, number=number, entry_id=entry_id)
    return Numbered(entry_id, register, year, number, on)


_RECEIVED_ENTRY = (
    select(_entry.c.number, _entry.c.year, _entry.c.letter_kind, _entry.c.letter_ref,
           _entry.c.letter_date)
    .where(_entry.c.register == "incoming", _entry.c.instance_id == bindparam("iid"))
    .order_by(_entry.c.id).limit(1)
)


def received_entry(session: Session, instance_id: int) -> Row[Any] | None:
    """The case's entry in the ทะเบียนหนังสือรับ (the letter or visit it came by), if any:
    its number, year, letter kind, and the sender's own number and date. Core, built once:
    the result notice reads it in the completing command."""
    return session.connection().execute(_RECEIVED_ENTRY, {"iid": instance_id}).first()


def received_number(session: Session, instance_id: int) -> str | None:
    """The case's received number as the register writes it ("12/2569"), or None. The
    number alone names no one: it is shown to whoever may see the case."""
    entry = received_entry(session, instance_id)
    return f"{entry.number}/{entry.year}" if entry is not None else None
