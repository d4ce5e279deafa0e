"""Users, units, roles and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.core.actors import Actor, actor_of
from engine.core.audit import record
from engine.core.emails import checked_email
from engine.core.errors import Conflict, InvalidData, NotAuthenticated, NotFound
from engine.core.limits import column_limit, fit_problems, require_fit
from engine.core.models import Unit, User, UserRole, utcnow
from engine.core.roles import ROLES
from engine.services.admin import tokens
from engine.workflow.runtime import Runtime

MIN_PASSWORD_LENGTH = 10


def find_unit(session: Session, unit: str) -> Unit | None:
    """The unit whose code is ``unit``, else the first whose exact name is: a person
    naturally types the unit's name ("กลุ่มนโยบายและแผน"), a script its code ("PLAN")."""
    if fit_problems({"unit": (Unit.name, unit)}):
        return None  # no code or name is this long or holds a NUL (PostgreSQL cannot compare it)
    return (session.scalar(select(Unit).where(Unit.code == unit))
            or session.scalar(select(Unit).where(Unit.name == unit).order_by(Unit.id).limit(1)))


def _unit(session: Session, unit: str, name: str | None = None) -> Unit:
    """The unit named by code or name; a new one (``unit`` its code) when none is."""
    found = find_unit(session, unit)
    if found is None:
        problems = fit_problems({"unit": (Unit.code, unit), "unit_name": (Unit.name, name)})
        limit = column_limit(Unit.code) or 0
        if not unit.strip():
            problems["unit"] = "ระบุรหัสหรือชื่อหน่วยงาน / give the unit's code or name"
        elif "\x00" not in unit and len(unit) > limit:
            problems["unit"] = (
                f"ไม่พบหน่วยงานที่มีรหัสหรือชื่อนี้ และรหัสหน่วยงานใหม่ยาวได้ไม่เกิน {limit} ตัวอักษร "
                f"(มี {len(unit)}) / no unit has this code or name, and a new unit's code is at "
                f"most {limit} characters ({len(unit)} given)")
        if problems:
            raise InvalidData("ข้อมูลหน่วยงานไม่ถูกต้อง / invalid unit", problems)
        found = Unit(code=unit, name=name or unit)
        session.add(found)
        session.flush()
    return found


def _check_new_user(username: str, roles: list[str], password: str | None) -> None:
    fields = {}
    plain = username.replace("_", "").replace(".", "")
    if not username or len(username) > 80 or not (plain.isascii() and plain.isalnum()):
        fields["username"] = "ใช้ตัวอักษร ตัวเลข _ หรือ . ไม่เกิน 80 ตัว / letters, digits, _ or ."
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        fields["role"] = f"บทบาทที่ใช้ได้ / valid roles: {', '.join(ROLES)}"
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        fields["password"] = f"รหัสผ่านอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร / too short"
    if fields:
        raise InvalidData("ข้อมูลผู้ใช้ไม่ถูกต้อง / invalid user details", fields)


def add_user(
    rt: Runtime,
    username: str,
    roles: list[str],
    unit_code: str,
    *,
    password: str | None = None,
    display_name: str | None = None,
    position: str = "",
    unit_name: str | None = None,
    email: str | None = None,
    actor: Actor | None = None,
) -> Actor:
    _check_new_user(username, roles, password)
    if email is not None:
        checked_email(email, "email")
    require_fit({"display_name": (User.display_name, display_name),
                 "position": (User.position, position)},
                "ข้อมูลผู้ใช้ไม่ถูกต้อง / invalid user details")
    with rt.db.write() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(f"มีผู้ใช้ชื่อ '{username}' แล้ว / user '{username}' already exists")
        unit = _unit(session, unit_code, unit_name)
        user = User(
            username=username,
            display_name=display_name or username,
            position=position,
            unit_id=unit.id,
            password_hash=rt.passwords.hash(password) if password else None,
            email=email or None,
            role_rows=[UserRole(role=r) for r in sorted(set(roles))],
        )
        session.add(user)
        session.flush()
        record(session, actor, "user_added", username=username, roles=sorted(set(roles)),
               unit=unit.code)
        return actor_of(session, user)


def issue_token(rt: Runtime, username: str, name: str | None = None,
                actor: Actor | None = None) -> str:
    """A new API token for ``username`` named ``name`` (``None``: the first free of "api",
    "api-2"…); it is shown once and stored only as a hash. Other tokens stay valid."""
    return tokens.issue(rt, username, name, actor=actor)


#: The API's sign-in (engine.services.admin.tokens keeps last_used_at).
actor_for_token = tokens.actor_for_token


def authenticate(rt: Runtime, username: str, password: str) -> Actor:
    with rt.db.read() as session:
        user = session.scalar(select(User).where(User.username == username))
        # Verified whoever asks (a dummy hash for an unknown user, engine.core.passwords), so an
        # unknown name takes as long as a wrong password and the time tells nobody who
        # has an account.
        matches = rt.passwords.verify(user.password_hash if user else None, password)
        if user is None or not user.active or not matches:
            raise NotAuthenticated(
                "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง / wrong user name or password"
            )
        actor, old_hash = actor_of(session, user), user.password_hash
    if old_hash is not None and rt.passwords.needs_rehash(old_hash):
        _rehash(rt, actor.id, old_hash, password)
    return actor


def _rehash(rt: Runtime, user_id: int, old_hash: str, password: str) -> None:
    """Re-hash a password just verified under the configured profile (it was made under
    another), unless it changed in between; the user's sessions and tokens stay valid."""
    new_hash = rt.passwords.hash(password)  # outside the write transaction: argon2 is slow
    with rt.db.write() as session:
        session.execute(update(User).where(User.id == user_id, User.password_hash == old_hash)
                        .values(password_hash=new_hash))


def actor_by_id(rt: Runtime, user_id: int) -> Actor:
    """The signed-in user of a web session; a deactivated user no longer resolves."""
    with rt.db.read() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise NotFound(f"ไม่พบผู้ใช้ {user_id} / no active user {user_id}")
        return actor_of(session, user)


def session_epoch(rt: Runtime, user_id: int) -> int:
    """The user's current session epoch, written into a web session at sign-in."""
    with rt.db.read() as session:
        epoch = session.scalar(select(User.session_epoch).where(User.id == user_id))
        if epoch is None:
            raise NotFound(f"ไม่พบผู้ใช้ {user_id} / no user {user_id}")
        return epoch


def session_actor(rt: Runtime, user_id: int, epoch: int) -> Actor:
    """The signed-in user of a web session made at ``epoch``; a session from before the
    user's last sign-out, like a deactivated user, no longer resolves."""
    with rt.db.read() as session:
        user = session.get(User, user_id)
        if user is None or not user.active or user.session_epoch != epoch:
            raise NotFound(f"ไม่พบผู้ใช้ {user_id} / no active user {user_id}")
        return actor_of(session, user)


def end_sessions(rt: Runtime, user_id: int) -> None:
    """Sign the user out everywhere: every web session made before now stops working."""
    with rt.db.write() as session:
        session.execute(update(User).where(User.id == user_id)
                        .values(session_epoch=User.session_epoch + 1))


def actor_by_username(rt: Runtime, username: str) -> Actor:
    with rt.db.read() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"ไม่พบผู้ใช้ '{username}' / no user '{username}'")
        return actor_of(session, user)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    roles: tuple[str, ...]
    unit: str
    token: str


#: One demo user per role; staff get two units so the unit rule can be seen at work.
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("admin", "admin", "ADMIN", "ผู้ดูแลระบบ", "ผู้ดูแลระบบ"),
    ("director", "director", "DIR", "ผู้อำนวยการ สพป.", "นายสมชาย ผู้อำนวยการ"),
    ("legal_officer", "legal_officer", "LEGAL", "กลุ่มกฎหมายและคดี", "นางสาวกานดา นิติกร"),
    ("legal_head", "legal_head", "LEGAL", "กลุ่มกฎหมายและคดี", "นายวิชัย หัวหน้ากลุ่มกฎหมาย"),
    ("web_admin", "web_admin", "ICT", "กลุ่มส่งเสริมการศึกษาทางไกลฯ", "นายธนา ผู้ดูแลเว็บไซต์"),
    ("ict_head", "ict_head", "ICT", "กลุ่มส่งเสริมการศึกษาทางไกลฯ", "นางพรทิพย์ ผอ.กลุ่ม ICT"),
    ("staff", "staff", "PLAN", "กลุ่มนโยบายและแผน", "นางสาวมาลี เจ้าหน้าที่แผน"),
    ("staff2", "staff", "HR", "กลุ่มบริหารงานบุคคล", "นายประเสริฐ เจ้าหน้าที่บุคคล"),
    ("process_owner", "process_owner", "ICT", "กลุ่มส่งเสริมการศึกษาทางไกลฯ", "ผู้ดูแลกระบวนงาน"),
)


@dataclass(frozen=True)
class DemoSeeding:
    """What seeding the demo did: the logins of the users given a password now, and the
    usernames of those already there, left with the password and token they had."""

    logins: list[DemoLogin]
    kept: list[str]


def seed_demo(rt: Runtime, *, reset: bool = False) -> DemoSeeding:
    """Create the demo users that are missing; ``reset``: also give every existing one a
    fresh password and token. Without it a second run changes no one's password: people
    already signed in with the printed logins keep them (a password is stored hashed, so
    the old one cannot be printed again)."""
    names = [username for username, *_ in DEMO_USERS]
    with rt.db.read() as session:
        existing = set(session.scalars(select(User.username).where(User.username.in_(names))))
    logins, kept = [], []
    for username, role, unit_code, unit_name, display in DEMO_USERS:
        if username in existing and not reset:
            kept.append(username)
            continue
        password = secrets.token_urlsafe(9)
        _upsert_demo_user(rt, username, role, unit_code, unit_name, display, password)
        # Each reset replaces the user's "demo" token; tokens of other names stay.
        token = tokens.issue(rt, username, "demo", replace=True)
        logins.append(DemoLogin(username, password, (role,), unit_code, token))
    return DemoSeeding(logins, kept)


def _upsert_demo_user(
    rt: Runtime, username: str, role: str, unit_code: str, unit_name: str, display: str,
    password: str,
) -> None:
    with rt.db.write() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            unit = _unit(session, unit_code, unit_name)
            user = User(username=username, display_name=display, unit_id=unit.id,
                        role_rows=[UserRole(role=role)])
            session.add(user)
        user.password_hash = rt.passwords.hash(password)
        user.must_change_password = False  # the demo prints the password to use
        user.active = True
        record(session, None, "demo_user_seeded", username=username, at=utcnow().isoformat())
