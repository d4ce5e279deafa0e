"""The public information pages' reading side (no sign-in): the index by category, a
category's items with search, an item, its files and a category's feed.

Only items whose status is "published" are ever returned. A superseded item points to the
item that replaced it; a withdrawn one is gone. Nothing here shows who worked on a
request, the web administrator's note or a withdrawal's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.errors import Gone, NotFound
from engine.core.models import Attachment, Publication, PublicationFile, valid_id
from engine.services.inbox.attachments import storage_dir, typed_filename
from engine.services.publishing.requests import clean_query, current_categories, files_of, matching
from engine.workflow.runtime import Runtime

PAGE_SIZE = 20
FEED_SIZE = 50
#: Headings of the groups the ITA/OIT assessment asks for (its item 1), where the group is
#: not itself one category of the request form (1.2 and 1.4 are; their titles come from it).
GROUP_TITLES = {"1.1": "ข้อมูลหน่วยงาน", "1.3": "ข่าว/ข่าวประกาศ"}
GROUP_TITLES_EN = {"1.1": "About the office", "1.3": "News and announcements"}
PUBLISHED = Publication.status == "published"


@dataclass(frozen=True)
class Moved:
    """The item was replaced: its address now leads to the newest item in its place."""

    to: int


def _missing(what: str) -> NotFound:
    return NotFound(f"ไม่พบ{what} / not found")


def group_of(code: str) -> str:
    """'1.1.5' → '1.1'; '1.2' → '1.2'."""
    return ".".join(code.split(".")[:2])


def _counts(session: Session) -> dict[str, int]:
    return dict(session.execute(
        select(Publication.category, func.count()).where(PUBLISHED)
        .group_by(Publication.category)
    ).tuples().all())


def index(rt: Runtime, language: str = "th") -> dict[str, Any]:
    """The categories in the ITA/OIT groups, each with its count of published items;
    titles in ``language`` (Thai, or English where the form gives it)."""
    group_titles = GROUP_TITLES_EN if language == "en" else GROUP_TITLES
    with rt.db.read() as session:
        categories = current_categories(rt, session, language)
        counts = _counts(session)
    groups: dict[str, dict[str, Any]] = {}
    for code, title in categories.items():
        key = group_of(code)
        group = groups.setdefault(key, {"code": key, "title": "", "count": 0, "categories": []})
        group["categories"].append({"code": code, "title": title, "count": counts.get(code, 0)})
        group["count"] += counts.get(code, 0)
        if code == key:
            group["title"] = title
    for key, group in groups.items():
        group["title"] = group["title"] or (f"{key} {group_titles[key]}" if key in group_titles
                                            else key)
    return {"groups": list(groups.values()), "total": sum(counts.values())}


def _item_summary(row: Publication) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "details": row.details,
            "category": row.category, "unit_name": row.unit_name,
            "published_at": row.published_at}


def category(rt: Runtime, code: str, *, q: str = "", page: int = 1,
             size: int = PAGE_SIZE, language: str = "th") -> dict[str, Any]:
    """A category's published items, newest first, with search in title and details."""
    query_text = clean_query(q)
    with rt.db.read() as session:
        categories = current_categories(rt, session, language)
        if code not in categories:
            raise _missing(f"หมวดหมู่ {code[:20]}")
        where = [PUBLISHED, Publication.category == code]
        if query_text:
            where.append(matching(query_text, session.get_bind().dialect.name))
        total = session.scalar(select(func.count()).select_from(Publication).where(*where)) or 0
        rows = session.scalars(
            select(Publication).where(*where)
            .order_by(Publication.published_at.desc(), Publication.id.desc())
            .limit(size).offset((max(page, 1) - 1) * size)
        ).all()
    return {"code": code, "title": categories[code], "group": group_of(code),
            "q": query_text, "total": total, "items": [_item_summary(r) for r in rows]}


def item(rt: Runtime, publication_id: int, language: str = "th") -> dict[str, Any] | Moved:
    """A published item with its files; Moved for a replaced one; Gone for a withdrawn one."""
    if not valid_id(publication_id):
        raise _missing(f"รายการเลขที่ {publication_id}")
    with rt.db.read() as session:
        row = session.get(Publication, publication_id)
        if row is None:
            raise _missing(f"รายการเลขที่ {publication_id}")
        if row.status == "withdrawn":
            raise Gone("รายการนี้ถูกถอนออกจากการเผยแพร่แล้ว / this item has been withdrawn")
        if row.status == "superseded":
            return Moved(_newest(session, row))
        categories = current_categories(rt, session, language)
        view = _item_summary(row)
        view.update(
            category_title=categories.get(row.category, row.category),
            group=group_of(row.category),
            external_link=row.external_link,
            legal_basis_title=row.legal_basis_title or row.legal_basis,
            source_owner=row.source_owner,
            files=files_of(session, row.id),
        )
        return view


def _newest(session: Session, row: Publication) -> int:
    """The end of the chain of replacements (one redirect, never a chain of them)."""
    seen = {row.id}
    current = row
    while current.superseded_by_id is not None and current.superseded_by_id not in seen:
        seen.add(current.superseded_by_id)
        current = session.get_one(Publication, current.superseded_by_id)
    return current.id


def public_file(rt: Runtime, file_id: int) -> tuple[dict[str, Any], bytes]:
    """A published item's file, only while the item is published (never the case's other
    files, never a file of an item replaced, withdrawn or still in progress)."""
    missing = _missing(f"ไฟล์ {file_id}")
    if not valid_id(file_id):
        raise missing
    with rt.db.read() as session:
        found = session.execute(
            select(Attachment)
            .join(PublicationFile, PublicationFile.attachment_id == Attachment.id)
            .join(Publication, Publication.id == PublicationFile.publication_id)
            .where(PublicationFile.id == file_id, PUBLISHED, Attachment.sealed.is_(False))
        ).scalar_one_or_none()
        if found is None:
            raise missing
        # Typed again for files kept before names followed their type.
        meta = {"filename": typed_filename(found.filename, found.content_type),
                "content_type": found.content_type,
                "size": found.size}
        stored = found.stored_name
    return meta, (storage_dir(rt) / stored).read_bytes()


def feed(rt: Runtime, code: str, size: int = FEED_SIZE) -> dict[str, Any]:
    """A category's newest published items for its Atom feed, and when it last changed
    (a withdrawal or replacement changes it too, so readers drop the item)."""
    with rt.db.read() as session:
        categories = current_categories(rt, session)
        if code not in categories:
            raise _missing(f"หมวดหมู่ {code[:20]}")
        rows = session.scalars(
            select(Publication).where(PUBLISHED, Publication.category == code)
            .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(size)
        ).all()
        # Three maxima, each its own subquery: alone, each is one seek to the end of its
        # index (category, moment); together in one SELECT they read every item of the
        # category, years of them.
        changes = session.execute(select(*(
            select(func.max(moment)).where(Publication.category == code).scalar_subquery()
            for moment in (Publication.published_at, Publication.superseded_at,
                           Publication.withdrawn_at)))).one()
    moments = [m for m in changes if isinstance(m, datetime)]
    return {"code": code, "title": categories[code], "items": [_item_summary(r) for r in rows],
            "updated": max(moments) if moments else None}
