"""The blind index of names on a real database (issue 15 item 3): written when a case
starts, replaced when the names change, rebuilt by `govflow reindex-names`, useless under
another key, and never a name in plain text anywhere in the database."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, inspect, select, text

from engine.core import name_index as ni
from engine.core.keys import new_name_index_key
from engine.core.models import AuditEvent, PersonalNameTerm
from engine.services.complaints import citizen
from engine.services.inbox import instances
from engine.services.ops.name_reindex import reindex_names
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from webui.cli import main

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

ACCUSED = "นายทดสอบค้นหา นามสกุลลับเฉพาะ"
COMPLAINANT = "นางสาวเกศแก้วมณี ปกปิดนามจริง"
#: Pieces of the names that must appear nowhere in the database.
PLAIN = ("ทดสอบค้นหา", "นามสกุลลับเฉพาะ", "เกศแก้วมณี", "ปกปิดนามจริง", "ลับเฉพาะ")


def _complaint(**names: str) -> dict:
    return {**COMPLAINT, "accused_name": ACCUSED, "complainant_name": COMPLAINANT, **names}


def _find(rt: Runtime, term: str, **options) -> set[int]:
    with rt.db.read() as session:
        return ni.instances_matching_name(session, rt.name_index_key, term, **options)


def _rows(rt: Runtime, instance_id: int | None = None) -> list[tuple[int, str, str]]:
    query = select(PersonalNameTerm.instance_id, PersonalNameTerm.field,
                   PersonalNameTerm.term_hash)
    if instance_id is not None:
        query = query.where(PersonalNameTerm.instance_id == instance_id)
    with rt.db.read() as session:
        return sorted(tuple(row) for row in session.execute(query))


def _other_key(rt: Runtime) -> Runtime:
    """A runtime on the same database with another name-index key."""
    return Runtime(dataclasses.replace(rt.settings, name_index_key=new_name_index_key()))


def test_names_are_indexed_when_a_case_starts_and_a_fragment_finds_them(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", _complaint())
    other = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    publishing_rows_before = len(_rows(runtime))
    rows = _rows(runtime, case["id"])
    assert {field for _, field, _ in rows} == {"complainant", "accused"}
    assert len(rows) == len(ni.name_hashes(runtime.name_index_key, "complaint", {
        "accused_name": ACCUSED, "complainant_name": COMPLAINANT}))

    assert _find(runtime, "ลับเฉพาะ") == {case["id"]}           # a piece of the surname
    assert _find(runtime, "นามสกุลลับเฉพาะ ทดสอบ") == {case["id"]}  # words in any order
    assert _find(runtime, "นายทดสอบค้นหา", exact=False) == {case["id"]}
    assert _find(runtime, "ทดสอบค้นหา นามสกุลลับเฉพาะ", exact=True) == {case["id"]}
    assert _find(runtime, "ทดสอบค้นหา", exact=True) == set()
    assert _find(runtime, "ลับเฉพาะ", fields=["accused"]) == {case["id"]}
    assert _find(runtime, "ลับเฉพาะ", fields=["complainant"]) == set()
    assert _find(runtime, "ปกปิดนาม", fields=["complainant"]) == {case["id"]}
    # All words must be in one name: the accused's first name and the complainant's
    # surname are not one person.
    assert _find(runtime, "ทดสอบค้นหา ปกปิดนามจริง") == set()
    assert _find(runtime, "ถูกร้อง") == {other["id"]}
    assert _find(runtime, "ไม่มีใครชื่อนี้") == set()
    with pytest.raises(ni.InvalidData):
        _find(runtime, "นาย ลั")

    # A publishing request has no names to index.
    instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
    assert len(_rows(runtime)) == publishing_rows_before


def test_a_complaint_filed_on_the_website_is_indexed(runtime):
    web = {k: v for k, v in _complaint().items() if k not in ("channel", "received_at")}
    citizen.submit_complaint(runtime, {**web, "notice_acknowledged": True})
    assert len(_find(runtime, "ปกปิดนามจริง")) == 1


def test_changed_names_replace_the_cases_terms(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", _complaint())
    with runtime.db.write() as session:
        ni.replace_name_terms(session, runtime.name_index_key, case["id"], "complaint",
                              {"accused_name": "นายเปลี่ยนชื่อ ใหม่แล้วจ้า"})
    assert _find(runtime, "ลับเฉพาะ") == set()
    assert _find(runtime, "ปกปิดนาม") == set()  # the complainant's name was removed
    assert _find(runtime, "เปลี่ยนชื่อ") == {case["id"]}
    assert {field for _, field, _ in _rows(runtime, case["id"])} == {"accused"}
    with runtime.db.write() as session:
        ni.replace_name_terms(session, runtime.name_index_key, case["id"], "complaint", {})
    assert _rows(runtime, case["id"]) == []


def _every_value(rt: Runtime) -> list[object]:
    """Every value of every row of every table the database holds (not only the models')."""
    values: list[object] = []
    with rt.db.read() as session:
        tables = inspect(session.connection()).get_table_names()
        assert "personal_name_term" in tables
        for table in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                values.extend(row)
    return values


def test_no_name_is_kept_in_plain_text_anywhere_in_the_database(runtime, people):
    instances.start_instance(runtime, people.legal_officer, "complaint", _complaint())
    assert _rows(runtime)
    values = _every_value(runtime)
    for value in values:
        blob = value if isinstance(value, bytes) else str(value).encode("utf-8")
        for piece in PLAIN:
            assert piece.encode("utf-8") not in blob
    if runtime.db.dialect == "sqlite":
        path = Path(runtime.db.url.removeprefix("sqlite:///"))
        raw = path.read_bytes() + b"".join(
            p.read_bytes() for p in path.parent.glob(path.name + "-*"))
        with sqlite3.connect(path) as conn:
            dump = "\n".join(conn.iterdump())
        assert "personal_name_term" in dump
        for piece in PLAIN:
            assert piece not in dump
            assert piece.encode("utf-8") not in raw


def test_another_key_finds_nothing_until_reindexed(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", _complaint())
    rotated = _other_key(runtime)
    try:
        assert _find(rotated, "ลับเฉพาะ") == set()
        report = reindex_names(rotated, batch_size=1)
        assert report.cases == 1 and report.terms == len(_rows(runtime))
        assert _find(rotated, "ลับเฉพาะ") == {case["id"]}
        assert _find(runtime, "ลับเฉพาะ") == set()  # the old key's hashes are gone
    finally:
        rotated.close()


def test_reindex_backfills_every_case_in_batches_and_is_idempotent(runtime, people):
    ids = [instances.start_instance(runtime, people.legal_officer, "complaint",
                                    _complaint(accused_name=f"นายคนที่{n} สกุลทดลอง"))["id"]
           for n in range(5)]
    written = _rows(runtime)
    with runtime.db.write() as session:
        session.execute(delete(PersonalNameTerm))
    assert _find(runtime, "สกุลทดลอง") == set()

    first = reindex_names(runtime, batch_size=2)
    assert first.cases == 5 and first.terms == len(written)
    assert _rows(runtime) == written
    assert _find(runtime, "สกุลทดลอง") == set(ids)
    again = reindex_names(runtime, batch_size=2)
    assert (again.cases, again.terms) == (5, len(written))
    assert _rows(runtime) == written
    # Only the cases without rows: none left.
    assert reindex_names(runtime, only_missing=True).cases == 0
    with runtime.db.read() as session:
        audits = session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "names_reindexed")).all()
    assert audits == [{"cases": 5, "only_missing": False}] * 2


def _cli(rt: Runtime, *args: str):
    env = {"GOVFLOW_INSTANCE_DIR": str(rt.settings.instance_dir),
           "GOVFLOW_DATABASE_URL": rt.settings.database_url or "",
           "GOVFLOW_DATA_KEY": "", "GOVFLOW_NAME_INDEX_KEY": "", "GOVFLOW_ENV": "development"}
    return CliRunner().invoke(main, list(args), env=env)


def test_the_reindex_names_command(sqlite_runtime):
    from tests.conftest import People

    people = People(sqlite_runtime)
    case = instances.start_instance(sqlite_runtime, people.legal_officer, "complaint",
                                    _complaint())
    written = _rows(sqlite_runtime)
    with sqlite_runtime.db.write() as session:
        session.execute(delete(PersonalNameTerm))
    for _ in range(2):
        done = _cli(sqlite_runtime, "reindex-names", "--batch-size", "1")
        assert done.exit_code == 0, done.output
        assert "1 case(s)" in done.output and f"{len(written)} term hash(es)" in done.output
        assert _rows(sqlite_runtime) == written
    assert _find(sqlite_runtime, "ลับเฉพาะ") == {case["id"]}
    for piece in PLAIN:
        assert piece not in done.output


def test_init_indexes_the_cases_filed_before_the_index(sqlite_runtime):
    from tests.conftest import People

    people = People(sqlite_runtime)
    instances.start_instance(sqlite_runtime, people.legal_officer, "complaint", _complaint())
    with sqlite_runtime.db.write() as session:
        session.execute(delete(PersonalNameTerm))
    init = _cli(sqlite_runtime, "init")
    assert init.exit_code == 0, init.output
    assert "indexed the names of 1 case(s)" in init.output
    assert len(_find(sqlite_runtime, "ลับเฉพาะ")) == 1
    again = _cli(sqlite_runtime, "init")
    assert "indexed the names" not in again.output


def test_keygen_prints_a_name_index_key_apart_from_the_data_key(sqlite_runtime):
    data = _cli(sqlite_runtime, "keygen")
    index = _cli(sqlite_runtime, "keygen", "--name-index")
    assert data.exit_code == index.exit_code == 0
    settings = dataclasses.replace(sqlite_runtime.settings,
                                   name_index_key=index.output.strip(),
                                   data_key=data.output.strip())
    from engine.core.keys import data_key, name_index_key

    assert len(name_index_key(settings)) == 32 and data_key(settings)
    assert index.output.strip() != data.output.strip()


def test_the_index_table_counts_in_the_backup_manifest(sqlite_runtime, tmp_path):
    from tests.conftest import People

    people = People(sqlite_runtime)
    instances.start_instance(sqlite_runtime, people.legal_officer, "complaint", _complaint())
    made = _cli(sqlite_runtime, "backup", str(tmp_path / "b.tar.gz"))
    assert made.exit_code == 0, made.output
    assert "GOVFLOW_NAME_INDEX_KEY" in made.output
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    with sqlite_runtime.db.read() as session:
        count = session.scalar(select(func.count()).select_from(PersonalNameTerm))
    assert manifest["row_counts"]["personal_name_term"] == count > 0
    assert manifest["name_index_key_fingerprint"]


def test_a_restore_under_another_name_index_key_rebuilds_the_index(sqlite_runtime, tmp_path):
    from tests.conftest import People

    people = People(sqlite_runtime)
    case = instances.start_instance(sqlite_runtime, people.legal_officer, "complaint",
                                    _complaint())
    archive = tmp_path / "b.tar.gz"
    assert _cli(sqlite_runtime, "backup", str(archive)).exit_code == 0
    # The office restores with its data key but without the old name-index key.
    instance = tmp_path / "restored" / "instance"
    instance.mkdir(parents=True)
    shutil.copy(sqlite_runtime.settings.instance_dir / "data.key", instance / "data.key")
    restored_settings = dataclasses.replace(sqlite_runtime.settings, instance_dir=instance)
    env_rt = Runtime(restored_settings)
    try:
        done = _cli(env_rt, "restore", str(archive))
        assert done.exit_code == 0, done.output
        assert "reindexed the names of 1 case(s)" in done.output
        assert _find(env_rt, "ลับเฉพาะ") == {case["id"]}
        assert env_rt.name_index_key != sqlite_runtime.name_index_key
    finally:
        env_rt.close()
