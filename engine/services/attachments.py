"""Files attached to a case: PDF and images, checked by content, stored outside the web root.

Files are stored under ``<instance>/attachments/`` by a random name, never by the
name the user gave, and served only through :func:`read_attachment`, which checks
that the reader may see the case.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.audit import record
from engine.errors import InvalidData, NotFound
from engine.models import Attachment, utcnow
from engine.personal_data import personal_fields
from engine.runtime import Runtime
from engine.services.case_access import visible_case
from engine.services.views import iso

MAX_BYTES = 10 * 1024 * 1024
#: Allowed types and the bytes each file of that type starts with.
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_NAME = 200


def storage_dir(rt: Runtime) -> Path:
    return rt.settings.instance_dir / "attachments"


def _view(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "instance_id": attachment.instance_id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "at": iso(attachment.at),
        "uploaded_by": attachment.uploaded_by,
    }


def clean_filename(name: str) -> str:
    """A display name without paths or control characters (the stored name is random)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base)
                   if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return base[:MAX_NAME] or "attachment"


def check_file(content_type: str, data: bytes) -> None:
    """Refuse empty, oversized, unlisted types, and files whose bytes lie about their type."""
    fields: dict[str, str] = {}
    signatures = ALLOWED_TYPES.get(content_type)
    if not data:
        fields["file"] = "ไฟล์ว่าง / the file is empty"
    elif len(data) > MAX_BYTES:
        fields["file"] = "ไฟล์ใหญ่เกิน 10 MB / larger than 10 MB"
    elif signatures is None:
        fields["file"] = "รับเฉพาะ PDF, JPEG หรือ PNG / only PDF, JPEG or PNG files"
    elif not data.startswith(signatures):
        fields["file"] = "เนื้อไฟล์ไม่ตรงกับชนิดที่แจ้ง / the file's content is not a " + content_type
    if fields:
        raise InvalidData("แนบไฟล์ไม่ได้ / the file cannot be attached", fields)


def add_attachment(
    rt: Runtime, actor: Actor, instance_id: int, filename: str, content_type: str, data: bytes
) -> dict[str, Any]:
    check_file(content_type, data)
    with rt.db.write() as session:
        visible_case(rt, session, actor, instance_id)
        return store_attachment(rt, session, actor, instance_id, filename, content_type, data)


def store_attachment(
    rt: Runtime, session: Session, actor: Actor | None, instance_id: int, filename: str,
    content_type: str, data: bytes,
) -> dict[str, Any]:
    """Write a checked file and its row in the caller's transaction; ``actor`` None is the
    public (a citizen's evidence). The caller has checked the file and the access."""
    folder = storage_dir(rt)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    path.write_bytes(data)
    try:
        attachment = Attachment(
            instance_id=instance_id,
            filename=clean_filename(filename),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            stored_name=stored_name,
            uploaded_by_id=actor.id if actor else None,
            uploaded_by=actor.username if actor else "public",
            at=utcnow(),
        )
        session.add(attachment)
        session.flush()
        record(session, actor, "attachment_added", instance_id=instance_id,
               attachment_id=attachment.id, size=len(data), content_type=content_type)
        return _view(attachment)
    except BaseException:
        path.unlink(missing_ok=True)  # no orphan file when the row is not written
        raise


def list_attachments(rt: Runtime, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        visible_case(rt, session, actor, instance_id)
        rows = session.scalars(
            select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.id)
        )
        return [_view(a) for a in rows]


def read_attachment(rt: Runtime, actor: Actor, attachment_id: int) -> tuple[dict[str, Any], bytes]:
    """The file and its details. Complaint evidence may identify people, so reading it
    is recorded like any read of personal data."""
    with rt.db.write() as session:
        attachment = session.get(Attachment, attachment_id)
        missing = NotFound(f"ไม่พบไฟล์แนบ {attachment_id} / attachment {attachment_id} not found")
        if attachment is None:
            raise missing
        try:
            instance, _definition = visible_case(rt, session, actor, attachment.instance_id)
        except NotFound:
            raise missing from None
        if personal_fields(instance.process_key):
            record(session, actor, "attachment_read", instance_id=instance.id,
                   attachment_id=attachment.id)
        data = (storage_dir(rt) / attachment.stored_name).read_bytes()
        return _view(attachment), data
