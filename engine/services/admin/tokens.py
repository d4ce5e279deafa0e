"""API tokens: several named ones per user (one per system that calls the API), each with
its created and last-used times; issued, listed and revoked one by one.

A token is shown once, when it is issued; only its SHA-256 is stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from engine.core.actors import ACTOR_COLUMNS, Actor, actor_of_row
from engine.core.audit import record
from engine.core.errors import Conflict, InvalidData, NotAuthenticated, NotFound
from engine.core.limits import column_limit
from engine.core.models import ApiToken, Unit, User, utcnow
from engine.core.passwords import hash_token, new_token
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

#: The column's length (api_token.name), read from the model like every other limit.
MAX_NAME = column_limit(ApiToken.name) or 100
#: The name given when a caller names none (the old ``govflow user token NAME``):
#: "api", then "api-2", "api-3"… whichever is free.
DEFAULT_NAME = "api"
#: How stale ``last_used_at`` may get. Writing it on every authenticated request would turn
#: each API read into a write (on SQLite a write lock every worker queues on); a minute is
#: precise enough to tell a system still calling from one that stopped.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"ไม่พบผู้ใช้ '{username}' / no user '{username}'")
    return user


def _live(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at, ApiToken.id)))


def checked_name(name: str) -> str:
    """The token's name trimmed; empty, over-long or with control characters refused."""
    trimmed = (name or "").strip()
    problem = None
    if not trimmed:
        problem = ("กรุณาตั้งชื่อโทเคน เช่น ชื่อระบบที่จะใช้ / give the token a name, e.g. the "
                   "system that will use it")
    elif len(trimmed) > MAX_NAME:
        problem = (f"ชื่อโทเคนยาวได้ไม่เกิน {MAX_NAME} ตัวอักษร (ยาว {len(trimmed)}) / a token "
                   f"name has at most {MAX_NAME} characters ({len(trimmed)} given)")
    elif any(ord(c) < 32 or ord(c) == 127 for c in trimmed):
        problem = ("ชื่อโทเคนมีอักขระควบคุม (เช่น ขึ้นบรรทัดใหม่) / a token name cannot contain "
                   "control characters such as line breaks")
    if problem:
        raise InvalidData("ชื่อโทเคนไม่ถูกต้อง / invalid token name", {"name": problem})
    return trimmed


def _free_name(taken: set[str]) -> str:
    name, n = DEFAULT_NAME, 1
    while name in taken:
        n += 1
        name = f"{DEFAULT_NAME}-{n}"
    return name


def issue(rt: Runtime, username: str, name: str | None = None, *, actor: Actor | None = None,
          replace: bool = False) -> str:
    """A new token for ``username`` named ``name``; the user's other tokens stay valid.
    ``replace``: revoke a live token of the same name first (the demo's "demo" tokens)."""
    wanted = None if name is None else checked_name(name)
    token = new_token()
    with rt.db.write() as session:
        user = _user(session, username)
        live = _live(session, user.id)
        same = [t for t in live if t.name == wanted]
        if same and not replace:
            raise Conflict(f"{username} มีโทเคนชื่อ '{wanted}' ที่ใช้งานอยู่แล้ว ตั้งชื่ออื่นหรือยกเลิก"
                           f"โทเคนเดิมก่อน / {username} already has a live token named "
                           f"'{wanted}': choose another name or revoke that one first")
        for old in same:
            _revoke(session, old, actor, username)
        final = wanted or _free_name({t.name for t in live})
        row = ApiToken(user_id=user.id, token_hash=hash_token(token), name=final)
        session.add(row)
        session.flush()
        record(session, actor, "token_issued", username=username, token_id=row.id, name=final)
    return token


def _view(row: ApiToken) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "created_at": iso(row.created_at),
            "last_used_at": iso(row.last_used_at)}


def list_tokens(rt: Runtime, username: str) -> list[dict[str, Any]]:
    """The user's live tokens, oldest first: id, name, created and last-used times."""
    with rt.db.read() as session:
        return [_view(t) for t in _live(session, _user(session, username).id)]


def live_by_user(session: Session) -> dict[int, list[dict[str, Any]]]:
    """Every live token, by user id (the administrators' user list, in one query)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))
                               .order_by(ApiToken.created_at, ApiToken.id)):
        found.setdefault(row.user_id, []).append(_view(row))
    return found


def _revoke(session: Session, row: ApiToken, actor: Actor | None, username: str) -> None:
    row.revoked_at = utcnow()
    record(session, actor, "token_revoked", username=username, token_id=row.id, name=row.name)


def revoke_in(session: Session, user: User, actor: Actor | None,
              token_id: int | None = None) -> int:
    """Revoke one of ``user``'s live tokens (``token_id``) or all of them, in the caller's
    transaction; how many were revoked."""
    live = _live(session, user.id)
    chosen = live if token_id is None else [t for t in live if t.id == token_id]
    if token_id is not None and not chosen:
        raise NotFound(f"{user.username} ไม่มีโทเคนหมายเลข {token_id} ที่ใช้งานอยู่ / "
                       f"{user.username} has no live token {token_id}")
    for row in chosen:
        _revoke(session, row, actor, user.username)
    return len(chosen)


def revoke(rt: Runtime, username: str, *, token_id: int | None = None,
           actor: Actor | None = None) -> int:
    """Revoke one token (``token_id``) or every live token of ``username``."""
    with rt.db.write() as session:
        return revoke_in(session, _user(session, username), actor, token_id)


#: The live token's user, with the user's unit name, in one query (built once: every API
#: request runs it, and building it per call cost more than running it).
_BY_HASH = (
    select(*ACTOR_COLUMNS, Unit.name.label("unit_name"), ApiToken.id.label("token_id"),
           ApiToken.last_used_at)
    .select_from(ApiToken)
    .join(User, ApiToken.user_id == User.id)
    .outerjoin(Unit, Unit.id == User.unit_id)
    .where(ApiToken.token_hash == bindparam("hash"), ApiToken.revoked_at.is_(None))
)


def actor_for_token(rt: Runtime, token: str) -> Actor:
    """Who a bearer token signs in; a revoked token, or one of a deactivated user, no one.
    Read afresh on every request: a revocation, a deactivation or a change of roles counts
    from the next request on, in every worker."""
    with rt.db.read() as session:
        found = session.connection().execute(_BY_HASH, {"hash": hash_token(token)}).first()
        if found is None or not found.active:
            raise NotAuthenticated(
                "โทเคนไม่ถูกต้องหรือถูกยกเลิกแล้ว / the API token is invalid or revoked"
            )
        who = actor_of_row(session, found, found.unit_name)
    now = utcnow()
    last_used = found.last_used_at
    if last_used is None or last_used < now - LAST_USED_RESOLUTION:
        _touch(rt, found.token_id, now)
    return who


def _touch(rt: Runtime, token_id: int, now: Any) -> None:
    # Conditional, so of several workers seeing the same stale value one write wins and
    # the others change nothing.
    with rt.db.write() as session:
        session.execute(update(ApiToken).where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - LAST_USED_RESOLUTION),
        ).values(last_used_at=now))
