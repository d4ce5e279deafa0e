"""Telling a publishing request's owner what became of it (the Director's
return, the web administrator's return for correction, the ICT head's refusal and the
publication, each with its reason).

When a step that ``processes.toml`` lists under ``notify_owner`` completes, the user who
started the case is told in the app and, when they have an e-mail address, by e-mail
through the outbox, in the completing command's transaction (a failure refuses the step).

The words come from the case's own version, not from this module: the step's Thai name,
the Thai title of the choice made (the form's ``oneOf``) and the reason given in that step
(a form field whose name ends in ``_reason``). A process owner who renames a step or a
choice changes the message with it, and a step added to ``notify_owner`` needs no code.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.forms import choice_options
from engine.core.models import AuditEvent, Notification, OutboxMessage, User
from engine.workflow.case import Case, StepContext
from engine.workflow.runtime import Runtime

#: What the publication step did, said when its form offers no choice to name.
PUBLISHED = "เผยแพร่บนเว็บไซต์แล้ว"
#: What any other listed step without a choice did.
DONE = "ดำเนินการแล้ว"
REASON_SUFFIX = "_reason"
#: Notification.text and OutboxMessage.subject column sizes.
NOTIFICATION_MAX = 500
SUBJECT_MAX = 300


# ---- reading a step's form: the choice it offers and its reason fields ------------------

def decision_field(form: Mapping[str, Any]) -> str | None:
    """The field that records the step's decision: its first required choice (``oneOf``).
    Optional choices are not decisions: a revision's or the publication's category list."""
    required = set(form.get("required") or ())
    return next((name for name, prop in (form.get("properties") or {}).items()
                 if name in required and choice_options(prop)), None)


def choice_title(form: Mapping[str, Any], field: str, value: Any) -> str:
    """The Thai title the form gives ``value`` of ``field``; the value itself if none."""
    prop = (form.get("properties") or {}).get(field)
    return choice_options(prop).get(str(value), "" if value in (None, "") else str(value))


def decision_title(form: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """The Thai title of the decision ``values`` record, or "" for a step without one."""
    field = decision_field(form)
    if field is None or values.get(field) in (None, ""):
        return ""
    return choice_title(form, field, values[field])


def reason_given(form: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """The reason the step gave: its form's ``*_reason`` fields that hold text, joined."""
    names = [name for name in (form.get("properties") or {}) if name.endswith(REASON_SUFFIX)]
    texts = [str(values[name]).strip() for name in names
             if isinstance(values.get(name), str) and values[name].strip()]
    return " / ".join(texts)


# ---- the notice -------------------------------------------------------------------------

@dataclass(frozen=True)
class OwnerNotice:
    text: str
    subject: str
    body: str


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _submitted(session: Session, instance_id: int) -> tuple[int | None, list[str] | None]:
    """The audit event of the step completing now (the command recorded it just before the
    step effects) and the fields its form sent. The case's data keeps every field's last
    value, so a reason typed in an earlier round is still there: only what this step sent
    counts as its reason."""
    row = session.execute(
        select(AuditEvent.id, AuditEvent.detail)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.action == "task_completed")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    if row is None:
        return None, None
    fields = (row.detail or {}).get("fields")
    return row.id, [str(f) for f in fields] if isinstance(fields, list) else None


def owner_notice(rt: Runtime, case: Case, owner: User, bpmn_id: str,
                 data: Mapping[str, Any], sent: Collection[str] | None) -> OwnerNotice:
    """What to tell ``owner`` now that step ``bpmn_id`` of ``case`` completed with ``data``;
    ``sent`` names the fields the step's form sent (None: take ``data`` as sent)."""
    definition = case.definition
    rule = definition.task_info(bpmn_id)
    form = definition.task_form(bpmn_id)
    values = dict(data) if sent is None else {k: data[k] for k in sent if k in data}
    publication = definition.bundle.publication_step == bpmn_id
    what = decision_title(form, values) or (PUBLISHED if publication else DONE)
    reason = reason_given(form, values)
    iid = case.instance.id
    title_field = definition.bundle.title_field
    title = data.get(title_field) if title_field else None
    title = title if isinstance(title, str) and title else case.instance.title
    step = (rule.name if rule else None) or bpmn_id
    text = f"คำขอ “{title}” (เลขที่ {iid}): {step} — {what}"
    if reason:
        text += f" เหตุผล: {reason}"
    base = rt.settings.public_url.rstrip("/")
    lines = [f"เรียน {owner.display_name}", "", text, ""]
    next_steps = _next_steps(case)
    if next_steps:
        lines.append(f"ขั้นตอนต่อไป: {' / '.join(next_steps)}")
    if publication:
        lines.append(f"เว็บไซต์: {base}")
        lines.extend(f"{label}: {link}" for label, link in _links(form, values))
    lines += [f"ดูรายละเอียดและประวัติของเรื่อง: {base}/cases/{iid}", "", rt.office.name]
    subject = f"{definition.name} เลขที่ {iid}: {step} — {what}"
    return OwnerNotice(text=_clip(text, NOTIFICATION_MAX), subject=_clip(subject, SUBJECT_MAX),
                       body="\n".join(lines))


def _next_steps(case: Case) -> list[str]:
    """The Thai names of the steps now waiting, e.g. the owner's revision after a return."""
    ready = case.scan.ready_user if case.scan is not None else []
    rules = [case.definition.task_info(t.task_spec.name) for t in ready]
    return sorted({rule.name for rule in rules if rule is not None and rule.name})


def _links(form: Mapping[str, Any], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Web links the step recorded (e.g. the page the item was published on), labelled."""
    return [(str(prop.get("title") or name), str(values[name]))
            for name, prop in (form.get("properties") or {}).items()
            if isinstance(prop, Mapping) and prop.get("format") == "uri"
            and isinstance(values.get(name), str) and values[name]]


def tell_owner(step: StepContext) -> None:
    """Tell the request's owner that one of the process's ``notify_owner`` steps completed:
    a notification in the app, and an e-mail when they have an address."""
    rt, session, case, bpmn_id, now = step.rt, step.session, step.case, step.bpmn_id, step.now
    owner_id = case.instance.started_by_id
    owner = session.get(User, owner_id) if owner_id is not None else None
    if owner is None or not owner.active:
        return
    event_id, sent = _submitted(session, case.instance.id)
    notice = owner_notice(rt, case, owner, bpmn_id, step.data, sent)
    session.add(Notification(user_id=owner.id, instance_id=case.instance.id, text=notice.text,
                             created_at=now))
    if owner.email:
        # Named after the completing step's audit event: one message per completion, and
        # the same id whoever reads the record again (not a random one).
        key = event_id if event_id is not None else f"{bpmn_id}-{int(now.timestamp())}"
        session.add(OutboxMessage(
            message_id=f"<publishing-owner-{case.instance.id}-{key}-{owner.id}@govflow>",
            recipient=owner.email, subject=notice.subject, body=notice.body,
            created_at=now, next_attempt_at=now))
