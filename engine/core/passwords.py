"""Password and API-token hashing.

Passwords are hashed with argon2id under a named argon2-cffi profile, the setting
``GOVFLOW_PASSWORD_PROFILE``: RFC 9106's low-memory profile by default (about a fifth of a
second per hash on the office's server), its high-memory one for a bigger machine, and
``cheapest`` for the test suite alone, refused in production. A hash carries its own
parameters, so a change of profile never locks anyone out: each password is re-hashed
under the new profile at its owner's next sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache, cached_property

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

#: GOVFLOW_PASSWORD_PROFILE's values, argon2-cffi's profiles of the same names.
PROFILES: dict[str, Parameters] = {
    "rfc_9106_low_memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc_9106_high_memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest": profiles.CHEAPEST,
}
DEFAULT_PROFILE = "rfc_9106_low_memory"
#: Profiles too weak to guard real passwords: for tests, refused in production.
TEST_ONLY_PROFILES = frozenset({"cheapest"})

#: Printed once to the user; only its SHA-256 is stored.
TOKEN_PREFIX = "gft_"  # noqa: S105 - a public prefix, not a secret


class PasswordHashing:
    """Hashes and checks passwords under one profile (see the module's docstring)."""

    def __init__(self, profile: str = DEFAULT_PROFILE) -> None:
        self._hasher = PasswordHasher.from_parameters(PROFILES[profile])

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    @cached_property
    def _dummy_hash(self) -> str:
        """A hash of nothing anyone knows, made once (lazily: a CLI command never needs it)."""
        return self._hasher.hash(secrets.token_urlsafe(16))

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; with no hash (an unknown user, or one without a
        password) a dummy hash is verified instead and False returned, so every call costs
        one argon2 verification and the time taken does not tell who has an account."""
        try:
            return self._hasher.verify(password_hash or self._dummy_hash,
                                       password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether a matching hash was made under another profile than this one."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False


@cache
def password_hashing(profile: str = DEFAULT_PROFILE) -> PasswordHashing:
    """The one hasher of a profile in this process (each keeps its own dummy hash)."""
    return PasswordHashing(profile)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # A token has 256 bits of entropy, so a fast unsalted hash is enough here.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
