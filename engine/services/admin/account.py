"""A user's own account: choosing a new password."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, InvalidData
from engine.core.models import User
from engine.services.admin.users import MIN_PASSWORD_LENGTH
from engine.workflow.runtime import Runtime

#: Longer is refused before hashing (argon2 of megabytes is a denial of service).
MAX_PASSWORD_LENGTH = 1024


def _check_new(current: str, new: str, repeated: str) -> None:
    fields = {}
    if len(new) < MIN_PASSWORD_LENGTH:
        fields["new_password"] = (f"รหัสผ่านใหม่ต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร / "
                                  f"the new password needs at least {MIN_PASSWORD_LENGTH} "
                                  "characters")
    elif len(new) > MAX_PASSWORD_LENGTH:
        fields["new_password"] = (f"รหัสผ่านใหม่ยาวได้ไม่เกิน {MAX_PASSWORD_LENGTH} ตัวอักษร / "
                                  f"at most {MAX_PASSWORD_LENGTH} characters")
    elif new == current:
        fields["new_password"] = ("รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน / the new password "  # noqa: S105
                                  "must differ from the current one")
    if new != repeated:
        fields["new_password_again"] = ("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน / the two new passwords "  # noqa: S105
                                        "differ")
    if fields:
        raise InvalidData("รหัสผ่านใหม่ใช้ไม่ได้ กรุณาแก้ไขช่องที่ระบุ / the new password cannot "
                          "be used: see the fields", fields)


def change_password(rt: Runtime, actor: Actor, current: str, new: str, repeated: str) -> int:
    """Set the signed-in user's password to ``new`` after checking ``current``; clears a
    forced change and ends every other web session. Returns the new session epoch, for the
    caller's own session to carry on with. Wrong input changes nothing."""
    _check_new(current, new, repeated)
    with rt.db.read() as session:
        old_hash = session.scalar(select(User.password_hash).where(User.id == actor.id))
    if not rt.passwords.verify(old_hash, current):
        raise InvalidData("รหัสผ่านปัจจุบันไม่ถูกต้อง ไม่ได้เปลี่ยนรหัสผ่าน / the current password is "
                          "wrong; nothing was changed",
                          {"current_password": "รหัสผ่านปัจจุบันไม่ถูกต้อง / wrong password"})
    new_hash = rt.passwords.hash(new)  # outside the write transaction: argon2 takes a while
    with rt.db.write() as session:
        # Only if the password is still the one checked above (no reset in between).
        changed = cast(CursorResult[Any], session.execute(
            update(User).where(User.id == actor.id, User.password_hash == old_hash)
            .values(password_hash=new_hash, must_change_password=False,
                    session_epoch=User.session_epoch + 1)
        )).rowcount
        if not changed:
            raise Conflict("รหัสผ่านเพิ่งถูกเปลี่ยนโดยผู้อื่น กรุณาเข้าสู่ระบบใหม่ / the password "
                           "was changed meanwhile; please sign in again")
        record(session, actor, "password_changed", username=actor.username)
        return int(session.scalar(select(User.session_epoch).where(User.id == actor.id)))
