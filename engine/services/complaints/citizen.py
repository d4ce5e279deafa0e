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
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from engine.core.errors import InvalidData, NotFound
from engine.core.models import Attachment, ProcessInstance, Task, TrackingCode, utcnow
from engine.core.statuses import InstanceStatus, TaskStatus
from engine.services.complaints.letters import complaint_outcome, not_considered_reasons
from engine.services.inbox.attachments import UploadedFile, files_problems, store_attachment
from engine.services.inbox.instances import checked_start_data, current_definition, start_case
from engine.thai.dates import be_year
from engine.thai.workdays import BANGKOK
from engine.workflow.cases import case_data_of
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

PROCESS_KEY = "complaint"
#: Set by the channel itself, never by the citizen.
CHANNEL_FIELDS = ("channel", "received_at")
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


def _file(rt: Runtime, data: Any, files: Sequence[UploadedFile]
          ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """File the complaint and store its files in one transaction: all of it, or nothing."""
    problems = evidence_problems(files)
    fields = _channel_fields(data, problems)
    now = utcnow()
    today = now.astimezone(BANGKOK).date()
    fields.update(channel="website", received_at=today.isoformat())
    with rt.workflow_guard() as guard, rt.db.write() as session:
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
        stored = [store_attachment(rt, session, None, case.instance.id, upload.filename,
                                   upload.content_type, upload.data) for upload in files]
    receipt = {"tracking_code": code, "secret": secret, "received_on": today.isoformat()}
    return receipt, stored


def submit_complaint(rt: Runtime, data: dict[str, Any]) -> dict[str, Any]:
    """File a complaint from the website; return its tracking code and secret (shown once)."""
    receipt, _stored = _file(rt, data, ())
    return receipt


def submit_complaint_with_evidence(rt: Runtime, data: dict[str, Any],
                                   files: Sequence[UploadedFile]) -> dict[str, Any]:
    """File a complaint with up to :data:`MAX_EVIDENCE_FILES` evidence files (the web page).

    Every file is checked before anything is stored; one bad file, or a bad field, refuses
    the lot and files nothing. The receipt adds ``files``: the stored display names and
    sizes, which count against the same limit as files added later with the secret.
    """
    receipt, stored = _file(rt, data, files)
    return {**receipt, "files": [{"filename": view["filename"], "size": view["size"]}
                                 for view in stored]}


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
