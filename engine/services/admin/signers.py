"""Who signs for a role on a given day (ผู้ลงนาม), for letters, forms and reports.

The head's post is signed, in this order of precedence, by:

1. whoever holds an acting appointment for the role that day (รักษาราชการแทน): the post
   is vacant or its holder away, so the acting official signs everything;
2. a deputy holding a standing delegation for the role that day (ปฏิบัติราชการแทน);
3. the role's own holder (the Director).

With no one found the signature is left blank over the head's title, to sign by hand.
Every signer appears with their name and position as the accounts hold them that day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.models import ActingAppointment, User, UserRole
from engine.core.office import OfficeIdentity
from engine.documents.signature import Capacity, Signature, unsigned
from engine.thai.workdays import BANGKOK

#: The role that signs the office's letters and acknowledges its reports.
HEAD_ROLE = "director"
_PRECEDENCE: tuple[Capacity, ...] = ("acting", "delegated")


def _appointed(session: Session, role: str, on: date, kind: str) -> User | None:
    return session.scalar(
        select(User).join(ActingAppointment, ActingAppointment.user_id == User.id)
        .where(ActingAppointment.role == role, ActingAppointment.kind == kind,
               ActingAppointment.starts_on <= on, ActingAppointment.ends_on >= on,
               ActingAppointment.ended_at.is_(None), User.active.is_(True))
        .order_by(ActingAppointment.starts_on.desc(), ActingAppointment.id.desc())
        .limit(1))


def _own_holder(session: Session, role: str) -> User | None:
    return session.scalar(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.active.is_(True))
        .order_by(User.id).limit(1))


def signature_for(session: Session, office: OfficeIdentity, on: date,
                  role: str = HEAD_ROLE) -> Signature:
    """Who signs for ``role`` (by default the head) on ``on``, as they stood that day."""
    title = office.head_title
    for capacity in _PRECEDENCE:
        user = _appointed(session, role, on, capacity)
        if user is not None:
            return Signature(name=user.display_name, position=user.position,
                             capacity=capacity, for_title=title)
    holder = _own_holder(session, role)
    if holder is None:
        return unsigned(title)
    return Signature(name=holder.display_name, position=holder.position or title,
                     for_title=title)


def signature_of(user: User, office: OfficeIdentity, capacity: Capacity = "own") -> Signature:
    """A given user's signature (the person who did a step), in ``capacity``."""
    return Signature(name=user.display_name, position=user.position, capacity=capacity,
                     for_title=office.head_title)


def appointment_kind_at(session: Session, user_id: int | None, role: str,
                        at: datetime) -> Capacity:
    """How ``user_id`` held ``role`` by appointment at the moment ``at``: "acting" or
    "delegated", from the appointments that covered that Bangkok day and had not been
    ended by then (acting first, as :func:`signature_for` ranks them).

    For audit events recorded before they said so themselves (``acting_kind``); with no
    such appointment left on record, "acting", the only kind there was before kinds."""
    day = at.astimezone(BANGKOK).date()
    kinds = set(session.scalars(
        select(ActingAppointment.kind)
        .where(ActingAppointment.user_id == user_id, ActingAppointment.role == role,
               ActingAppointment.starts_on <= day, ActingAppointment.ends_on >= day,
               or_(ActingAppointment.ended_at.is_(None), ActingAppointment.ended_at > at))))
    return "delegated" if kinds == {"delegated"} else "acting"
