"""Who is asking: the identity every service call carries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.models import ActingAppointment, Unit, User, UserRole
from engine.thai.workdays import BANGKOK


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    #: Every role the user holds today, including roles held by an acting appointment.
    roles: frozenset[str]
    unit_id: int | None
    #: Roles held today only by an appointment: รักษาราชการแทน or ปฏิบัติราชการแทน.
    acting_for: frozenset[str] = field(default_factory=frozenset)
    #: Those of ``acting_for`` held under delegation (ปฏิบัติราชการแทน), not as acting.
    delegated_for: frozenset[str] = field(default_factory=frozenset)
    position: str = ""
    unit_name: str = ""
    #: After an administrator's password reset: the web pages wait for a new password.
    must_change_password: bool = False

    def has_any(self, roles: set[str] | frozenset[str] | list[str] | tuple[str, ...]) -> bool:
        return not self.roles.isdisjoint(roles)

    def acting_role_for(self, role: str | None) -> str | None:
        """The role this actor signs for as an acting official when doing ``role``'s work."""
        return role if role in self.acting_for else None

    def acting_kind_for(self, role: str | None) -> str | None:
        """How this actor holds ``role`` by appointment: "acting" (รักษาราชการแทน),
        "delegated" (ปฏิบัติราชการแทน), or None when not by appointment."""
        if role not in self.acting_for:
            return None
        return "delegated" if role in self.delegated_for else "acting"


def today_in_bangkok() -> date:
    return clock.now().astimezone(BANGKOK).date()


def _appointments(user_id: Any, on: Any) -> Any:
    return select(ActingAppointment.role, ActingAppointment.kind).where(
        ActingAppointment.user_id == user_id,
        ActingAppointment.starts_on <= on,
        ActingAppointment.ends_on >= on,
        ActingAppointment.ended_at.is_(None),
    )


# Built once: a statement made per call costs more in SQLAlchemy than the query itself
# on SQLite, and every authenticated request asks these.
_APPOINTED = _appointments(bindparam("uid"), bindparam("on"))
#: A user's own roles (kind NULL) and today's appointments, in one round trip.
_ROLES_AND_APPOINTED = union_all(
    select(UserRole.role, literal(None).label("kind")).where(UserRole.user_id == bindparam("uid")),
    _appointments(bindparam("uid"), bindparam("on")),
)
_UNIT_NAME = select(Unit.name).where(Unit.id == bindparam("unit_id"))


def _kinds(rows: Iterable[Any]) -> dict[str, str]:
    # Holding a role both ways, the acting appointment is what counts.
    kinds: dict[str, str] = {}
    for role, kind in rows:
        if kinds.get(role) != "acting":
            kinds[role] = kind
    return kinds


def appointed_roles(session: Session, user_id: int, on: date) -> dict[str, str]:
    """The roles ``user_id`` holds on ``on`` by appointment, each with its kind ("acting"
    or "delegated"); holding a role both ways, the acting appointment is what counts."""
    return _kinds(session.connection().execute(_APPOINTED, {"uid": user_id, "on": on}))


def holders_of(session: Session, role: str, on: date | None = None) -> list[User]:
    """Active users who hold ``role`` today, in their own right or by acting appointment."""
    day = on or today_in_bangkok()
    own = select(UserRole.user_id).where(UserRole.role == role)
    acting = select(ActingAppointment.user_id).where(
        ActingAppointment.role == role,
        ActingAppointment.starts_on <= day,
        ActingAppointment.ends_on >= day,
        ActingAppointment.ended_at.is_(None),
    )
    return list(session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(own.union(acting)))
        .order_by(User.username)
    ))


def _actor(user: Any, own: frozenset[str], appointed: Mapping[str, str],
           unit_name: str) -> Actor:
    acting = frozenset(appointed) - own
    return Actor(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=own | acting,
        unit_id=user.unit_id,
        acting_for=acting,
        delegated_for=frozenset(r for r in acting if appointed[r] == "delegated"),
        position=user.position,
        unit_name=unit_name,
        must_change_password=bool(user.must_change_password),
    )


def actor_of(session: Session, user: User, on: date | None = None) -> Actor:
    """The actor for ``user`` today: own roles plus those of active acting appointments."""
    appointed = appointed_roles(session, user.id, on or today_in_bangkok())
    unit_name = ""
    if user.unit_id is not None:
        unit_name = session.connection().execute(
            _UNIT_NAME, {"unit_id": user.unit_id}).scalar() or ""
    return _actor(user, user.roles, appointed, unit_name)


#: What :func:`actor_of_row` reads of a user, for a query that loads it in its own join.
ACTOR_COLUMNS = (User.id, User.username, User.display_name, User.unit_id, User.position,
                 User.must_change_password, User.active)


def actor_of_row(session: Session, user: Any, unit_name: str | None,
                 on: date | None = None) -> Actor:
    """:func:`actor_of` for a row of :data:`ACTOR_COLUMNS` whose unit's name the caller
    joined: the same actor, its roles and today's appointments read in one query."""
    rows = session.connection().execute(
        _ROLES_AND_APPOINTED, {"uid": user.id, "on": on or today_in_bangkok()}).all()
    own = frozenset(role for role, kind in rows if kind is None)
    appointed = _kinds((role, kind) for role, kind in rows if kind is not None)
    return _actor(user, own, appointed, unit_name or "")
