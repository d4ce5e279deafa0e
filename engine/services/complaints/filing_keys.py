"""Filing happens once: the keys that tie a repeated submission to its first complaint.

The website's complaint form carries a one-time token (a hidden field, beside the CSRF
token) and an API client may send an ``Idempotency-Key`` header. The complaint and its key
are written in one transaction (engine/services/complaints/citizen.py), so a key either
has its case or was never stored. The same key sent again (a reload, the back button and
"send" once more, a retry after a lost answer) finds that case and files nothing.

Only a SHA-256 of each key is kept, and only for :data:`KEY_LIFETIME`: long enough for
any retry or a citizen going back to the page, short enough that the table stays small.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.core.errors import Conflict, InvalidData
from engine.core.models import FilingKey

#: "form": the website's one-time token; "api": an Idempotency-Key header.
Channel = Literal["form", "api"]

#: How long a key finds its first complaint.
KEY_LIFETIME = timedelta(hours=24)
#: A form token as new_form_token makes it (43 URL-safe characters, 256 bits).
_FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: An Idempotency-Key: visible ASCII, long enough to be unique (a UUID is 36).
_API_KEY = re.compile(r"[\x21-\x7e]{16,200}")


def new_form_token() -> str:
    """A fresh one-time token for one showing of the complaint form."""
    return secrets.token_urlsafe(32)


def checked_key(channel: Channel, key: str) -> str:
    """The key itself if it has the channel's shape; a clear refusal otherwise."""
    if channel == "form":
        if not _FORM_TOKEN.fullmatch(key):
            raise InvalidData(
                "แบบฟอร์มนี้เปิดไว้นานเกินไปหรือไม่ครบ กรุณากดส่งอีกครั้ง ยังไม่ได้ส่งเรื่อง / the "
                "form is incomplete or too old; press send again (nothing was sent)",
                {"filing_token": "ไม่ถูกต้อง / not valid"})
    elif not _API_KEY.fullmatch(key):
        raise InvalidData(
            "Idempotency-Key ต้องเป็นอักขระ ASCII ที่มองเห็นได้ 16–200 ตัว เช่น UUID / the "
            "Idempotency-Key must be 16 to 200 visible ASCII characters, e.g. a UUID",
            {"Idempotency-Key": "16–200 visible ASCII characters"})
    return key


def key_hash(channel: Channel, key: str) -> str:
    # The channel is part of the hash: a form token can never answer an API retry.
    return hashlib.sha256(f"{channel}\0{key}".encode()).hexdigest()


def body_hash(body: Any) -> str:
    """The same JSON body gives the same hash whatever the order of its keys."""
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find(session: Session, channel: Channel, key: str, now: datetime, *,
         body: str | None = None) -> FilingKey | None:
    """The unexpired key's row. An API key that comes back with another body is a
    Conflict; a form token stands for its form whatever the form holds now."""
    row = session.scalar(select(FilingKey).where(
        FilingKey.key_hash == key_hash(channel, key), FilingKey.expires_at > now))
    if row is not None and channel == "api" and body is not None and row.body_hash != body:
        raise Conflict(
            "Idempotency-Key นี้ใช้ส่งเรื่องอื่นไปแล้ว ไม่ได้ส่งเรื่องนี้ กรุณาใช้คีย์ใหม่สำหรับเรื่องใหม่ / "
            "this Idempotency-Key was already used for a different complaint; nothing was "
            "filed. Use a new key for a new complaint")
    return row


def same_as_before(session: Session, previous: str | None, body: str,
                   now: datetime) -> FilingKey | None:
    """The row of the form this browser sent before, if it held exactly this body.

    A browser that fetches the form again on the back button brings a new token but
    refills what was typed; the same words sent again from the same browser are the same
    complaint, not a second one.
    """
    if not previous:
        return None
    row = find(session, "form", previous, now)
    return row if row is not None and row.body_hash == body else None


def remember(session: Session, channel: Channel, key: str, instance_id: int, now: datetime,
             *, body: str | None = None, sealed_receipt: bytes | None = None) -> FilingKey:
    """Keep the key beside the case it filed, in the caller's transaction.

    Expired keys go in the same transaction: nothing else needs them, and no job has to.
    """
    session.execute(delete(FilingKey).where(FilingKey.expires_at <= now))
    row = FilingKey(key_hash=key_hash(channel, key), channel=channel, body_hash=body,
                    instance_id=instance_id, sealed_receipt=sealed_receipt,
                    created_at=now, expires_at=now + KEY_LIFETIME)
    session.add(row)
    session.flush()
    return row
