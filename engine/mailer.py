"""Delivering the outbox by SMTP: at least once, retried with back-off, never lost.

A message is claimed (its next attempt pushed into the future) before it is sent
and marked sent after; a crash in between sends it again, with the same stable
Message-ID, so the receiving side can recognise the duplicate.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from engine.config import Settings
from engine.models import OutboxMessage, utcnow
from engine.queues import claim_due_ids
from engine.runtime import Runtime

log = logging.getLogger(__name__)

#: A claimed message is left to its sender this long; a sender killed meanwhile delays it by
#: at most this much, and a slower one may see it sent twice (same Message-ID).
CLAIM_SECONDS = 60
BATCH = 50
MAX_BACKOFF = timedelta(hours=1)


def _claim(rt: Runtime) -> list[int]:
    return claim_due_ids(rt, OutboxMessage, OutboxMessage.sent_at.is_(None), limit=BATCH,
                         hold=timedelta(seconds=CLAIM_SECONDS))


def _email(rt: Runtime, row: OutboxMessage) -> EmailMessage:
    recipient, body = row.recipient, row.body
    if row.sealed:
        opened = rt.cipher.decrypt(row.sealed)
        recipient, body = opened["recipient"], opened["body"]
    message = EmailMessage()
    message["From"] = rt.settings.smtp_from
    message["To"] = recipient
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message.set_content(body)
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def deliver_outbox(rt: Runtime) -> tuple[int, int]:
    """Send what is due; return (sent, failed). Without SMTP settings nothing is sent."""
    settings = rt.settings
    if not settings.smtp_host:
        return 0, 0
    sent = failed = 0
    for message_id in _claim(rt):
        with rt.db.read() as session:
            row = session.get_one(OutboxMessage, message_id)
            email = _email(rt, row)
            attempts = row.attempts
        try:
            _send(settings, email)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            backoff = min(timedelta(seconds=30 * 2**attempts), MAX_BACKOFF)
            _record(rt, message_id, sent=False, error=type(exc).__name__, retry_in=backoff)
            # The type only: an SMTP error may quote the recipient's address.
            log.warning("outbox %s: send failed (%s), retry in %s", message_id,
                        type(exc).__name__, backoff)
            continue
        sent += 1
        _record(rt, message_id, sent=True)
    return sent, failed


def _record(rt: Runtime, message_id: int, *, sent: bool, error: str | None = None,
            retry_in: timedelta | None = None) -> None:
    now = utcnow()
    with rt.db.write() as session:
        row = session.get_one(OutboxMessage, message_id)
        row.attempts += 1
        if sent:
            row.sent_at, row.last_error = now, None
        else:
            row.last_error = error
            row.next_attempt_at = now + (retry_in or timedelta(seconds=30))
