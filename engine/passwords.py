"""Password and API-token hashing."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: Printed once to the user; only its SHA-256 is stored.
TOKEN_PREFIX = "gft_"  # noqa: S105 - a public prefix, not a secret


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # A token has 256 bits of entropy, so a fast unsalted hash is enough here.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
