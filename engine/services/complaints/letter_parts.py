"""What a complaint letter carries besides its template's fields, decided on its step.

* the marks (ชั้นความเร็ว, ชั้นความลับ) chosen on the step's form; complaint letters are
  ลับ unless the step says otherwise;
* สิ่งที่ส่งมาด้วย, chosen from the case's files. A letter to the accused or their unit
  never encloses a file the complainant supplied: such files are not offered, a request
  naming one is refused, and so is a file whose name holds the complainant's name;
* อ้างถึง, on the result notice only: the complainant's letter, its date and its number
  in the ทะเบียนหนังสือรับ. A complaint filed on the website has no letter to refer to
  and the notice names its received date and tracking code in its body instead, so it
  carries no อ้างถึง;
* the signer, as they stand on the day of issue (engine/services/admin/signers.py).

All of it is fixed in the completing command and sealed with the letter's job, so the
letter drawn later says what was decided then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.errors import InvalidData
from engine.core.models import Attachment
from engine.documents.letter_marks import COMPLAINT_SECRECY, SECRECY, URGENCY
from engine.documents.signature import Signature
from engine.services.inbox.attachments import shown_filename
from engine.services.registry.entries import received_entry
from engine.thai.dates import format_thai_date
from engine.workflow.runtime import Runtime

#: What a step's form stores for "no mark" (an empty choice is not sent by a browser, and
#: a missing secrecy means the complaint default, ลับ).
NO_MARK = "none"
#: The form fields a letter step may have.
URGENCY_FIELD, SECRECY_FIELD, ENCLOSURES_FIELD = "urgency", "secrecy", "enclosures"
#: The letter that goes to the accused or their unit: no file of the complainant's.
TO_THE_ACCUSED = "initial_action_notice"
#: The letter that may refer to the complainant's own letter.
TO_THE_COMPLAINANT = "result_notice"


@dataclass(frozen=True)
class LetterParts:
    """The signer, enclosures and reference of one letter, as sealed with its job."""

    signature: Signature | None = None
    enclosures: Sequence[str] = field(default_factory=tuple)
    reference: str = ""

    def sealable(self) -> dict[str, Any]:
        return {"signature": asdict(self.signature) if self.signature else None,
                "enclosures": list(self.enclosures), "reference": self.reference}

    @classmethod
    def unsealed(cls, parts: Mapping[str, Any]) -> LetterParts:
        """From the job's sealed parts; a job queued before they existed has none."""
        signature = parts.get("signature")
        return cls(Signature(**signature) if signature else None,
                   tuple(parts.get("enclosures") or ()), str(parts.get("reference") or ""))


def letter_marks_of(data: Mapping[str, Any]) -> tuple[str, str]:
    """(urgency, secrecy) as keys of engine.documents.letter_marks, from the step's form.

    The form's choices are the same keys, with :data:`NO_MARK` for none; a value from an
    older form or an API client that is not a mark refuses the step."""
    urgency = str(data.get(URGENCY_FIELD) or NO_MARK)
    secrecy = str(data.get(SECRECY_FIELD) or COMPLAINT_SECRECY)
    problems = {}
    if urgency != NO_MARK and urgency not in URGENCY:
        problems[URGENCY_FIELD] = ("เลือกชั้นความเร็วจากรายการ / choose one of: "
                                   + ", ".join([NO_MARK, *(k for k in URGENCY if k)]))
    if secrecy != NO_MARK and secrecy not in SECRECY:
        problems[SECRECY_FIELD] = ("เลือกชั้นความลับจากรายการ / choose one of: "
                                   + ", ".join([NO_MARK, *(k for k in SECRECY if k)]))
    if problems:
        raise InvalidData("ชั้นความเร็วหรือชั้นความลับไม่ถูกต้อง / the letter's marks are not "
                          "valid", problems)
    return ("" if urgency == NO_MARK else urgency), ("" if secrecy == NO_MARK else secrecy)


def _case_files(session: Session, instance_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(
        Attachment.instance_id == instance_id).order_by(Attachment.id)))


def _may_enclose(kind: str, attachment: Attachment) -> bool:
    return not (kind == TO_THE_ACCUSED and attachment.from_complainant)


def _described(rt: Runtime, actor: Actor | None, attachment: Attachment) -> str:
    """A file as the สิ่งที่ส่งมาด้วย line names it: its name without the file ending."""
    name = shown_filename(rt, actor, attachment)
    return PurePath(name).stem or name


def enclosure_choices(rt: Runtime, session: Session, actor: Actor, instance_id: int,
                      kind: str) -> list[tuple[str, str]]:
    """The case's files the step may enclose, (id, name) in the order they were added;
    for a letter to the accused, none the complainant supplied."""
    return [(str(a.id), shown_filename(rt, actor, a)) for a in _case_files(session, instance_id)
            if _may_enclose(kind, a)]


def enclosure_names(rt: Runtime, session: Session, actor: Actor | None, instance_id: int,
                    kind: str, data: Mapping[str, Any], personal: Mapping[str, Any]
                    ) -> list[str]:
    """The chosen files' names for สิ่งที่ส่งมาด้วย; refuses a file of another case, and on
    a letter to the accused a file the complainant supplied or one named after them."""
    chosen = [int(i) for i in data.get(ENCLOSURES_FIELD) or ()]
    if not chosen:
        return []
    files = {a.id: a for a in _case_files(session, instance_id)}
    unknown = [i for i in chosen if i not in files]
    if unknown:
        raise InvalidData("ไฟล์ที่เลือกไม่ใช่ไฟล์ของเรื่องนี้ / a chosen file is not one of the "
                          "case's", {ENCLOSURES_FIELD: "เลือกจากไฟล์ของเรื่องนี้เท่านั้น / choose "
                                     "from this case's files"})
    if any(not _may_enclose(kind, files[i]) for i in chosen):
        raise InvalidData(
            "หนังสือถึงผู้ถูกร้องเรียนส่งไฟล์ของผู้ร้องเรียนไปด้วยไม่ได้ / a letter to the accused "
            "cannot enclose the complainant's files",
            {ENCLOSURES_FIELD: "ไฟล์ที่ผู้ร้องเรียนส่งมาต้องไม่ส่งถึงผู้ถูกร้องเรียน เลือกเฉพาะเอกสาร"
             "ของสำนักงาน / the complainant's files must never reach the accused: choose "
             "only the office's documents"})
    names = [_described(rt, actor, files[i]) for i in chosen]
    complainant = str(personal.get("complainant_name") or "").strip()
    if kind == TO_THE_ACCUSED and complainant and any(complainant in n for n in names):
        raise InvalidData(
            "ชื่อไฟล์ที่เลือกมีชื่อผู้ร้องเรียน / a chosen file is named after the complainant",
            {ENCLOSURES_FIELD: "หนังสือถึงผู้ถูกร้องเรียนต้องไม่ระบุชื่อผู้ร้องเรียน เปลี่ยนชื่อไฟล์หรือ"
             "ไม่เลือกไฟล์นั้น / a letter to the accused never names the complainant: "
             "rename the file or leave it out"})
    return names


def reference_for(session: Session, kind: str, instance_id: int, received_on: date) -> str:
    """อ้างถึง: on the result notice, the complainant's letter (its date, and its number in
    the ทะเบียนหนังสือรับ) or their visit; empty on any other letter and for a complaint
    filed on the website (no letter of theirs to refer to)."""
    if kind != TO_THE_COMPLAINANT:
        return ""
    entry = received_entry(session, instance_id)
    if entry is None:
        return ""
    number = f"ทะเบียนรับที่ {entry.number}/{entry.year}"
    if entry.letter_kind == "in_person":
        return (f"เรื่องร้องเรียนที่ท่านยื่นด้วยตนเอง เมื่อวันที่ {format_thai_date(received_on)} "
                f"({number})")
    own = f" ที่ {entry.letter_ref}" if entry.letter_ref else ""
    dated = f" ลงวันที่ {format_thai_date(entry.letter_date)}" if entry.letter_date else ""
    return f"หนังสือของท่าน{own}{dated} ({number})"


#: A form field's ``x-choices`` value that asks for the case's files as its choices.
CASE_FILES = "case_files"


Choices = dict[str, list[tuple[str, str]]]


def form_choices(rt: Runtime, session: Session, actor: Actor, instance_id: int,
                 form: Mapping[str, Any], letter_kind: str | None) -> Choices:
    """The choices of a step's fields that a form file cannot list (``"x-choices":
    "case_files"``): the case's files, less those the step's letter may not enclose."""
    wanted = [name for name, prop in (form.get("properties") or {}).items()
              if isinstance(prop, Mapping) and prop.get("x-choices") == CASE_FILES]
    if not wanted:
        return {}
    files = enclosure_choices(rt, session, actor, instance_id, letter_kind or "")
    return {name: files for name in wanted}
