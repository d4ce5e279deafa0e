"""Telling a process's supervisors that a new version went live, with what changed.

When a process owner deploys a version (an upload or a draft, through
``versions.deploy_upload``; any other deploy path calls ``current_versions`` before and
``tell_deployed`` after) or makes an earlier one current again, the roles
listed as the process's ``supervisors`` in processes.toml (the Director, and the head of
Legal Affairs or of ICT) are told in the app and, when they have an address, by e-mail
through the outbox, in the same transaction as the audit event of the deploy.

The message is the change summary (engine/bpmn/changes): the names of steps, fields,
roles and settings, written by process owners, never a case's data. Running cases are
counted, never named. Every header is made one line, whatever a name holds.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn.changes import Change, VersionSide, summarize
from engine.core.actors import Actor, holders_of
from engine.core.emails import header_text
from engine.core.models import Notification, OutboxMessage, ProcessInstance, ProcessVersion
from engine.core.statuses import InstanceStatus
from engine.workflow.runtime import Runtime

#: How many sentences the in-app notice lists before "and N more" (its column holds 500).
NOTICE_SENTENCES = 3


def _row(session: Session, key: str, version: int) -> ProcessVersion:
    return session.scalars(select(ProcessVersion).where(
        ProcessVersion.process_key == key, ProcessVersion.version == version)).one()


def _running(session: Session, version_id: int) -> int:
    return session.scalar(select(func.count()).where(
        ProcessInstance.version_id == version_id,
        ProcessInstance.status == InstanceStatus.RUNNING)) or 0


@dataclass(frozen=True)
class DeployNotice:
    """What the supervisors of one process are told of one deploy, and whom to tell."""

    key: str
    version: int
    text: str
    subject: str
    body: str
    user_ids: tuple[int, ...]
    emails: tuple[tuple[int, str], ...]


def prepare_notice(rt: Runtime, session: Session, actor: Actor | None, key: str,
                   from_version: int | None, to_version: int) -> DeployNotice:
    """The notice that ``to_version`` of ``key`` is now current in place of
    ``from_version`` (None for a new process), read in its own transaction so the deploy's
    write holds no lock while two versions are parsed and compared."""
    new_row = _row(session, key, to_version)
    new = rt.definitions.get(new_row)
    changes: list[Change] = []
    running = 0
    if from_version is not None and from_version != to_version:
        old_row = _row(session, key, from_version)
        old = rt.definitions.get(old_row)
        changes = summarize(VersionSide(key, old_row.bpmn_xml, old.bundle),
                            VersionSide(key, new_row.bpmn_xml, new.bundle))
        running = _running(session, old_row.id)
    who = header_text(actor.display_name) if actor is not None else "govflow deploy"
    name = header_text(new_row.name or key)
    people = {user.id: user for role in new.bundle.supervisors
              for user in holders_of(session, role)}
    return DeployNotice(
        key=key, version=to_version,
        text=_notice(name, to_version, from_version, who, changes),
        subject=header_text(f"ติดตั้งกระบวนงาน {name} ฉบับที่ {to_version} แล้ว / "
                            f"{name}: version {to_version} deployed"),
        body=_body(rt, name, to_version, from_version, who, changes, running),
        user_ids=tuple(people),
        emails=tuple((uid, user.email) for uid, user in people.items() if user.email))


def send_notice(session: Session, notice: DeployNotice) -> int:
    """Queue ``notice`` in the deploy's write transaction; returns how many are told."""
    for user_id in notice.user_ids:
        session.add(Notification(user_id=user_id, text=notice.text))
    for user_id, email in notice.emails:
        session.add(OutboxMessage(
            message_id=f"<deploy-{notice.key}-{notice.version}-{user_id}."
                       f"{secrets.token_hex(6)}@govflow>",
            recipient=email, subject=notice.subject, body=notice.body))
    return len(notice.user_ids)


def current_versions(rt: Runtime, keys: Iterable[str]) -> dict[str, int]:
    """Each process's current version, taken before a deploy to say what it replaced."""
    with rt.db.read() as session:
        return {key: d.version for key in keys
                if (d := rt.definitions.current(session, key)) is not None}


def tell_deployed(rt: Runtime, actor: Actor | None, was_current: Mapping[str, int],
                  deployed: Iterable[tuple[str, int]]) -> int:
    """Tell the supervisors of each ``(key, version)`` just deployed, for a deploy path
    with no write transaction of its own to join: ``was_current`` is what
    ``current_versions`` gave before the deploy. Returns how many people were told."""
    with rt.db.read() as session:
        notices = [prepare_notice(rt, session, actor, key, was_current.get(key), version)
                   for key, version in deployed]
    with rt.db.write() as session:
        return sum(send_notice(session, notice) for notice in notices)


def _headline(name: str, to_version: int, from_version: int | None, who: str) -> str:
    since = f" แทนฉบับที่ {from_version}" if from_version is not None else ""
    return f"ติดตั้งกระบวนงาน {name} ฉบับที่ {to_version}{since} แล้ว โดย {who}"


def _notice(name: str, to_version: int, from_version: int | None, who: str,
            changes: list[Change]) -> str:
    head = _headline(name, to_version, from_version, who)
    if not changes:
        return head if from_version is None else f"{head}: ไม่มีการเปลี่ยนแปลงที่ระบุได้"
    listed = "; ".join(c.text_th for c in changes[:NOTICE_SENTENCES])
    more = len(changes) - NOTICE_SENTENCES
    rest = f" และอีก {more} รายการ (ดูในอีเมล)" if more > 0 else ""
    return f"{head}: {listed}{rest}"


def _body(rt: Runtime, name: str, to_version: int, from_version: int | None, who: str,
          changes: list[Change], running: int) -> str:
    lines = [_headline(name, to_version, from_version, who), ""]
    if from_version is None:
        lines.append("กระบวนงานใหม่ ยังไม่เคยติดตั้ง")
    elif changes:
        lines.append("สิ่งที่เปลี่ยน:")
        lines += [f"- {c.text_th}" + (f" ({c.note_th})" if c.note_th else "") for c in changes]
    else:
        lines.append("ไม่มีการเปลี่ยนแปลงที่ระบุได้")
    if from_version is not None:
        lines += ["", f"เรื่องที่ดำเนินการอยู่ในฉบับที่ {from_version}: {running} เรื่อง "
                      "ยังอยู่ในฉบับเดิมจนกว่าผู้ดูแลกระบวนงานจะย้าย"]
    lines += ["", "---", "",
              f"{name}: version {to_version} deployed"
              + (f" in place of version {from_version}" if from_version is not None else "")
              + f" by {who}", ""]
    if changes:
        lines.append("What changes:")
        lines += [f"- {c.text_en}" + (f" ({c.note_en})" if c.note_en else "") for c in changes]
    if from_version is not None:
        lines += ["", f"Running cases on version {from_version}: {running}; they stay on it "
                      "until a process owner moves them."]
    lines += ["", "(ข้อความนี้ไม่มีข้อมูลส่วนบุคคล / this message holds no personal data)", "",
              rt.office.name]
    return "\n".join(lines)
