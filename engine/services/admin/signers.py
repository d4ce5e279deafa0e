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
from typing import cast

from sqlalchemy import Table, bindparam, case, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from engine.core.models import ActingAppointment, User, UserRole
from engine.core.office import OfficeIdentity
from engine.documents.signature import Capacity, Signature, unsigned
from engine.thai.workdays import BANGKOK

#: The role that signs the office's letters and acknowledges its reports.
HEAD_ROLE = "director"
_PRECEDENCE: tuple[Capacity, ...] = ("acting", "delegated")


_user = cast(Table, User.__table__)
_appointment = cast(Table, ActingAppointment.__table__)
_role = cast(Table, UserRole.__table__)
_OWN: Capacity = "own"
#: The appointment's rank in the precedence; the role's own holder comes after them all.
_RANK = {kind: rank for rank, kind in enumerate(_PRECEDENCE)}
#: Who holds the role by appointment on the day, acting before delegated, then the latest
#: appointment...
_APPOINTED = (
    select(case(_RANK, value=_appointment.c.kind).label("rank"), _appointment.c.kind,
           _user.c.display_name, _user.c.position)
    .join(_user, _appointment.c.user_id == _user.c.id)
    .where(_appointment.c.role == bindparam("role"),
           _appointment.c.kind.in_(_PRECEDENCE),
           _appointment.c.starts_on <= bindparam("on"), _appointment.c.ends_on >= bindparam("on"),
           _appointment.c.ended_at.is_(None), _user.c.active.is_(True))
    .order_by(literal_column("rank"), _appointment.c.starts_on.desc(),
              _appointment.c.id.desc())
    .limit(1)
    .subquery()
)
#: ...and the role's own holder, the first account holding it...
_OWN_HOLDER = (
    select(literal_column(str(len(_PRECEDENCE))).label("rank"),
           literal_column(f"'{_OWN}'").label("kind"), _user.c.display_name, _user.c.position)
    .join(_role, _role.c.user_id == _user.c.id)
    .where(_role.c.role == bindparam("role"), _user.c.active.is_(True))
    .order_by(_user.c.id).limit(1)
    .subquery()
)
#: ...the first of the two, in one statement built once (a letter step runs it).
_SIGNER = union_all(select(_APPOINTED), select(_OWN_HOLDER)).order_by(
    literal_column("rank")).limit(1)


def signature_for(session: Session, office: OfficeIdentity, on: date,
                  role: str = HEAD_ROLE) -> Signature:
    """Who signs for ``role`` (by default the head) on ``on``, as they stood that day."""
    title = office.head_title
    signer = session.connection().execute(_SIGNER, {"role": role, "on": on}).first()
    if signer is None:
        return unsigned(title)
    if signer.kind == _OWN:
        return Signature(name=signer.display_name, position=signer.position or title,
                         for_title=title)
    return Signature(name=signer.display_name, position=signer.position,
                     capacity=cast(Capacity, signer.kind), for_title=title)


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
