"""Who works in govflow: units, user accounts and their roles, API tokens and acting
appointments (รักษาราชการแทน)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.core.models.base import Base, utcnow


class Unit(Base):
    """A data-owning unit of the office (กลุ่ม/หน่วย), e.g. the ICT group."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    #: The unit's full Thai name, e.g. "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร".
    name: Mapped[str] = mapped_column(String(300))


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(300))
    position: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Part of every web session's identity; signing out raises it, so a session cookie
    #: copied before sign-out no longer signs anyone in (Flask's sessions are signed cookies
    #: the server cannot otherwise take back).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Set by an administrator's password reset: the user must choose a new password at
    #: the next sign-in before any other page opens.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default="0")

    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, so a leaked table grants nothing.

    A user may hold several, one per system that calls the API, told apart by ``name``.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class ActingAppointment(Base):
    """A user holds a role over a date range (Bangkok dates, inclusive) by an order:
    รักษาราชการแทน (``kind="acting"``: holding the post while it is vacant or its holder
    away) or ปฏิบัติราชการแทน (``kind="delegated"``: a deputy under a standing
    delegation of the head's powers). Both sign letters in the role's name."""

    __tablename__ = "acting_appointment"
    __table_args__ = (Index("ix_acting_user_dates", "user_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(300), default="")
    #: "acting" (รักษาราชการแทน) or "delegated" (ปฏิบัติราชการแทน).
    kind: Mapped[str] = mapped_column(String(20), default="acting", server_default="acting")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
