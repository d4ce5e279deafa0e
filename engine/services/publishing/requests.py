"""Publications: the items a publishing request puts on the public pages, and their life
after publication (replaced by a newer item, or withdrawn by a web administrator).

The publication is made by the step ``processes.toml`` names ``publication_step``, in the
transaction that completes it: if anything is wrong (a category the request form does not
list, an item to replace that is no longer published) the step is refused and nothing
changes. The category list and the legal bases are read from the request form of the
case's own version, the one place their titles are kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Select, Table, func, select, update
from sqlalchemy.orm import Session

from engine.bpmn.definitions import Definition
from engine.bpmn.forms import choice_options
from engine.core import text_search
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.core.limits import require_fit
from engine.core.models import (
    Attachment,
    ProcessInstance,
    Publication,
    PublicationFile,
    utcnow,
    valid_id,
)
from engine.workflow.access import may_see_instance
from engine.workflow.case import Case, StepContext
from engine.workflow.case_access import visible_case
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

STATUSES = ("published", "superseded", "withdrawn")
#: Who may withdraw an item (the web administrator, whom the Director
#: appoints to run the website, publishes items and so withdraws them).
WITHDRAW_ROLE = "web_admin"
MAX_REASON = 2000
MAX_QUERY = 100
STAFF_PAGE = 50


def _not_found(publication_id: int) -> NotFound:
    return NotFound(f"ไม่พบรายการเผยแพร่เลขที่ {publication_id} / "
                    f"publication {publication_id} not found")


# ---- what the forms say: categories and legal bases -----------------------------------

def choices(form: Mapping[str, Any], field: str, language: str = "th") -> dict[str, str]:
    """A form field's choices, code → title in ``language``, in the form's order."""
    return choice_options((form.get("properties") or {}).get(field), language)


def publishing_definitions(rt: Runtime, session: Session) -> list[Definition]:
    """The current versions of the processes that publish (those with a publication step)."""
    return [d for d in rt.definitions.current_all(session) if d.bundle.publication_step]


def current_categories(rt: Runtime, session: Session, language: str = "th") -> dict[str, str]:
    """Every category, code → title, as the current request forms list them, then any
    category an item was published in that the forms no longer list (so no published item
    ever becomes unreachable from the index)."""
    titles: dict[str, str] = {}
    for definition in publishing_definitions(rt, session):
        for code, title in choices(definition.start_form, "category", language).items():
            titles.setdefault(code, title)
    for code in sorted(set(used_categories(session)) - set(titles)):
        titles[code] = code
    return titles


def used_categories(session: Session) -> list[str]:
    """The categories holding a published item, in order.

    Every public page asks this. ``SELECT DISTINCT category`` would read the index entry
    of every published item ever, years of them; this walks the listing index
    (``status``, ``category``, …) from one category to the next instead (a loose index
    scan: a recursive query whose each step seeks the next larger category), so its cost
    follows the number of categories, not of items. Both backends run it."""
    published = Publication.status == "published"

    def first(*where: ColumnElement[bool]) -> Any:
        # ORDER BY … LIMIT 1, not min(): min() over a range reads the rest of the range
        # on SQLite; this stops at the first entry.
        return select(Publication.category).where(published, *where) \
            .order_by(Publication.category).limit(1).scalar_subquery().label("code")

    used = select(first()).cte("used_category", recursive=True)
    following = select(first(Publication.category > used.c.code)) \
        .where(used.c.code.is_not(None))
    used = used.union_all(following)
    return list(session.scalars(select(used.c.code).where(used.c.code.is_not(None))))


def categories(rt: Runtime, language: str = "th") -> dict[str, str]:
    """:func:`current_categories` in a read of its own."""
    with rt.db.read() as session:
        return current_categories(rt, session, language)


# ---- search text -----------------------------------------------------------------------

def clean_query(text: str | None) -> str:
    """Search text without control characters (a NUL breaks PostgreSQL); too long is an
    error the reader can fix, not a silent cut."""
    cleaned = "".join(ch for ch in (text or "") if unicodedata.category(ch)[0] != "C").strip()
    if len(cleaned) > MAX_QUERY:
        raise InvalidData(
            f"คำค้นยาวเกิน {MAX_QUERY} ตัวอักษร กรุณาใช้คำที่สั้นลง / the search text is longer "
            f"than {MAX_QUERY} characters; use fewer words",
            {"q": f"ไม่เกิน {MAX_QUERY} ตัวอักษร / at most {MAX_QUERY} characters"},
        )
    return cleaned


def matching(query: str, dialect: str) -> ColumnElement[bool]:
    """Items whose title or details hold every word of ``query``, anywhere in a word and
    ignoring case, through the trigram index (engine/core/text_search.py); wildcards in
    the query are taken literally. ``dialect``: the session's database."""
    table = cast(Table, Publication.__table__)
    return text_search.matching(text_search.PUBLICATION_TEXT, table.c.id,
                                [table.c.title, table.c.details], text_search.terms_of(query),
                                dialect)


# ---- publishing: the step hook -----------------------------------------------------------

def publish_step(step: StepContext) -> int:
    """Publish the request: its ``publication_step`` completed. Return the new number."""
    return publish(step.session, step.case, step.actor, step.data, step.now)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _replaces(data: Mapping[str, Any]) -> int | None:
    if data.get("publish_as_new") is True:
        return None
    value = data.get("replaces")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not valid_id(value):
        raise InvalidData("เลขที่รายการที่จะแทนที่ไม่ถูกต้อง / the number of the item to "
                          "replace is not valid", {"replaces": "ต้องเป็นเลขที่รายการ / a "
                                                   "publication number"})
    return value


def publish(session: Session, case: Case, actor: Actor, data: Mapping[str, Any],
            now: datetime) -> int:
    """Make the publication of ``case`` from the completed step's data, in the caller's
    transaction: the item, its files as the case holds them now, and the item it
    replaces marked superseded."""
    form = case.definition.start_form
    categories = choices(form, "category")
    category = _text(data, "category")
    if category not in categories:
        raise InvalidData(
            "หมวดหมู่ไม่อยู่ในรายการของแบบฟอร์มคำขอ / the category is not one the request form "
            "lists", {"category": "กรุณาเลือกหมวดหมู่จากรายการ / choose a listed category"})
    title, details = _text(data, "title"), _text(data, "details")
    if not title or not details:
        raise InvalidData("คำขอไม่มีชื่อเรื่องหรือรายละเอียด เผยแพร่ไม่ได้ / the request has "
                          "no title or details to publish")
    replaces = _replaces(data)
    if replaces is not None:
        _check_replaceable(session, replaces)
    legal_basis = _text(data, "legal_basis")
    link, unit, owner = (_text(data, key) for key in ("external_link", "unit", "source_owner"))
    require_fit({"title": (Publication.title, title), "details": (Publication.details, details),
                 "publish_note": (Publication.note, _text(data, "publish_note")),
                 "external_link": (Publication.external_link, link),
                 "unit": (Publication.unit_name, unit),
                 "source_owner": (Publication.source_owner, owner)},
                "ข้อมูลที่จะเผยแพร่ยาวเกินกำหนด / a value to publish is too long")
    publication = Publication(
        instance_id=case.instance.id,
        status="published",
        category=category,
        title=title,
        details=details,
        external_link=link,
        legal_basis=legal_basis[:40],
        legal_basis_title=choices(form, "legal_basis").get(legal_basis, legal_basis)[:300],
        unit_id=case.instance.unit_id,
        unit_name=unit,
        source_owner=owner,
        note=_text(data, "publish_note"),
        published_at=now,
        published_by_id=actor.id,
        published_by=actor.username,
        published_by_display=actor.display_name,
        replaces_id=replaces,
    )
    session.add(publication)
    session.flush()
    if replaces is not None:
        _supersede(session, replaces, publication.id, now)
    files = session.scalars(
        select(Attachment.id).where(
            Attachment.instance_id == case.instance.id,
            Attachment.kind == "file",
            # Encrypted files belong to cases holding personal data: never public.
            Attachment.sealed.is_(False),
        ).order_by(Attachment.id)
    ).all()
    session.add_all(PublicationFile(publication_id=publication.id, attachment_id=file_id)
                    for file_id in files)
    # Not tied to the case's history (the step's completion is there already): the
    # publication's own page tells its story.
    record(session, actor, "publication_published",
           acting_for=actor.acting_role_for(WITHDRAW_ROLE), publication_id=publication.id,
           case=case.instance.id, category=category, replaces=replaces, files=len(files))
    return publication.id


def _check_replaceable(session: Session, old_id: int) -> None:
    """The item a request replaces must exist and be published. Its row is locked until
    the command ends: of two requests replacing the same item at once, the second waits
    and then finds it replaced."""
    status = session.scalar(
        select(Publication.status).where(Publication.id == old_id).with_for_update()
    )
    if status == "published":
        return
    why = {
        None: (f"ไม่มีรายการเผยแพร่เลขที่ {old_id}", f"there is no publication {old_id}"),
        "withdrawn": (f"รายการเลขที่ {old_id} ถูกถอนการเผยแพร่แล้ว",
                      f"publication {old_id} has been withdrawn"),
        "superseded": (f"รายการเลขที่ {old_id} ถูกแทนที่ด้วยรายการอื่นแล้ว",
                       f"publication {old_id} has already been replaced"),
    }.get(status, (f"รายการเลขที่ {old_id} ไม่ได้เผยแพร่อยู่",
                   f"publication {old_id} is not published"))
    raise InvalidData(
        f"{why[0]} จึงแทนที่ไม่ได้ ตรวจเลขที่ในคำขอ หรือเลือก “เผยแพร่เป็นรายการใหม่” / "
        f"{why[1]}, so it cannot be replaced; check the number in the request or choose "
        "to publish as a new item",
        {"replaces": f"{why[0]} / {why[1]}"},
    )


def _supersede(session: Session, old_id: int, new_id: int, now: datetime) -> None:
    changed = cast(CursorResult[Any], session.execute(
        update(Publication)
        .where(Publication.id == old_id, Publication.status == "published")
        .values(status="superseded", superseded_by_id=new_id, superseded_at=now)
        .execution_options(synchronize_session=False)
    )).rowcount
    if changed != 1:  # cannot happen under the lock; never leave two items in one place
        _check_replaceable(session, old_id)
        raise Conflict("รายการเดิมเพิ่งถูกเปลี่ยน กรุณาลองใหม่ / the replaced item changed just "
                       "now; try again")


# ---- withdrawing --------------------------------------------------------------------------

def publication_of_case(rt: Runtime, actor: Actor, instance_id: int) -> int | None:
    """The number of the item a request case published, for those who may see the case."""
    with rt.db.read() as session:
        visible_case(rt, session, actor, instance_id)
        return session.scalar(select(Publication.id).where(
            Publication.instance_id == instance_id))


def withdraw(rt: Runtime, actor: Actor, publication_id: int, reason: str | None
             ) -> dict[str, Any]:
    """Take an item off the public pages for good, with the reason; web administrators only."""
    if WITHDRAW_ROLE not in actor.roles:
        raise Forbidden("ถอนการเผยแพร่ได้เฉพาะเจ้าหน้าที่ดูแลเว็บไซต์ / only web administrators "
                        "may withdraw a publication")
    text = (reason or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidData("กรุณาระบุเหตุผลที่ถอนการเผยแพร่ / give the reason for withdrawing",
                          {"reason": "กรุณาระบุเหตุผล / a reason is required"})
    if len(text) > MAX_REASON:
        raise InvalidData(f"เหตุผลยาวเกิน {MAX_REASON} ตัวอักษร / the reason is longer than "
                          f"{MAX_REASON} characters",
                          {"reason": f"ไม่เกิน {MAX_REASON} ตัวอักษร / at most {MAX_REASON}"})
    require_fit({"reason": (Publication.withdrawn_reason, text)},
                "บันทึกเหตุผลไม่ได้ / the reason cannot be saved")
    if not valid_id(publication_id):
        raise _not_found(publication_id)
    with rt.db.write() as session:
        row = session.get(Publication, publication_id)
        if row is None:
            raise _not_found(publication_id)
        now = utcnow()
        changed = cast(CursorResult[Any], session.execute(
            update(Publication)
            .where(Publication.id == publication_id, Publication.status == "published")
            .values(status="withdrawn", withdrawn_at=now, withdrawn_by_id=actor.id,
                    withdrawn_by=actor.username, withdrawn_by_display=actor.display_name,
                    withdrawn_reason=text)
            .execution_options(synchronize_session=False)
        )).rowcount
        if changed != 1:
            raise Conflict("รายการนี้ไม่ได้เผยแพร่อยู่แล้ว (ถูกถอนหรือถูกแทนที่) / this item is "
                           "no longer published (withdrawn or replaced)")
        # The reason stays on the item, not in the audit detail (free text may name people).
        record(session, actor, "publication_withdrawn",
               acting_for=actor.acting_role_for(WITHDRAW_ROLE), publication_id=publication_id,
               case=row.instance_id)
    return get_publication(rt, actor, publication_id)


# ---- staff views ------------------------------------------------------------------------

def _summary(row: Publication, categories: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "category": row.category,
        "category_title": categories.get(row.category, row.category),
        "title": row.title,
        "unit_name": row.unit_name,
        "published_at": iso(row.published_at),
    }


def list_publications(rt: Runtime, actor: Actor, *, status: str = "", category: str = "",
                       q: str = "", limit: int = STAFF_PAGE, offset: int = 0
                       ) -> dict[str, Any]:
    """Every publication whatever its status, for staff (any role), newest first."""
    query_text = clean_query(q)
    if status and status not in STATUSES:
        raise InvalidData("สถานะไม่ถูกต้อง / unknown status",
                          {"status": f"{', '.join(STATUSES)}"})
    with rt.db.read() as session:
        categories = current_categories(rt, session)
        if category and category not in categories:
            raise InvalidData("ไม่มีหมวดหมู่นี้ / unknown category",
                              {"category": "กรุณาเลือกจากรายการ / choose a listed category"})
        query: Select = select(Publication)
        if status:
            query = query.where(Publication.status == status)
        if category:
            query = query.where(Publication.category == category)
        if query_text:
            query = query.where(matching(query_text, session.get_bind().dialect.name))
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Publication.published_at.desc(),
                                              Publication.id.desc())
                               .limit(limit).offset(offset)).all()
        return {"publications": [_summary(row, categories) for row in rows], "total": total,
                "categories": categories}


def get_publication(rt: Runtime, actor: Actor, publication_id: int) -> dict[str, Any]:
    """One publication with its files and history, for staff (any role). The request case
    is linked only for those who may see it."""
    if not valid_id(publication_id):
        raise _not_found(publication_id)
    with rt.db.read() as session:
        row = session.get(Publication, publication_id)
        if row is None:
            raise _not_found(publication_id)
        categories = current_categories(rt, session)
        view = _summary(row, categories)
        view.update(
            details=row.details, external_link=row.external_link,
            legal_basis=row.legal_basis, legal_basis_title=row.legal_basis_title,
            source_owner=row.source_owner, note=row.note, replaces_id=row.replaces_id,
            superseded_by_id=row.superseded_by_id, withdrawn_reason=row.withdrawn_reason,
            instance_id=row.instance_id if _may_see_case(rt, session, actor, row) else None,
            may_withdraw=row.status == "published" and WITHDRAW_ROLE in actor.roles,
            files=files_of(session, row.id), history=_history(session, row),
        )
        return view


def _may_see_case(rt: Runtime, session: Session, actor: Actor, row: Publication) -> bool:
    instance = session.get(ProcessInstance, row.instance_id)
    if instance is None:
        return False
    definition = rt.definitions.by_id(session, instance.version_id)
    return may_see_instance(actor, instance, definition.bundle)


def files_of(session: Session, publication_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(PublicationFile.id, Attachment.filename, Attachment.content_type,
               Attachment.size)
        .join(Attachment, Attachment.id == PublicationFile.attachment_id)
        .where(PublicationFile.publication_id == publication_id)
        .order_by(PublicationFile.id)
    ).all()
    return [{"id": r.id, "filename": r.filename, "content_type": r.content_type,
             "size": r.size} for r in rows]


def _history(session: Session, row: Publication) -> list[dict[str, Any]]:
    """Published, superseded and withdrawn, oldest first: who, when and why."""
    events = [{"action": "published", "at": iso(row.published_at),
               "who": row.published_by_display or row.published_by,
               "replaces_id": row.replaces_id}]
    if row.superseded_by_id is not None:
        newer = session.get_one(Publication, row.superseded_by_id)
        events.append({"action": "superseded", "at": iso(row.superseded_at),
                       "who": newer.published_by_display or newer.published_by,
                       "superseded_by_id": newer.id})
    if row.withdrawn_at is not None:
        events.append({"action": "withdrawn", "at": iso(row.withdrawn_at),
                       "who": row.withdrawn_by_display or row.withdrawn_by,
                       "reason": row.withdrawn_reason})
    return events
