"""Who is asking: the identity every service call carries."""

from __future__ import annotations

from dataclasses import dataclass

from engine.models import User


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    roles: frozenset[str]
    unit_id: int | None

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.display_name, user.roles, user.unit_id)

    def has_any(self, roles: set[str] | frozenset[str] | list[str] | tuple[str, ...]) -> bool:
        return not self.roles.isdisjoint(roles)
