"""Passwords for test users, set the way an administrator does (``admin.reset_password``),
then taken as chosen: a reset forces a new password at the next sign-in, which the tests
that only need a signed-in user skip (tests/web/test_accounts.py tests the forced change)."""

from __future__ import annotations

from sqlalchemy import update

from engine.core.actors import Actor
from engine.core.models import User
from engine.services.admin import staff as admin
from engine.workflow.runtime import Runtime


def known_password(rt: Runtime, by: Actor, username: str) -> str:
    password = admin.reset_password(rt, by, username)
    with rt.db.write() as session:
        session.execute(update(User).where(User.username == username)
                        .values(must_change_password=False))
    return password
