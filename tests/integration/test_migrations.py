"""Issue 13 item 10: migration 0002 upgrades a database that already holds data (the
shape 0001 made), on SQLite and PostgreSQL, and downgrades and upgrades again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.core.config import Settings
from engine.core.models import ApiToken, Attachment, Base, LetterJob, OutboxMessage, Unit, User
from engine.core.schema import downgrade, upgrade
from engine.core.text_search import include_name
from engine.workflow.runtime import Runtime

#: A Thai unit name as long as 0001 allowed (200), so it must survive the round trip.
UNIT_NAME = ("กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร " * 4)[:200]
AT = datetime(2026, 11, 2, 3, 4, 5)  # naive: what 0001's columns take on both backends

#: The trigram indexes are not in the models (engine/core/text_search.py makes them).
COMPARED = {"include_name": include_name}


def _rows_of_0001(connection: sa.Connection) -> None:
    """One row of each table migration 0002 changes, written through the 0001 tables as the
    database itself reports them (not the models, which already have 0002's columns)."""
    tables = sa.MetaData()
    tables.reflect(connection)
    t = tables.tables
    rows = [
        ("unit", {"id": 1, "code": "ICT", "name": UNIT_NAME}),
        ("user_account", {"id": 1, "username": "thana", "display_name": "นายธนา ผู้ดูแลเว็บไซต์",
                          "position": "นักวิชาการคอมพิวเตอร์", "unit_id": 1,
                          "password_hash": "x", "email": "thana@example.org", "active": True,
                          "created_at": AT}),
        ("user_role", {"user_id": 1, "role": "web_admin"}),
        ("api_token", {"id": 1, "user_id": 1, "token_hash": "a" * 64, "created_at": AT}),
        ("process_version", {"id": 1, "process_key": "complaint", "version": 1,
                             "version_hash": "b" * 64, "name": "เรื่องร้องเรียน",
                             "file_name": "complaint.bpmn", "bpmn_xml": b"<x/>", "bundle": {},
                             "is_current": True, "deployed_at": AT, "deployed_by": "init"}),
        ("process_instance", {"id": 1, "process_key": "complaint", "version_id": 1,
                              "status": "running", "title": "ร้องเรียนการจัดซื้อ",
                              "created_at": AT, "updated_at": AT, "revision": 0,
                              "serializer_version": "1", "state": "{}"}),
        ("attachment", {"id": 1, "instance_id": 1, "filename": "หนังสือร้องเรียน.pdf",
                        "content_type": "application/pdf", "size": 5, "sha256": "c" * 64,
                        "stored_name": "d" * 32, "sealed": True, "kind": "file",
                        "uploaded_by": "thana", "at": AT}),
        ("outbox_message", {"id": 1, "message_id": "<m1@govflow>", "recipient": "a@example.org",
                            "subject": "แจ้งเตือน", "body": "เนื้อความ", "created_at": AT,
                            "attempts": 2, "next_attempt_at": AT, "last_error": "timeout"}),
        ("letter_job", {"id": 1, "instance_id": 1, "kind": "result_notice",
                        "issued_on": date(2026, 11, 2), "letter_number": "ศธ 04001/123",
                        "sealed": b"sealed", "created_at": AT, "next_attempt_at": AT,
                        "attempts": 0}),
    ]
    for name, row in rows:
        connection.execute(t[name].insert(), row)


def _check_rows(rt: Runtime) -> None:
    with rt.db.read() as session:
        unit = session.get_one(Unit, 1)
        assert (unit.code, unit.name) == ("ICT", UNIT_NAME)
        user = session.get_one(User, 1)
        assert (user.username, user.unit_id, user.roles) == ("thana", 1, {"web_admin"})
        assert user.created_at == AT.replace(tzinfo=UTC)
        assert user.must_change_password is False  # the new column's default
        token = session.get_one(ApiToken, 1)
        assert (token.token_hash, token.name, token.last_used_at) == ("a" * 64, "", None)
        attachment = session.get_one(Attachment, 1)
        assert (attachment.filename, attachment.sealed_filename) == ("หนังสือร้องเรียน.pdf", None)
        message = session.get_one(OutboxMessage, 1)
        assert (message.attempts, message.last_error, message.failed_at,
                message.cancelled_at, message.cancelled_by) == (2, "timeout", None, None, None)
        job = session.get_one(LetterJob, 1)
        assert (job.letter_number, job.failed_at, job.cancelled_at) == ("ศธ 04001/123", None,
                                                                       None)


def _schema_differences(rt: Runtime) -> list:
    with rt.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARED)
        return compare_metadata(context, Base.metadata)


def test_0002_upgrades_a_database_holding_data_and_round_trips(tmp_path: Path, backend):
    rt = Runtime(Settings(instance_dir=tmp_path / "instance", database_url=backend))
    try:
        upgrade(rt.db, "0001")
        with rt.db.engine.begin() as connection:
            _rows_of_0001(connection)
        upgrade(rt.db)
        _check_rows(rt)
        assert _schema_differences(rt) == []
        # Now a name 0001 had no room for fits.
        with rt.db.write() as session:
            session.get_one(Unit, 1).name = "ก" * 300
        with rt.db.write() as session:
            session.get_one(Unit, 1).name = UNIT_NAME
        downgrade(rt.db, "0001")
        upgrade(rt.db)
        _check_rows(rt)
        assert _schema_differences(rt) == []
    finally:
        rt.close()
