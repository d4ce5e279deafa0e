"""The public pages' per-category reads that must not read every item ever published:
the categories in use (a loose index scan) and a feed's last change (three index seeks).
They must answer exactly what the plain queries they replace answer, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from engine.core.models import ProcessInstance, ProcessVersion, Publication
from engine.services.publishing import website
from engine.services.publishing.requests import categories, used_categories

T0 = datetime(2024, 1, 1, 3, 0, tzinfo=UTC)
#: (category, status, published_at, superseded_at, withdrawn_at), days after T0.
ITEMS = [
    ("1.3.6", "published", 1, None, None),
    ("1.3.6", "superseded", 2, 9, None),
    ("1.3.6", "published", 5, None, None),
    ("1.3.6", "withdrawn", 3, None, 12),
    ("1.2", "published", 4, None, None),
    ("1.4", "withdrawn", 6, None, 7),  # nothing published: not in use
    ("9.9", "published", 8, None, None),  # no form lists it any more
]


def _fill(rt) -> None:
    def day(n):
        return None if n is None else T0 + timedelta(days=n)

    with rt.db.write() as session:
        version = session.scalar(select(ProcessVersion.id).where(
            ProcessVersion.process_key == "publishing", ProcessVersion.is_current.is_(True)))
        conn = session.connection()
        conn.execute(insert(ProcessInstance.__table__), [
            {"id": i, "process_key": "publishing", "version_id": version, "status": "completed",
             "title": f"item {i}", "revision": 1, "serializer_version": "1.5", "state": "",
             "created_at": T0, "updated_at": T0} for i in range(1, len(ITEMS) + 1)])
        conn.execute(insert(Publication.__table__), [
            {"id": i, "instance_id": i, "status": status, "category": code,
             "title": f"ประกาศ {i}", "details": "", "legal_basis": "oia_s7",
             "published_at": day(published), "published_by": "webadmin",
             "superseded_at": day(superseded), "withdrawn_at": day(withdrawn)}
            for i, (code, status, published, superseded, withdrawn) in enumerate(ITEMS, 1)])


def test_the_categories_in_use_are_those_of_published_items(runtime):
    _fill(runtime)
    with runtime.db.read() as session:
        plain = sorted(set(session.scalars(select(Publication.category).where(
            Publication.status == "published").distinct())))
        assert used_categories(session) == plain == ["1.2", "1.3.6", "9.9"]
    listed = categories(runtime)
    assert listed["9.9"] == "9.9"  # reachable, though no form lists it
    assert "1.4" in listed  # the form lists it, empty or not


def test_the_feed_changes_with_the_latest_publication_replacement_or_withdrawal(runtime):
    _fill(runtime)
    assert website.feed(runtime, "1.3.6")["updated"] == T0 + timedelta(days=12)  # withdrawn
    assert website.feed(runtime, "1.2")["updated"] == T0 + timedelta(days=4)  # published
    assert website.feed(runtime, "1.4")["updated"] == T0 + timedelta(days=7)
