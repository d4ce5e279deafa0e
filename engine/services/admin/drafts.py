"""Drafts of a process, saved from the browser editor: one per process, never live.

A draft is checked like an upload when it is saved, and kept even when the check finds
errors (the owner goes on fixing them later); only a file that is not XML at all is
refused. Nothing that runs cases reads a draft: it goes live only through the upload
preview and its confirmation, like any file (``deploy_file``, which also writes the lane
roles the draft changes into processes.toml and drops the draft once it is live).

Two owners may edit the same process. Each save names the revision it was made from; a
save made from an older revision than the stored one is refused, naming who saved the
newer draft and when, and nothing is overwritten. The check is the UPDATE's own
``WHERE revision = :given``, so of two saves made at once from the same revision exactly
one wins, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.bpmn.definitions import CheckedFile, check_bytes
from engine.bpmn.lint.report_json import report_json
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.problems import Problem
from engine.bpmn.process_settings import SETTINGS_FILE, read_settings
from engine.bpmn.settings_file import write_lane_roles
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import (
    BpmnLoadError,
    Conflict,
    Forbidden,
    InvalidData,
    NotFound,
    SettingsError,
)
from engine.core.models import (
    MAX_DB_INT,
    EditorPresence,
    ProcessDraft,
    ProcessVersion,
    User,
    utcnow,
)
from engine.core.roles import ROLES
from engine.services.admin import versions
from engine.services.admin.versions import MAX_UPLOAD, OWNER_ROLES
from engine.thai.dates import format_thai_datetime
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

#: Someone whose editor has not said it is open for this long has left.
PRESENCE_WINDOW = timedelta(minutes=2)

_draft: Table = ProcessDraft.__table__
_presence: Table = EditorPresence.__table__


class DraftConflict(Conflict):
    """A save made from an older revision than the stored draft's: nothing was written.
    Carries the newer draft's revision and who saved it, for the editor to show."""

    def __init__(self, message: str, revision: int | None, saved_by: str | None,
                 saved_at: datetime | None) -> None:
        super().__init__(message)
        self.revision = revision
        self.saved_by = saved_by
        self.saved_at = saved_at


@dataclass(frozen=True)
class DraftFile:
    """A draft's BPMN with what deploying it needs: the process's file name."""

    process_key: str
    file_name: str
    bpmn: bytes
    revision: int
    #: Lane id → role for the lanes whose role the draft changes.
    lanes: dict[str, str]


def require_owner(actor: Actor) -> None:
    if actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")


def _current_row(session: Session, key: str) -> ProcessVersion:
    row = session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == key, ProcessVersion.is_current.is_(True)))
    if row is None:
        raise NotFound(f"ไม่พบกระบวนงาน '{key}' / no process '{key}'")
    return row


def _draft_row(session: Session, key: str) -> ProcessDraft | None:
    return session.scalar(select(ProcessDraft).where(ProcessDraft.process_key == key))


def _display_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.scalar(select(User.display_name).where(User.id == user_id))


# ---- reading ----------------------------------------------------------------------------

def get_draft(rt: Runtime, actor: Actor, key: str) -> dict[str, Any]:
    """The draft of ``key`` if there is one, else the current version's BPMN; and who else
    is editing it now."""
    require_owner(actor)
    with rt.db.read() as session:
        current = _current_row(session, key)
        row = _draft_row(session, key)
        editors = _others_present(session, key, actor, utcnow())
        if row is None:
            view: dict[str, Any] = {
                "bpmn": current.bpmn_xml.decode("utf-8", "replace"), "revision": None,
                "base_version": current.version, "saved_by": None, "saved_at": None,
                "from_draft": False, "lanes": {}}
        else:
            view = {"bpmn": row.bpmn, "revision": row.revision, "base_version": row.base_version,
                    "saved_by": _display_name(session, row.saved_by),
                    "saved_at": iso(row.saved_at), "from_draft": True,
                    "lanes": dict(row.lanes or {})}
        # A draft started from an older version than the live one was overtaken by a deploy.
        return {**view, "current_version": current.version, "editors": editors}


def has_draft(rt: Runtime, key: str) -> bool:
    with rt.db.read() as session:
        return _draft_row(session, key) is not None


def draft_file(rt: Runtime, actor: Actor, key: str) -> DraftFile:
    """The saved draft as the bytes of the process's file, for the upload preview."""
    require_owner(actor)
    with rt.db.read() as session:
        current = _current_row(session, key)
        row = _draft_row(session, key)
        if row is None:
            raise NotFound(f"ยังไม่มีฉบับร่างของ '{key}' / '{key}' has no saved draft")
        return DraftFile(key, current.file_name, row.bpmn.encode("utf-8"), row.revision,
                         dict(row.lanes or {}))


# ---- saving -----------------------------------------------------------------------------

def _readable(key: str, bpmn: str) -> bytes:
    """The draft's bytes, refused only when they cannot be read as XML at all."""
    if not isinstance(bpmn, str) or not bpmn.strip():
        raise InvalidData("ไม่มีเนื้อหา BPMN / the draft is empty", {"bpmn": "ต้องมี / required"})
    data = bpmn.encode("utf-8")
    if len(data) > MAX_UPLOAD:
        raise InvalidData("ฉบับร่างใหญ่เกิน 5 MB / the draft is larger than 5 MB",
                          {"bpmn": "≤ 5 MB"})
    try:
        read_xml(data, f"{key}.bpmn")
    except BpmnLoadError as error:
        first = cast(Problem, error.problems[0])  # the safe loader raises only its Problems
        raise InvalidData(
            f"บันทึกไม่ได้ ไฟล์นี้อ่านเป็น BPMN ไม่ได้: {first.message_th} / not saved: the file "
            f"cannot be read as BPMN: {first.message}",
            {"bpmn": first.format("both")}) from None
    return data


def _checked(rt: Runtime, key: str, file_name: str, data: bytes) -> CheckedFile:
    """The same checks as an upload's preview (bpmnlint included, so a saved draft's report
    is the live check's), and one more: the file still holds the process."""
    checked = check_bytes(data, file_name, rt.settings.processes_dir, with_bpmnlint=True)
    if checked.loaded is not None and key not in checked.loaded.processes:
        checked.problems.append(Problem(
            file_name, None, None, f"the file no longer holds the process '{key}'",
            f"ไฟล์นี้ไม่มีกระบวนงาน '{key}' แล้ว (process id ต้องเป็น {key})"))
    return checked


def _valid_lanes(lanes: Any) -> dict[str, str] | None:
    if lanes is None:
        return None
    if not isinstance(lanes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in lanes.items()):
        raise InvalidData("บทบาทของช่องต้องเป็น {รหัสช่อง: บทบาท} / lanes must map lane ids to "
                          "roles", {"lanes": '{"lane_id": "role"}'})
    unknown = sorted(set(lanes.values()) - set(ROLES))
    if unknown:
        raise InvalidData(f"ไม่มีบทบาท {', '.join(unknown)} / no such role: {', '.join(unknown)}",
                          {"lanes": ", ".join(sorted(ROLES))})
    return dict(lanes)


def _refusal(session: Session, key: str, given: int | None) -> DraftConflict:
    """Why a save lost: the draft someone else saved since, named with who and when."""
    row = _draft_row(session, key)
    if row is None:
        return DraftConflict(
            "ฉบับร่างที่ท่านเปิดไว้ถูกยกเลิกหรือติดตั้งไปแล้ว ไม่ได้บันทึกทับ กรุณาโหลดใหม่ / the draft "
            "you opened has been discarded or deployed since; nothing was saved: reload it",
            None, None, None)
    who = _display_name(session, row.saved_by) or "?"
    local = row.saved_at.astimezone(BANGKOK)
    opened = f"ฉบับที่ {given}" if given is not None else "ฉบับที่ใช้อยู่"
    opened_en = f"revision {given}" if given is not None else "the current version"
    return DraftConflict(
        f"{who} บันทึกฉบับร่างที่ใหม่กว่า (ฉบับที่ {row.revision}) เมื่อ "
        f"{format_thai_datetime(row.saved_at)} หลังจากที่ท่านเปิด{opened} จึงไม่ได้บันทึกทับ "
        f"งานของท่านยังอยู่ในหน้านี้ / {who} saved a newer draft (revision {row.revision}) at "
        f"{local:%Y-%m-%d %H:%M} after you opened {opened_en}; nothing was overwritten and "
        "your changes are still on this page",
        row.revision, who, row.saved_at)


def _insert(session: Session, table: Table) -> Any:
    """An INSERT that can say ON CONFLICT, in the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _insert_first(session: Session, values: dict[str, Any]) -> bool:
    """Insert the process's first draft unless one exists (then nothing is written)."""
    statement = _insert(session, _draft).values(**values).on_conflict_do_nothing(
        index_elements=[_draft.c.process_key]).returning(_draft.c.id)
    # RETURNING, not rowcount: with it a skipped row is no row on every driver.
    return session.execute(statement).first() is not None


def _check_revision(revision: Any) -> None:
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)
                                 or not 1 <= revision < MAX_DB_INT):
        raise InvalidData("เลขฉบับร่างไม่ถูกต้อง / the revision is not a draft's number",
                          {"revision": "≥ 1 หรือ null / ≥ 1 or null"})


def save_draft(rt: Runtime, actor: Actor, key: str, bpmn: str, revision: int | None,
               lanes: Any = None) -> dict[str, Any]:
    """Save the draft made from ``revision`` (None: from the current version, no draft).

    Returns the new revision, when it was saved and the check's report; raises
    DraftConflict, writing nothing, when the stored draft is not ``revision``."""
    require_owner(actor)
    data = _readable(key, bpmn)
    lane_roles = _valid_lanes(lanes)
    _check_revision(revision)
    with rt.db.read() as session:
        file_name = _current_row(session, key).file_name
    # Checked before the write transaction, which on SQLite holds the database's lock.
    report = report_json(_checked(rt, key, file_name, data))
    now = utcnow()
    with rt.db.write() as session:
        current = _current_row(session, key)
        values: dict[str, Any] = {"bpmn": bpmn, "saved_by": actor.id, "saved_at": now}
        if lane_roles is not None:  # a save that says nothing of lanes keeps the draft's
            values["lanes"] = lane_roles
        if revision is None:
            saved = _insert_first(session, {"process_key": key, "revision": 1,
                                            "base_version": current.version, **values})
            new_revision = 1
        else:
            saved = session.connection().execute(
                update(_draft)
                .where(_draft.c.process_key == key, _draft.c.revision == revision)
                .values(revision=revision + 1, **values)
            ).rowcount == 1
            new_revision = revision + 1
        if not saved:
            raise _refusal(session, key, revision)
        record(session, actor, "draft_saved", process_key=key, revision=new_revision,
               errors=report["errors"], warnings=report["warnings"])
    return {"revision": new_revision, "saved_at": iso(now), "report": report}


def discard_draft(rt: Runtime, actor: Actor, key: str, revision: int | None) -> dict[str, Any]:
    """Throw the draft away, if it is still the one ``revision`` names."""
    require_owner(actor)
    _check_revision(revision)
    with rt.db.write() as session:
        _current_row(session, key)
        gone = session.connection().execute(delete(_draft).where(
            _draft.c.process_key == key, _draft.c.revision == revision)).rowcount == 1
        if not gone:
            raise _refusal(session, key, revision)
        record(session, actor, "draft_discarded", process_key=key, revision=revision)
    return {"process_key": key, "discarded": revision}


def drop_deployed(rt: Runtime, actor: Actor, keys: list[str], deployed: bytes) -> list[str]:
    """After a deploy, drop the drafts of ``keys`` that are exactly what went live (a draft
    saved since with other content stays). Returns the keys whose draft was dropped."""
    dropped = []
    with rt.db.write() as session:
        for key in keys:
            row = _draft_row(session, key)
            if row is not None and row.bpmn.encode("utf-8") == deployed:
                session.delete(row)
                record(session, actor, "draft_deployed", process_key=key,
                       revision=row.revision)
                dropped.append(key)
    return dropped


# ---- deploying ----------------------------------------------------------------------------

def lane_changes(rt: Runtime, key: str, lanes: dict[str, str]) -> dict[str, tuple[str | None, str]]:
    """The lanes whose role ``lanes`` changes from processes.toml's: lane → (old, new)."""
    try:
        settings = read_settings(rt.settings.processes_dir).get(key)
    except SettingsError:
        settings = None  # the check of the file itself says what is wrong with it
    known = settings.lanes if settings is not None else {}
    return {lane: (known[lane].role if lane in known else None, role)
            for lane, role in lanes.items()
            if lane not in known or known[lane].role != role}


def _draft_of(rt: Runtime, data: bytes) -> tuple[str, dict[str, str]] | None:
    """The process whose saved draft is exactly ``data``, with the draft's lane roles."""
    with rt.db.read() as session:
        for key, text, lanes in session.execute(
                select(ProcessDraft.process_key, ProcessDraft.bpmn, ProcessDraft.lanes)):
            if text.encode("utf-8") == data:
                return key, dict(lanes or {})
    return None


def deploy_file(rt: Runtime, actor: Actor, file_name: str, data: bytes) -> dict[str, Any]:
    """Deploy an uploaded file, which may be a saved draft, through the upload's versioning.

    For a draft, the lane roles it changes are written into processes.toml first, so the
    new version carries them (and ``govflow deploy`` keeps them); the file is put back if
    the deploy is refused or fails. A draft that is now exactly what is live is dropped.
    """
    require_owner(actor)
    draft = _draft_of(rt, data)
    changed = lane_changes(rt, draft[0], draft[1]) if draft else {}
    previous = None
    if draft and changed:
        try:
            previous = write_lane_roles(rt.settings.processes_dir, draft[0],
                                        {lane: new for lane, (_old, new) in changed.items()})
        except SettingsError as error:
            raise InvalidData(f"เขียน {SETTINGS_FILE} ไม่ได้ / cannot write {SETTINGS_FILE}",
                              {"file": error.message}) from None
    try:
        result = versions.deploy_upload(rt, actor, file_name, data)
    except BaseException:
        if previous is not None:  # processes/ must not hold what is not live
            (rt.settings.processes_dir / SETTINGS_FILE).write_text(previous, encoding="utf-8")
        raise
    live = [key for key, _version in [*result["deployed"], *result["unchanged"]]]
    drop_deployed(rt, actor, live, data)
    return result


# ---- presence ---------------------------------------------------------------------------

def _others_present(session: Session, key: str, actor: Actor,
                    now: datetime) -> list[dict[str, Any]]:
    rows = session.execute(
        select(User.display_name, EditorPresence.since)
        .join(User, User.id == EditorPresence.user_id)
        .where(EditorPresence.process_key == key, EditorPresence.user_id != actor.id,
               EditorPresence.last_seen >= now - PRESENCE_WINDOW)
        .order_by(EditorPresence.since)
    ).all()
    return [{"user": name, "since": iso(since)} for name, since in rows]


def touch_presence(rt: Runtime, actor: Actor, key: str) -> dict[str, Any]:
    """Note that ``actor`` has the editor of ``key`` open; return the others who do."""
    require_owner(actor)
    now = utcnow()
    with rt.db.write() as session:
        _current_row(session, key)
        session.execute(
            _insert(session, _presence)
            .values(process_key=key, user_id=actor.id, since=now, last_seen=now)
            .on_conflict_do_update(
                index_elements=[_presence.c.process_key, _presence.c.user_id],
                set_={"last_seen": now,
                      "since": case((_presence.c.last_seen < now - PRESENCE_WINDOW, now),
                                    else_=_presence.c.since)}))
        return {"editors": _others_present(session, key, actor, now)}
