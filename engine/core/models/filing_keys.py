"""Keys that make a citizen's filing happen once (กุญแจกันการยื่นเรื่องซ้ำ).

A web form's one-time token or an API client's ``Idempotency-Key`` is kept, hashed, beside
the case it filed, so that the same submission sent again (a reload, the back button, a
retry after a lost answer) gets the first receipt instead of a second case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, utcnow


class FilingKey(Base):
    """One submission's key: the case it filed, until ``expires_at``.

    ``sealed_receipt`` holds, encrypted, what the receipt shows beyond the case's own
    columns: the evidence files' names and, until the receipt is first shown, the secret.
    """

    __tablename__ = "filing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the channel and the key; the key itself is never stored.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "form" (the website's one-time token) or "api" (an Idempotency-Key).
    channel: Mapped[str] = mapped_column(String(10))
    #: SHA-256 of the body as JSON: an API key reused for another body is refused, and
    #: the same words sent again from the same browser are the same complaint.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    sealed_receipt: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
