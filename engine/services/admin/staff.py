"""Administration: users, units, roles, API tokens and acting appointments (``admin`` only).

Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.core.limits import column_limit, fit_problems
from engine.core.models import ActingAppointment, Task, Unit, User, UserRole, utcnow
from engine.core.roles import ROLES
from engine.core.statuses import TaskStatus
from engine.documents.signature import CAPACITY_WORDS
from engine.services.admin import tokens
from engine.services.admin import users as user_service
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

MAX_ACTING_DAYS = 366
#: The kinds of appointment (ActingAppointment.kind): รักษาราชการแทน, ปฏิบัติราชการแทน.
APPOINTMENT_KINDS = tuple(CAPACITY_WORDS)


def require_admin(actor: Actor) -> None:
    if "admin" not in actor.roles:
        raise Forbidden("เฉพาะผู้ดูแลระบบ / administrators only")


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"ไม่พบผู้ใช้ '{username}' / no user '{username}'")
    return user


def _user_view(user: User, units: dict[int, Unit]) -> dict[str, Any]:
    unit = units.get(user.unit_id) if user.unit_id else None
    return {
        "username": user.username,
        "display_name": user.display_name,
        "position": user.position,
        "roles": sorted(user.roles),
        "unit_code": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
        "active": user.active,
        "email": user.email,
        "has_password": bool(user.password_hash),
        "must_change_password": bool(user.must_change_password),
        "created_at": iso(user.created_at),
    }


def list_users(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    """Every user, each with their live API tokens (``tokens``)."""
    require_admin(actor)
    with rt.db.read() as session:
        units = {u.id: u for u in session.scalars(select(Unit))}
        live = tokens.live_by_user(session)
        return [{**_user_view(u, units), "tokens": live.get(u.id, [])}
                for u in session.scalars(select(User).order_by(User.username))]


def add_user(
    rt: Runtime, actor: Actor, username: str, display_name: str, roles: list[str],
    unit_code: str, password: str | None = None, email: str | None = None,
) -> dict[str, Any]:
    require_admin(actor)
    with rt.db.read() as session:
        unit = user_service.find_unit(session, unit_code)
        if unit is None:
            raise InvalidData("ไม่พบหน่วยงาน / unknown unit", {"unit_code": "เลือกหน่วยงาน / choose"})
    user_service.add_user(rt, username, roles, unit.code, password=password,
                          display_name=display_name or username, email=email, actor=actor)
    return next(u for u in list_users(rt, actor) if u["username"] == username)


def set_active(rt: Runtime, actor: Actor, username: str, active: bool) -> None:
    require_admin(actor)
    if username == actor.username and not active:
        raise Conflict("ปิดบัญชีของตนเองไม่ได้ / you cannot deactivate your own account")
    with rt.db.write() as session:
        user = _user(session, username)
        user.active = active
        record(session, actor, "user_activated" if active else "user_deactivated",
               username=username)


def deactivation_summary(rt: Runtime, actor: Actor, username: str) -> dict[str, Any]:
    """What deactivating ``username`` touches, for the page that asks to confirm it: the
    user, the open tasks they hold (they stay held until a supervisor reassigns them) and
    their live API tokens (refused while the account is off)."""
    require_admin(actor)
    with rt.db.read() as session:
        user = _user(session, username)
        unit = session.get(Unit, user.unit_id) if user.unit_id else None
        held = session.scalar(select(func.count()).select_from(Task).where(
            Task.assignee_id == user.id, Task.state == TaskStatus.OPEN)) or 0
        live = tokens.live_by_user(session).get(user.id, [])
        return {**_user_view(user, {unit.id: unit} if unit else {}),
                "held_tasks": held, "live_tokens": len(live)}


def reset_password(rt: Runtime, actor: Actor, username: str) -> str:
    """Set a new random password and return it, to be shown once. Whoever knew the old one
    is locked out: the user's web sessions end, their API tokens are revoked, and the user
    must choose a password of their own at the next sign-in."""
    require_admin(actor)
    password = secrets.token_urlsafe(12)
    password_hash = rt.passwords.hash(password)  # before the write transaction: argon2 is slow
    with rt.db.write() as session:
        user = _user(session, username)
        user.password_hash = password_hash
        user.must_change_password = True
        user.session_epoch = User.session_epoch + 1
        revoked = tokens.revoke_in(session, user, actor)
        record(session, actor, "password_reset", username=username, tokens_revoked=revoked)
    return password


def set_roles(rt: Runtime, actor: Actor, username: str, roles: list[str]) -> None:
    require_admin(actor)
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise InvalidData("บทบาทไม่ถูกต้อง / invalid roles", {"roles": ", ".join(ROLES)})
    if username == actor.username and "admin" not in roles:
        raise Conflict("ถอดบทบาทผู้ดูแลระบบของตนเองไม่ได้ / you cannot remove your own admin role")
    with rt.db.write() as session:
        user = _user(session, username)
        before = sorted(user.roles)
        user.role_rows = [UserRole(role=r) for r in sorted(set(roles))]
        record(session, actor, "roles_changed", username=username, before=before,
               after=sorted(set(roles)))


def issue_token(rt: Runtime, actor: Actor, username: str, name: str | None = None) -> str:
    """A new named token for ``username``, shown once; their other tokens stay valid."""
    require_admin(actor)
    return tokens.issue(rt, username, name, actor=actor)


def list_tokens(rt: Runtime, actor: Actor, username: str) -> list[dict[str, Any]]:
    require_admin(actor)
    return tokens.list_tokens(rt, username)


def revoke_tokens(rt: Runtime, actor: Actor, username: str, token_id: int | None = None) -> int:
    """Revoke one of the user's tokens (``token_id``), or all; how many, each audited."""
    require_admin(actor)
    return tokens.revoke(rt, username, token_id=token_id, actor=actor)


def list_units(rt: Runtime, actor: Actor) -> list[dict[str, str]]:
    require_admin(actor)
    with rt.db.read() as session:
        return [{"code": u.code, "name": u.name}
                for u in session.scalars(select(Unit).order_by(Unit.code))]


def _check_unit(code: str, name: str) -> None:
    fields = fit_problems({"code": (Unit.code, code), "name": (Unit.name, name)})
    if not code or not code.replace("_", "").replace("-", "").isalnum():
        fields["code"] = (f"ตัวอักษร/ตัวเลข ไม่เกิน {column_limit(Unit.code)} ตัว / letters and "
                          f"digits, at most {column_limit(Unit.code)}")
    if not name:
        fields["name"] = "กรุณากรอกชื่อหน่วยงาน / the unit's name is required"
    if fields:
        raise InvalidData("ข้อมูลหน่วยงานไม่ถูกต้อง / invalid unit", fields)


def add_unit(rt: Runtime, actor: Actor, code: str, name: str) -> dict[str, str]:
    require_admin(actor)
    _check_unit(code, name)
    with rt.db.write() as session:
        if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            raise Conflict(f"มีหน่วยงานรหัส '{code}' แล้ว / unit '{code}' exists")
        session.add(Unit(code=code, name=name))
        record(session, actor, "unit_added", code=code, name=name)
    return {"code": code, "name": name}


def rename_unit(rt: Runtime, actor: Actor, code: str, name: str) -> dict[str, str]:
    require_admin(actor)
    _check_unit(code, name)
    with rt.db.write() as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise NotFound(f"ไม่พบหน่วยงาน '{code}' / no unit '{code}'")
        record(session, actor, "unit_renamed", code=code, before=unit.name, after=name)
        unit.name = name
    return {"code": code, "name": name}


def _acting_view(row: ActingAppointment, user: User) -> dict[str, Any]:
    return {
        "id": row.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": row.role,
        "kind": row.kind,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "reference": row.reference,
        "created_by": row.created_by,
        "ended_at": iso(row.ended_at),
    }


def list_acting(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    require_admin(actor)
    with rt.db.read() as session:
        rows = session.execute(
            select(ActingAppointment, User)
            .join(User, User.id == ActingAppointment.user_id)
            .order_by(ActingAppointment.starts_on.desc())
        ).all()
        return [_acting_view(row, user) for row, user in rows]


def appoint_acting(
    rt: Runtime, actor: Actor, username: str, role: str, starts_on: date, ends_on: date,
    reference: str, kind: str = "acting",
) -> dict[str, Any]:
    """``username`` holds ``role`` from ``starts_on`` to ``ends_on`` inclusive, by an order:
    ``kind`` "acting" (รักษาราชการแทน) or "delegated" (ปฏิบัติราชการแทน)."""
    require_admin(actor)
    fields = {}
    if kind not in APPOINTMENT_KINDS:
        fields["kind"] = ("เลือกประเภทการแต่งตั้ง: รักษาราชการแทน หรือ ปฏิบัติราชการแทน / "
                          "choose the kind: acting (รักษาราชการแทน) or delegated "
                          "(ปฏิบัติราชการแทน)")
    if role not in ROLES or role == "admin":
        fields["role"] = "เลือกบทบาทที่รักษาการแทน / choose the role to act for"
    if ends_on < starts_on:
        fields["ends_on"] = "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม / must not be before the start"
    elif (ends_on - starts_on).days > MAX_ACTING_DAYS:
        fields["ends_on"] = "ไม่เกิน 1 ปีต่อคำสั่ง / at most one year per appointment"
    fields.update(fit_problems({"reference": (ActingAppointment.reference, reference)}))
    if not (reference or "").strip():
        fields["reference"] = "ระบุเลขที่คำสั่งแต่งตั้ง / give the order's reference"
    if fields:
        raise InvalidData("คำสั่งแต่งตั้งไม่ถูกต้อง / invalid appointment", fields)
    with rt.db.write() as session:
        user = _user(session, username)
        row = ActingAppointment(user_id=user.id, role=role, kind=kind, starts_on=starts_on,
                                ends_on=ends_on, reference=reference or "",
                                created_by=actor.username)
        session.add(row)
        session.flush()
        record(session, actor, "acting_appointed", username=username, role=role, kind=kind,
               starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(), reference=reference)
        return _acting_view(row, user)


def end_acting(rt: Runtime, actor: Actor, appointment_id: int) -> None:
    require_admin(actor)
    with rt.db.write() as session:
        row = session.get(ActingAppointment, appointment_id)
        if row is None:
            raise NotFound(f"ไม่พบคำสั่งเลขที่ {appointment_id} / no appointment {appointment_id}")
        if row.ended_at is None:
            row.ended_at = utcnow()
            record(session, actor, "acting_ended", appointment_id=appointment_id, role=row.role,
                   kind=row.kind)
