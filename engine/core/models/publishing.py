"""The public information pages: published items and the case files published with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, utcnow


class Publication(Base):
    """An item on the public information pages (/public), made when a publishing request's
    publication step completes. It stays as a record after it leaves the pages: a newer
    item replaces it ("superseded") or a web administrator withdraws it ("withdrawn")."""

    __tablename__ = "publication"
    __table_args__ = (
        Index("ix_publication_listing", "status", "category", "published_at"),
        # The feed's "last change" per category: the newest publication, replacement and
        # withdrawal, each one seek (migration 0011 added the last two).
        Index("ix_publication_changes", "category", "published_at", "superseded_at",
              "withdrawn_at"),
        Index("ix_publication_superseded", "category", "superseded_at"),
        Index("ix_publication_withdrawn", "category", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # the publication number people quote
    #: The request case; a case publishes at most once.
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="published")
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text)
    external_link: Mapped[str] = mapped_column(String(2000), default="")
    legal_basis: Mapped[str] = mapped_column(String(40))
    #: The legal basis in words as the request form of the case's version put it.
    legal_basis_title: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    #: The unit as the request names it (the form's "unit"), shown on the public page.
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    #: The source or owner of the information, which the web administrator records when
    #: checking the request.
    source_owner: Mapped[str] = mapped_column(String(300), default="")
    #: The web administrator's note on the publish form (staff pages only).
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_by: Mapped[str] = mapped_column(String(80))
    published_by_display: Mapped[str] = mapped_column(String(300), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    superseded_at: Mapped[datetime | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))
    withdrawn_by_display: Mapped[str | None] = mapped_column(String(300))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class PublicationFile(Base):
    """A case file published with an item: the list is fixed at publication, so a file
    attached to the case afterwards never goes public by itself."""

    __tablename__ = "publication_file"
    __table_args__ = (UniqueConstraint("publication_id", "attachment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # the public file number (/public/files/<id>)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"))
