"""Password and API-token hashing."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: Printed once to the user; only its SHA-256 is stored.
TOKEN_PREFIX = "gft_"  # noqa: S105 - a public prefix, not a secret


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows, made once (lazily: a CLI command never needs it)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (an unknown user, or one without a
    password) a dummy hash is verified instead and False returned, so every call costs one
    argon2 verification and the time taken does not tell who has an account."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # A token has 256 bits of entropy, so a fast unsalted hash is enough here.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
