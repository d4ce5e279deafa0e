"""Telling a process's supervisors that a new version went live, with what changed.

When a process owner deploys a version (an upload, a draft or a settings change: each
goes through ``versions.deploy_upload``) or makes an earlier one current again, the roles
listed as the process's ``supervisors`` in processes.toml (the Director, and the head of
Legal Affairs or of ICT) are told in the app and, when they have an address, by e-mail
through the outbox, in the same transaction as the audit event of the deploy.

The message is the change summary (engine/bpmn/changes): the names of steps, fields,
roles and settings, written by process owners, never a case's data. Running cases are
counted, never named. Every header is made one line, whatever a name holds.
"""

from __future__ import annotations

import secrets

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


def tell_supervisors(rt: Runtime, session: Session, actor: Actor | None, key: str,
                     from_version: int | None, to_version: int) -> int:
    """Tell the supervisors of ``key`` that ``to_version`` is now current (it replaced
    ``from_version``, None for a new process). Returns how many people were told."""
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
    who = actor.display_name if actor is not None else "govflow deploy"
    name = header_text(new_row.name or key)
    notice = _notice(name, to_version, from_version, who, changes)
    subject = header_text(f"ติดตั้งกระบวนงาน {name} ฉบับที่ {to_version} แล้ว / "
                          f"{name}: version {to_version} deployed")
    body = _body(rt, name, to_version, from_version, who, changes, running)
    people = {user.id: user for role in new.bundle.supervisors
              for user in holders_of(session, role)}
    for user in people.values():
        session.add(Notification(user_id=user.id, text=notice))
        if user.email:
            session.add(OutboxMessage(
                message_id=f"<deploy-{key}-{to_version}-{user.id}."
                           f"{secrets.token_hex(6)}@govflow>",
                recipient=user.email, subject=subject, body=body))
    return len(people)


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
