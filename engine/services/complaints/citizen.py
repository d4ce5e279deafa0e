"""The website channel: citizens file complaints without signing in and follow them up.

A submission becomes the same record as a letter or a visit, with ``channel`` set to
``website`` and ``received_at`` the Bangkok date it arrived. The citizen gets a public
tracking code and a secret; only the secret's hash is stored. Tracking shows status
and dates only, and a wrong secret gets exactly the answer an unknown code gets.

Evidence files come either with the complaint (:func:`submit_complaint_with_evidence`, the
web page) or afterwards (:func:`add_evidence`, the API); both count against the same limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.core.errors import InvalidData, NotFound
from engine.core.models import (
    Attachment,
    FilingKey,
    ProcessInstance,
    Task,
    TrackingCode,
    utcnow,
)
from engine.core.statuses import InstanceStatus, TaskStatus
from engine.services.complaints import filing_keys
from engine.services.complaints.letters import complaint_outcome, not_considered_reasons
from engine.services.inbox.attachments import UploadedFile, files_problems, store_attachment
from engine.services.inbox.instances import checked_start_data, current_definition, start_case
from engine.thai.dates import be_year
from engine.thai.workdays import BANGKOK
from engine.workflow.cases import case_data_of
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

PROCESS_KEY = "complaint"
#: Set by the channel itself, never by the citizen (the last two describe a paper letter
#: the office received).
CHANNEL_FIELDS = ("channel", "received_at", "letter_date", "letter_no")
_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes

#: What a citizen may know of their case, in Thai and English.
STATUS_TEXT = {
    "received": ("รับเรื่องแล้ว อยู่ระหว่างพิจารณาเบื้องต้น", "received; being screened"),
    "in_progress": ("รับไว้พิจารณา อยู่ระหว่างดำเนินการ", "accepted; in progress"),
    "not_considered": ("ไม่รับไว้พิจารณา", "not considered"),
    "forwarded": ("ส่งต่อหน่วยงานที่มีอำนาจ", "forwarded to the competent agency"),
    "completed": ("ดำเนินการแล้วเสร็จ", "completed"),
}


def _not_found() -> NotFound:
    # One answer for an unknown code and a wrong secret, so neither can be probed.
    return NotFound("ไม่พบเรื่องตามรหัสและรหัสลับที่ให้มา กรุณาตรวจสอบอีกครั้ง / no complaint "
                    "matches this tracking code and secret")


def _hash(secret: str) -> str:
    """The stored form of a secret; case, spaces and dashes do not matter when typed."""
    typed = "".join(secret.split()).replace("-", "").upper()
    return hashlib.sha256(typed.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    """16 characters without look-alikes (about 74 bits), in groups a person can copy
    from a printed receipt: ``K7P2-QX9M-...``."""
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(body[i:i + 4] for i in range(0, 16, 4))


def _new_code(year_be: int) -> str:
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"GF{year_be % 100:02d}-{body[:4]}-{body[4:]}"


#: Evidence files a citizen may attach to one complaint, within this many days of filing.
MAX_EVIDENCE_FILES = 5
EVIDENCE_DAYS = 7
#: What store_attachment records as the uploader of a citizen's file.
PUBLIC_UPLOADER = "public"
#: The error key for evidence files filed with a complaint (the web form's file input).
EVIDENCE_FIELD = "evidence"
def evidence_problems(files: Sequence[UploadedFile]) -> dict[str, str]:
    """What is wrong with the citizen's files, under :data:`EVIDENCE_FIELD`."""
    return files_problems(files, field=EVIDENCE_FIELD, max_files=MAX_EVIDENCE_FILES)


def _channel_fields(data: Any, problems: dict[str, str]) -> dict[str, Any]:
    """The citizen's fields with the channel's own; refuses what only the office may set.

    ``problems`` (the files' faults) travel with any refusal, so one answer names them all.
    """
    if not isinstance(data, dict):
        raise InvalidData("ข้อมูลต้องเป็น JSON object / the body must be a JSON object")
    fields = {k: v for k, v in data.items() if k != "notice_acknowledged"}
    if data.get("notice_acknowledged") is not True:
        raise InvalidData(
            "กรุณาอ่านและรับทราบประกาศความเป็นส่วนตัวก่อนส่งเรื่อง / read and acknowledge the "
            "privacy notice before sending",
            {"notice_acknowledged": "ต้องรับทราบ / must be true", **problems},
        )
    bad = [key for key in CHANNEL_FIELDS if key in fields]
    if bad:
        raise InvalidData("ช่องทางและวันที่รับเรื่องระบบกำหนดเอง / the channel and the received "
                          "date are set by the office",
                          {**{key: "ไม่ต้องส่ง / do not send" for key in bad}, **problems})
    return fields


#: How a submission names itself: its channel, its key and its body's hash.
FilingKeyOf = tuple[filing_keys.Channel, str, str]


def _replayed(rt: Runtime, session: Session, row: FilingKey) -> dict[str, Any]:
    """The first receipt of a key sent again: never the secret, which was already given."""
    code = session.scalar(select(TrackingCode.code).where(
        TrackingCode.instance_id == row.instance_id))
    instance = session.get_one(ProcessInstance, row.instance_id)
    kept = rt.cipher.decrypt(row.sealed_receipt)
    return {"tracking_code": code, "secret": None,
            "received_on": instance.received_on.isoformat() if instance.received_on else None,
            "files": kept.get("files", []), "replayed": True}


def _earlier_filing(rt: Runtime, session: Session, key: FilingKeyOf, previous: str | None,
                    now: datetime) -> FilingKey | None:
    """The filing this key (or, from the web page, these same words) already made."""
    row = filing_keys.find(session, key[0], key[1], now, body=key[2])
    if row is not None:
        return row
    before = filing_keys.same_as_before(session, previous, key[2], now)
    if before is not None:
        # The new token stands for the first filing too. A secret not shown yet moves
        # with it, so the receipt shows it once, under either token.
        kept = rt.cipher.decrypt(before.sealed_receipt)
        filing_keys.remember(session, key[0], key[1], before.instance_id, now, body=key[2],
                             sealed_receipt=rt.cipher.encrypt(kept))
        if kept.pop("secret", None) is not None:
            before.sealed_receipt = rt.cipher.encrypt(kept)
    return before


def _file(rt: Runtime, data: Any, files: Sequence[UploadedFile], key: FilingKeyOf | None,
          *, keep_secret: bool = False, previous: str | None = None) -> dict[str, Any]:
    """File the complaint, store its files and keep its key in one transaction: all of it,
    or nothing. A key already used gets its first receipt back and files nothing.

    ``keep_secret`` seals the secret beside the key until :func:`form_receipt` shows it
    once: the web page answers its POST with a redirect, so the receipt is a later GET.
    ``previous`` is the form token this browser filed with last (see
    :func:`filing_keys.same_as_before`).
    """
    now = utcnow()
    today = now.astimezone(BANGKOK).date()
    try:
        with rt.workflow_guard() as guard, rt.db.write() as session:
            # Before any check: going back and sending again shows the first receipt even
            # if the form has changed since.
            earlier = _earlier_filing(rt, session, key, previous, now) if key else None
            if earlier is not None:
                return _replayed(rt, session, earlier)
            problems = evidence_problems(files)
            fields = _channel_fields(data, problems)
            fields.update(channel="website", received_at=today.isoformat())
            definition = current_definition(rt, session, PROCESS_KEY)
            clean = checked_start_data(
                definition.start_form, fields, problems,
                "แนบไฟล์ไม่ได้ ยังไม่ได้ส่งเรื่อง / a file cannot be attached; nothing was sent")
            case, _opened, _personal = start_case(rt, session, guard, definition, clean, None)
            secret = _new_secret()
            code = _new_code(be_year(today))
            while session.scalar(select(TrackingCode.id).where(TrackingCode.code == code)):
                code = _new_code(be_year(today))
            session.add(TrackingCode(instance_id=case.instance.id, code=code,
                                     secret_hash=_hash(secret), created_at=now))
            stored = [{"filename": view["filename"], "size": view["size"]} for view in (
                store_attachment(rt, session, None, case.instance.id, upload.filename,
                                 upload.content_type, upload.data) for upload in files)]
            if key is not None:
                kept: dict[str, Any] = {"files": stored} if stored else {}
                if keep_secret:
                    kept["secret"] = secret
                filing_keys.remember(session, key[0], key[1], case.instance.id, now,
                                     body=key[2], sealed_receipt=rt.cipher.encrypt(kept))
    except IntegrityError:
        # The same key sent twice at once (PostgreSQL): the other one filed; show its receipt.
        if key is None:
            raise
        with rt.db.read() as session:
            row = filing_keys.find(session, key[0], key[1], now, body=key[2])
            if row is None:
                raise
            return _replayed(rt, session, row)
    return {"tracking_code": code, "secret": secret, "received_on": today.isoformat(),
            "files": stored, "replayed": False}


#: What the API says instead of a secret it gave once already.
REPLAY_NOTE = (
    "รหัสลับให้ไว้แล้วในคำตอบแรกของคีย์นี้ และไม่แสดงซ้ำ หากทำหาย โปรดติดต่อกลุ่มกฎหมายและคดี "
    "พร้อมรหัสติดตามเรื่อง / the secret was given in this key's first answer only; if it is "
    "lost, contact the Legal Affairs group with the tracking code")


def submit_complaint(rt: Runtime, data: dict[str, Any], *,
                     idempotency_key: str | None = None) -> dict[str, Any]:
    """File a complaint from the API; return its tracking code and secret (shown once).

    With an ``idempotency_key``, the same key and the same body within
    :data:`~engine.services.complaints.filing_keys.KEY_LIFETIME` file nothing new: the
    answer is the first one with ``replayed`` true and, in place of the secret, a
    ``secret_note``. The same key with another body is a Conflict.
    """
    key: FilingKeyOf | None = None
    if idempotency_key is not None:
        key = ("api", filing_keys.checked_key("api", idempotency_key),
               filing_keys.body_hash(data))
    receipt = _file(rt, data, (), key)
    receipt.pop("files", None)
    if receipt["replayed"]:
        receipt.pop("secret")
        receipt["secret_note"] = REPLAY_NOTE
    return receipt


def submit_complaint_with_evidence(rt: Runtime, data: dict[str, Any],
                                   files: Sequence[UploadedFile], *, form_token: str,
                                   previous_token: str | None = None) -> dict[str, Any]:
    """File a complaint from the web page, with up to :data:`MAX_EVIDENCE_FILES` evidence
    files, under the form's one-time token; the receipt is then :func:`form_receipt`.

    Every file is checked before anything is stored; one bad file, or a bad field, refuses
    the lot and files nothing. A token already used files nothing and answers with its
    first receipt (``replayed`` true), whatever the form holds now; so does the same typed
    text under a new token when ``previous_token`` (this browser's last filing) filed it.
    The answer never holds the secret: the page shows it from :func:`form_receipt`, once.
    """
    key: FilingKeyOf = ("form", filing_keys.checked_key("form", form_token),
                        filing_keys.body_hash(data))
    receipt = _file(rt, data, files, key, keep_secret=True, previous=previous_token)
    return {name: value for name, value in receipt.items() if name != "secret"}


def form_token_used(rt: Runtime, form_token: str) -> bool:
    """Whether a form token has filed a complaint (and its receipt may be shown again)."""
    with rt.db.read() as session:
        return filing_keys.find(session, "form", filing_keys.checked_key("form", form_token),
                                utcnow()) is not None


def form_receipt(rt: Runtime, form_token: str) -> dict[str, Any]:
    """The receipt of the complaint a form token filed: tracking code, date and files, and
    the secret the first time only (``secret`` is None afterwards).

    The secret is sealed beside the token from the filing until this first showing, so
    the page can answer its POST with a redirect and a reload never files again.
    """
    now = utcnow()
    with rt.db.write() as session:
        row = filing_keys.find(session, "form", filing_keys.checked_key("form", form_token),
                               now)
        if row is None:
            raise NotFound("ไม่พบใบรับเรื่อง หรือพ้นกำหนดแสดงแล้ว ติดตามเรื่องได้ด้วยรหัสติดตามเรื่องและรหัสลับ / "
                           "no receipt here, or it has expired; follow the complaint with its "
                           "tracking code and secret")
        kept = rt.cipher.decrypt(row.sealed_receipt)
        secret = kept.pop("secret", None)
        if secret is not None:
            row.sealed_receipt = rt.cipher.encrypt(kept)
        receipt = _replayed(rt, session, row)
    return {**receipt, "secret": secret}


def _tracked(session: Any, code: str, secret: str) -> TrackingCode:
    """The tracking row for a code and its secret; NotFound for anything else."""
    if not code or not secret or len(code) > 40 or len(secret) > 100:
        raise _not_found()
    row = session.scalar(select(TrackingCode).where(TrackingCode.code == code.strip()))
    # Compare in constant time, and hash even when the code is unknown, so timing says
    # nothing about which half was wrong.
    expected = row.secret_hash if row is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(secret)) or row is None:
        raise _not_found()
    return row


def add_evidence(rt: Runtime, code: str, secret: str, filename: str, content_type: str,
                 data: bytes) -> dict[str, Any]:
    """Attach a PDF or image to a complaint filed on the website (the API's upload call)."""
    # The message names the file, as the page's does, so the sender knows which one.
    problems = files_problems([UploadedFile(filename, content_type, data)], field="file",
                              max_files=1)
    if problems:
        raise InvalidData("แนบไฟล์ไม่ได้ / the file cannot be attached", problems)
    with rt.db.write() as session:
        row = _tracked(session, code, secret)
        # A citizen's files only: letters the system files on the case have no uploader
        # either, but must not use up the citizen's allowance.
        count = session.scalar(select(func.count()).where(
            Attachment.instance_id == row.instance_id, Attachment.uploaded_by_id.is_(None),
            Attachment.uploaded_by == PUBLIC_UPLOADER)) or 0
        if count >= MAX_EVIDENCE_FILES or utcnow() - row.created_at > timedelta(
                days=EVIDENCE_DAYS):
            raise InvalidData(
                f"แนบหลักฐานได้ไม่เกิน {MAX_EVIDENCE_FILES} ไฟล์ ภายใน {EVIDENCE_DAYS} วันหลังส่งเรื่อง "
                "หากมีเพิ่มเติมโปรดติดต่อกลุ่มกฎหมายและคดี / at most "
                f"{MAX_EVIDENCE_FILES} files within {EVIDENCE_DAYS} days of filing; for more, "
                "contact the Legal Affairs group", {"file": "limit reached"})
        stored = store_attachment(rt, session, None, row.instance_id, filename, content_type,
                                  data)
        # The citizen learns only that the file arrived, not where the case stands inside.
        return {"filename": stored["filename"], "size": stored["size"],
                "sha256": stored["sha256"]}


def _status(instance: ProcessInstance, data: dict[str, Any], open_tasks: list[str]) -> str:
    outcome = data.get("screening_outcome")
    if instance.status == InstanceStatus.COMPLETED:
        return {"not_considered": "not_considered", "forward": "forwarded"}.get(
            outcome or "", "completed")
    if "triage" in open_tasks or outcome is None:
        return "received"
    return {"forward": "forwarded", "not_considered": "not_considered"}.get(
        outcome, "in_progress")


def track_complaint(rt: Runtime, code: str, secret: str) -> dict[str, Any]:
    """Status and dates of a complaint, for the citizen holding its code and secret."""
    with rt.db.read() as session:
        row = _tracked(session, code, secret)
        instance = session.get_one(ProcessInstance, row.instance_id)
        open_tasks = list(session.scalars(select(Task.bpmn_id).where(
            Task.instance_id == instance.id, Task.state == TaskStatus.OPEN)))
        data = case_data_of(rt, session, instance.id)
        status = _status(instance, data, open_tasks)
        thai, english = STATUS_TEXT[status]
        return {
            "tracking_code": row.code,
            "status": status,
            "status_text": thai,
            "status_text_en": english,
            "received_on": instance.received_on.isoformat() if instance.received_on else None,
            "updated_at": iso(instance.updated_at),
            "closed_at": iso(instance.ended_at),
            "result": _result(rt, session, instance, data),
        }


def _result(rt: Runtime, session: Any, instance: ProcessInstance,
            data: dict[str, Any]) -> dict[str, Any] | None:
    """What the office told the complainant (once resolved, they are told the result),
    once it did: the outcome and the
    message Legal Affairs wrote for them, never internal notes."""
    if "result_message" not in data:
        return None
    definition = rt.definitions.by_id(session, instance.version_id)
    return {
        "outcome": complaint_outcome(data, not_considered_reasons(definition)),
        "message": data["result_message"],
        "notified_on": data.get("notified_on"),
    }
