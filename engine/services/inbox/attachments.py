"""Files attached to a case: PDF and images, checked by content, stored outside the web root.

Files are stored under ``<instance>/attachments/`` by a random name, never by the
name the user gave, and served only through :func:`read_attachment`, which checks
that the reader may see the case.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import PUBLIC_NAME, record
from engine.core.errors import Forbidden, InvalidData, NotFound
from engine.core.models import Attachment, ProcessInstance, utcnow
from engine.core.personal_data import may_read_personal_data, personal_fields
from engine.workflow.case_access import visible_case
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

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


def _view(attachment: Attachment, filename: str | None = None) -> dict[str, Any]:
    """The file's details; ``filename`` the name this reader is shown (else the row's),
    typed again for files kept before names followed their type."""
    return {
        "id": attachment.id,
        "instance_id": attachment.instance_id,
        "filename": typed_filename(filename or attachment.filename, attachment.content_type),
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "at": iso(attachment.at),
        "uploaded_by": attachment.uploaded_by,
        "kind": attachment.kind,
        "from_complainant": bool(attachment.from_complainant),
    }


def clean_filename(name: str) -> str:
    """A display name without paths or control characters (the stored name is random)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base)
                   if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return base[:MAX_NAME] or "attachment"


def typed_filename(name: str, content_type: str) -> str:
    """The display name ending as its checked type does: PNG bytes named "a.html" are kept
    and served as "a.png", so the name never makes a reader's computer open them as
    something else. A name without a file ending gets one."""
    clean = clean_filename(name)
    ending = _TYPE_ENDINGS.get(content_type)
    if ending is None or _ENDINGS.get(Path(clean).suffix.lower()) == content_type:
        return clean
    stem, dot, suffix = clean.rpartition(".")
    # "a.html" loses ".html"; "ฉบับ 2.1" keeps ".1", which is part of its name.
    if dot and stem and suffix.isascii() and suffix.isalnum() and not suffix.isdigit() \
            and len(suffix) <= 5:
        clean = stem
    return clean[:MAX_NAME - len(ending)] + ending


def stand_in_name(attachment_id: int, content_type: str) -> str:
    """What a sealed file's row keeps instead of its name: nothing of the original."""
    return f"file-{attachment_id}{_TYPE_ENDINGS.get(content_type, '')}"


def shown_filename(rt: Runtime, actor: Actor | None, attachment: Attachment) -> str:
    """The real name for those who may read personal data; the stand-in for anyone else."""
    if attachment.sealed_filename and actor is not None and may_read_personal_data(actor.roles):
        return rt.cipher.decrypt_bytes(attachment.sealed_filename).decode("utf-8")
    return attachment.filename


#: The type each file-name ending promises. A name that promises one type while the file
#: is declared another (a PNG renamed "x.pdf") would open wrongly for the reader.
_ENDINGS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".jpe": "image/jpeg", ".png": "image/png"}
#: The ending a stored file's name gets for its checked type.
_TYPE_ENDINGS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class UploadedFile:
    """One file a person chose, as the browser sent it; nothing is trusted until checked."""

    filename: str
    content_type: str
    data: bytes


def check_file(content_type: str, data: bytes, filename: str = "") -> None:
    """Refuse empty, oversized, unlisted types, files whose bytes lie about their type, and
    names whose ending promises another type."""
    fields: dict[str, str] = {}
    signatures = ALLOWED_TYPES.get(content_type)
    promised = _ENDINGS.get(Path(clean_filename(filename)).suffix.lower()) if filename else None
    if not data:
        fields["file"] = "ไฟล์ว่าง / the file is empty"
    elif len(data) > MAX_BYTES:
        fields["file"] = "ไฟล์ใหญ่เกิน 10 MB / larger than 10 MB"
    elif signatures is None:
        fields["file"] = "รับเฉพาะ PDF, JPEG หรือ PNG / only PDF, JPEG or PNG files"
    elif not data.startswith(signatures):
        fields["file"] = "เนื้อไฟล์ไม่ตรงกับชนิดที่แจ้ง / the file's content is not a " + content_type
    elif promised is not None and promised != content_type:
        fields["file"] = ("นามสกุลของชื่อไฟล์ไม่ตรงกับชนิดของไฟล์ / the file name's ending does "
                          "not match the file's type")
    if fields:
        raise InvalidData("แนบไฟล์ไม่ได้ / the file cannot be attached", fields)


def files_problems(files: Sequence[UploadedFile], *, field: str, max_files: int
                   ) -> dict[str, str]:
    """What is wrong with several files chosen at once, under ``field``, naming each bad
    file; empty when every file may be stored. Stores nothing."""
    if len(files) > max_files:
        return {field: (f"แนบไฟล์ได้ไม่เกิน {max_files} ไฟล์ (เลือกมา {len(files)} ไฟล์) "
                        f"/ at most {max_files} files ({len(files)} chosen)")}
    thai: list[str] = []
    english: list[str] = []
    for upload in files:
        name = clean_filename(upload.filename)
        try:
            check_file(upload.content_type, upload.data, upload.filename)
        except InvalidData as error:
            th, _sep, en = error.fields.get("file", error.message).partition(" / ")
            thai.append(f"“{name}”: {th}")
            english.append(f"“{name}”: {en or th}")
    if not thai:
        return {}
    # One "Thai / English" text, so the page shows every bad file in the reader's language.
    return {field: "; ".join(thai) + " / " + "; ".join(english)}


def add_attachment(
    rt: Runtime, actor: Actor, instance_id: int, filename: str, content_type: str, data: bytes,
    *, from_complainant: bool = False,
) -> dict[str, Any]:
    """Attach a file a staff member uploads. ``from_complainant``: the file came from the
    complainant (a letter's enclosure, a scan handed over at a visit), so it is never
    enclosed with a letter to the accused; only a case with personal data has one."""
    check_file(content_type, data, filename)
    with rt.db.write() as session:
        instance, _definition = visible_case(rt, session, actor, instance_id)
        if not may_open_files(actor, instance):
            raise Forbidden("ไฟล์ของเรื่องร้องเรียนสำหรับกลุ่มกฎหมายและคดีและผู้อำนวยการ / "
                            "complaint files are for Legal Affairs and the Director")
        supplied = from_complainant and bool(personal_fields(instance.process_key))
        return store_attachment(rt, session, actor, instance_id, filename, content_type, data,
                                from_complainant=supplied)


def store_attachment(
    rt: Runtime, session: Session, actor: Actor | None, instance_id: int, filename: str,
    content_type: str, data: bytes, *, kind: str = "file", from_complainant: bool = False,
) -> dict[str, Any]:
    """Write a checked file and its row in the caller's transaction; ``actor`` None is the
    public (a citizen's evidence) or the system (a letter). The caller has checked the file
    and the access. Files of cases that hold personal data are encrypted at rest: evidence
    and letters name people. ``from_complainant`` marks what the complainant supplied (a
    citizen's evidence always is), never enclosed with a letter to the accused."""
    folder = storage_dir(rt)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    instance = session.get_one(ProcessInstance, instance_id)
    sealed = bool(personal_fields(instance.process_key))
    path.write_bytes(rt.cipher.encrypt_bytes(data) if sealed else data)
    _forget_on_rollback(session, path)
    name = typed_filename(filename, content_type)
    # A person's scan is often named after the people in it; a letter govflow draws is
    # named by govflow ("หนังสือแจ้งผล เรื่องเลขที่ 12.pdf") and keeps its name.
    seal_name = sealed and kind == "file"
    try:
        attachment = Attachment(
            instance_id=instance_id,
            filename=stand_in_name(0, content_type) if seal_name else name,
            sealed_filename=rt.cipher.encrypt_bytes(name.encode("utf-8")) if seal_name else None,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            stored_name=stored_name,
            sealed=sealed,
            kind=kind,
            from_complainant=from_complainant or (actor is None and kind == "file"),
            uploaded_by_id=actor.id if actor else None,
            uploaded_by=(actor.username if actor
                         else "system" if kind == "letter" else PUBLIC_NAME),
            at=utcnow(),
        )
        session.add(attachment)
        session.flush()
        if seal_name:
            attachment.filename = stand_in_name(attachment.id, content_type)
        record(session, actor, "attachment_added", instance_id=instance_id,
               public=actor is None and kind == "file",
               attachment_id=attachment.id, size=len(data), content_type=content_type)
        # The one who gave the file sees the name they gave it.
        return _view(attachment, name)
    except BaseException:
        path.unlink(missing_ok=True)  # no orphan file when the row is not written
        raise


def seal_file_names(rt: Runtime) -> int:
    """Seal the names of complaint files kept before names were sealed (``govflow init``
    runs it after the schema upgrade, which cannot: it has no key); return how many."""
    with rt.db.write() as session:
        rows = session.scalars(select(Attachment).where(
            Attachment.sealed.is_(True), Attachment.kind == "file",
            Attachment.sealed_filename.is_(None))).all()
        for row in rows:
            name = typed_filename(row.filename, row.content_type)
            row.sealed_filename = rt.cipher.encrypt_bytes(name.encode("utf-8"))
            row.filename = stand_in_name(row.id, row.content_type)
        if rows:
            record(session, None, "file_names_sealed", count=len(rows))
        return len(rows)


def may_open_files(actor: Actor, instance: ProcessInstance) -> bool:
    """Files of cases that hold personal data (evidence, letters) name people: like the
    personal data itself they are for the privileged roles only, whatever the lanes say."""
    return not personal_fields(instance.process_key) or may_read_personal_data(actor.roles)


def _forget_on_rollback(session: Session, path: Path) -> None:
    """Delete the file if the command's transaction rolls back (a later file, a later step
    or the commit failed): no orphan bytes of a case or row that was never saved."""
    written = session.info.setdefault("attachment_files", [])
    if not written:
        def unlink_written(_session: Session) -> None:
            for stored in written:
                stored.unlink(missing_ok=True)
            written.clear()

        event.listen(session, "after_rollback", unlink_written)
    written.append(path)


def list_attachments(rt: Runtime, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        instance, _definition = visible_case(rt, session, actor, instance_id)
        if not may_open_files(actor, instance):
            return []
        rows = session.scalars(
            select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.id)
        )
        return [_view(a, shown_filename(rt, actor, a)) for a in rows]


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
        if not may_open_files(actor, instance):
            raise missing
        if personal_fields(instance.process_key):
            record(session, actor, "attachment_read", instance_id=instance.id,
                   attachment_id=attachment.id)
        data = (storage_dir(rt) / attachment.stored_name).read_bytes()
        if attachment.sealed:
            data = rt.cipher.decrypt_bytes(data)
        return _view(attachment, shown_filename(rt, actor, attachment)), data
