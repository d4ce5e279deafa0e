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

from engine.core.config import Settings
from engine.core.emails import header_text, is_email
from engine.core.errors import UnsendableMessage
from engine.core.models import OutboxMessage, utcnow
from engine.workflow.queues import backoff, claim_due_ids
from engine.workflow.runtime import Runtime

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
    """The message as sent: one checked recipient, and every header on one line whatever
    put it in the queue (a wrapped BPMN task name, a row written by hand)."""
    recipient, body = row.recipient, row.body
    if row.sealed:
        opened = rt.cipher.decrypt(row.sealed)
        recipient, body = opened["recipient"], opened["body"]
    if not is_email(recipient):
        raise UnsendableMessage
    message = EmailMessage()
    message["From"] = header_text(rt.settings.smtp_from)
    message["To"] = recipient
    message["Subject"] = header_text(row.subject)
    message["Message-ID"] = header_text(row.message_id)
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


#: What ``last_error`` says, after the exception's type. Fixed phrases: an exception's own
#: text may quote the address or the body, and last_error is shown to administrators.
CANNOT_BUILD = "the message cannot be built (not one valid recipient, or a bad header)"
CANNOT_SEND = "the SMTP server refused the message or could not be reached"


def deliver_outbox(rt: Runtime) -> tuple[int, int]:
    """Send what is due; return (sent, failed). Without SMTP settings nothing is sent.

    A message that cannot be built or sent is marked failed and backed off; it never
    stops the messages after it.
    """
    settings = rt.settings
    if not settings.smtp_host:
        return 0, 0
    sent = failed = 0
    for message_id in _claim(rt):
        stage = CANNOT_BUILD
        try:
            with rt.db.read() as session:
                row = session.get_one(OutboxMessage, message_id)
                email = _email(rt, row)
            stage = CANNOT_SEND
            _send(settings, email)
        except Exception as exc:  # noqa: BLE001 - one message must never stop the others
            failed += 1
            _failed(rt, message_id, f"{type(exc).__name__}: {stage}")
            continue
        sent += 1
        _sent(rt, message_id)
    return sent, failed


def _failed(rt: Runtime, message_id: int, reason: str) -> None:
    """Mark the message failed and back it off: 30 s, doubling, at most an hour."""
    now = utcnow()
    with rt.db.write() as session:
        row = session.get_one(OutboxMessage, message_id)
        wait = backoff(row.attempts, timedelta(seconds=30), MAX_BACKOFF)
        row.attempts += 1
        row.last_error, row.failed_at, row.next_attempt_at = reason, now, now + wait
    # The reason only: an SMTP error may quote the recipient's address.
    log.warning("outbox %s: %s; retry in %s", message_id, reason, wait)


def _sent(rt: Runtime, message_id: int) -> None:
    with rt.db.write() as session:
        row = session.get_one(OutboxMessage, message_id)
        row.attempts += 1
        row.sent_at, row.last_error, row.failed_at = utcnow(), None, None
