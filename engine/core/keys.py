"""Secrets a govflow process needs: the personal-data key, the name-index key and the
session key.

Production takes them from the environment and refuses to start without them.
Development generates them once under ``instance/`` so ``make run`` just works.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from engine.core.config import Settings
from engine.core.errors import ConfigurationError


def _dev_secret(path: Path, make: str) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: when two processes start at once, one writes and the other reads its key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(make)
    return make


def data_key(settings: Settings) -> bytes:
    """The Fernet key that encrypts complainants' and accused persons' personal data."""
    if settings.data_key:
        key = settings.data_key
    elif settings.is_production:
        raise ConfigurationError(
            "ไม่ได้ตั้งค่า GOVFLOW_DATA_KEY (กุญแจเข้ารหัสข้อมูลส่วนบุคคล) / "
            "GOVFLOW_DATA_KEY is not set. Generate one with `govflow keygen` "
            "and set it in the environment."
        )
    else:
        key = _dev_secret(settings.instance_dir / "data.key", Fernet.generate_key().decode())
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ConfigurationError(
            "GOVFLOW_DATA_KEY ไม่ถูกต้อง / is not a valid Fernet key (32 url-safe base64 bytes)."
        ) from exc
    return key.encode("ascii")


#: Bytes of a name-index key: HMAC-SHA256's own block of security, 256 bits.
NAME_INDEX_KEY_BYTES = 32


def new_name_index_key() -> str:
    """A new key for GOVFLOW_NAME_INDEX_KEY: 32 random bytes, url-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(NAME_INDEX_KEY_BYTES)).decode("ascii")


def name_index_key(settings: Settings) -> bytes:
    """The HMAC key of the blind index of names (engine.core.name_index).

    Separate from the data key: the index must not be searchable by whoever holds only
    the data key's backups, and a leak of one key must not expose the other's secret.
    Changing it makes every indexed name unfindable until ``govflow reindex-names``.
    """
    if settings.name_index_key:
        text = settings.name_index_key
    elif settings.is_production:
        raise ConfigurationError(
            "ไม่ได้ตั้งค่า GOVFLOW_NAME_INDEX_KEY (กุญแจดัชนีค้นหาชื่อ) / "
            "GOVFLOW_NAME_INDEX_KEY is not set. Generate one with "
            "`govflow keygen --name-index` and set it in the environment."
        )
    else:
        text = _dev_secret(settings.instance_dir / "name_index.key", new_name_index_key())
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != NAME_INDEX_KEY_BYTES:
        raise ConfigurationError(
            "GOVFLOW_NAME_INDEX_KEY ไม่ถูกต้อง / is not a valid key (32 url-safe base64 bytes); "
            "generate one with `govflow keygen --name-index`."
        )
    if settings.data_key and text.strip() == settings.data_key.strip():
        raise ConfigurationError(
            "GOVFLOW_NAME_INDEX_KEY ต้องไม่ซ้ำกับ GOVFLOW_DATA_KEY / must differ from "
            "GOVFLOW_DATA_KEY; generate its own with `govflow keygen --name-index`."
        )
    return key


def session_secret(settings: Settings) -> str:
    """The key that signs web sessions and CSRF tokens."""
    if settings.secret_key:
        return settings.secret_key
    if settings.is_production:
        raise ConfigurationError(
            "ไม่ได้ตั้งค่า GOVFLOW_SECRET_KEY / GOVFLOW_SECRET_KEY is not set; "
            "set it to a long random string."
        )
    return _dev_secret(settings.instance_dir / "secret.key", secrets.token_urlsafe(48))
