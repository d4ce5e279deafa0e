"""`govflow backup` and `govflow restore`: a restored copy holds every case, task, timer and
file, and a case goes on there; damaged or altered archives and occupied targets are refused."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from engine.core.config import Settings
from engine.core.models import Base
from engine.services.admin.processes import deploy
from engine.services.inbox import attachments, instances
from engine.workflow.runtime import Runtime
from tests.conftest import PG_URL, PROCESSES, People, make_runtime
from tests.integration.test_procedures import do, only_task
from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from webui.cli import main

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
TABLES = ("process_instance", "task", "due_timer", "attachment", "user_account",
          "process_version", "audit_event")


def cli(instance_dir: Path, database_url: str | None, *args: str):
    env = {"GOVFLOW_INSTANCE_DIR": str(instance_dir), "GOVFLOW_DATABASE_URL": database_url or "",
           "GOVFLOW_DATA_KEY": "", "GOVFLOW_ENV": "development"}
    return CliRunner().invoke(main, list(args), env=env)


def make_cases(rt: Runtime, people: People) -> dict[str, int]:
    """An untriaged complaint (waiting timers) with evidence, a triaged one, and a
    publishing request with a file."""
    untriaged = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)["id"]
    attachments.add_attachment(rt, people.legal_officer, untriaged, "หลักฐาน.pdf",
                               "application/pdf", PDF + b"evidence")
    triaged = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)["id"]
    do(rt, people.legal_officer, triaged, {"screening_outcome": "accept"})
    publishing = instances.start_instance(rt, people.staff, "publishing",
                                          PUBLISHING_REQUEST)["id"]
    attachments.add_attachment(rt, people.staff, publishing, "แผน.png", "image/png", PNG)
    return {"untriaged": untriaged, "triaged": triaged, "publishing": publishing}


def snapshot(rt: Runtime) -> dict[str, list[tuple]]:
    with rt.db.read() as session:
        return {name: sorted(tuple(row) for row in session.execute(
                    select(Base.metadata.tables[name])).all())
                for name in TABLES}


def files(rt: Runtime, people: People) -> dict[int, bytes]:
    with rt.db.read() as session:
        ids = session.scalars(select(Base.metadata.tables["attachment"].c.id)).all()
    return {i: attachments.read_attachment(rt, people.director, i)[1] for i in ids}


@pytest.fixture
def source(tmp_path: Path, backend: str | None):
    rt = make_runtime(tmp_path / "source", backend)
    assert deploy(rt).ok
    people = People(rt)
    cases = make_cases(rt, people)
    yield rt, people, cases, backend
    rt.close()


@pytest.fixture
def target_url(backend: str | None):
    """Where to restore: SQLite in a fresh instance folder (None), or a fresh PostgreSQL
    database (same search_path schema as the source), dropped after the test."""
    if backend is None:
        yield None
        return
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(backend).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_restored_copy_holds_everything_and_cases_go_on(source, target_url, tmp_path):
    rt, people, cases, backend = source
    before_files = files(rt, people)  # reading complaint files is audited: read first
    before = snapshot(rt)
    assert before["due_timer"], "an untriaged complaint waits on timers"
    assert len(before_files) == 2

    archive = tmp_path / "govflow.tar.gz"
    made = cli(rt.settings.instance_dir, backend, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert "separately" in made.output and "GOVFLOW_DATA_KEY" in made.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert not any("key" in name for name in names)
    assert manifest["row_counts"]["process_instance"] == 3
    assert len(manifest["attachments"]) == 2
    assert manifest["database"]["kind"] == ("sqlite" if backend is None else "postgresql")

    # The keys travel apart from the archive: the restored office puts them back by hand
    # (the data key and the name-index key; under another name-index key the restore
    # rebuilds the index, tests/integration/test_name_index.py).
    instance = tmp_path / "restored" / "instance"
    instance.mkdir(parents=True)
    for key in ("data.key", "name_index.key"):
        shutil.copy(rt.settings.instance_dir / key, instance / key)
    restored = cli(instance, target_url, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "row counts match" in restored.output

    copy = Runtime(Settings(instance_dir=instance, processes_dir=PROCESSES,
                            database_url=target_url))
    try:
        assert snapshot(copy) == before
        assert files(copy, people) == before_files
        assert PDF + b"evidence" in before_files.values()
        # Restoring again onto the now occupied database is refused and changes nothing.
        again = cli(instance, target_url, "restore", str(archive))
        assert again.exit_code != 0 and "--force" in again.output
        assert "Traceback" not in again.output
        # The case goes on where it stopped: triage the untriaged complaint.
        do(copy, people.legal_officer, cases["untriaged"], {"screening_outcome": "accept"})
        assert only_task(copy, people.director, cases["untriaged"])
        assert snapshot(copy)["task"] != before["task"]
    finally:
        copy.close()

    # --force puts the backup's state back, over the changed copy.
    forced = cli(instance, target_url, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    copy = Runtime(Settings(instance_dir=instance, processes_dir=PROCESSES,
                            database_url=target_url))
    try:
        assert snapshot(copy) == before
    finally:
        copy.close()


@pytest.fixture
def sqlite_source(tmp_path: Path):
    rt = make_runtime(tmp_path / "source")
    assert deploy(rt).ok
    people = People(rt)
    make_cases(rt, people)
    archive = tmp_path / "govflow.tar.gz"
    made = cli(rt.settings.instance_dir, None, "backup", str(archive))
    assert made.exit_code == 0, made.output
    yield rt, archive
    rt.close()


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with each member passed through ``change(name, bytes)``
    (None drops the member)."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def fresh_instance(tmp_path: Path, rt: Runtime, name: str) -> Path:
    instance = tmp_path / name / "instance"
    instance.mkdir(parents=True)
    shutil.copy(rt.settings.instance_dir / "data.key", instance / "data.key")
    return instance


@pytest.mark.parametrize("damage, says", [
    ("tampered", "sha256"),
    ("no_manifest", "manifest.json"),
    ("extra", "not in the manifest"),
    ("not_tar", "not a tar.gz"),
])
def test_bad_archives_are_refused_and_nothing_is_written(sqlite_source, tmp_path, damage, says):
    rt, archive = sqlite_source
    bad = tmp_path / "bad.tar.gz"
    if damage == "tampered":
        rewrite(archive, bad, lambda name, data:
                data + b"x" if name.startswith("attachments/") else data)
    elif damage == "no_manifest":
        rewrite(archive, bad, lambda name, data: None if name == "manifest.json" else data)
    elif damage == "extra":
        with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
            evil = tarfile.TarInfo("attachments/../../evil")
            evil.size = 4
            dst.addfile(evil, io.BytesIO(b"evil"))
            for member in src.getmembers():
                dst.addfile(member, src.extractfile(member))
    else:
        bad.write_bytes(b"this is not an archive")
    instance = fresh_instance(tmp_path, rt, "target")
    result = cli(instance, None, "restore", str(bad))
    assert result.exit_code != 0
    assert says in result.output and "Traceback" not in result.output
    assert not (instance / "govflow.db").exists()
    assert not (instance / "attachments").exists()


def test_occupied_database_or_other_key_refused_without_force(sqlite_source, tmp_path):
    rt, archive = sqlite_source
    instance = rt.settings.instance_dir
    rt.close()
    db = instance / "govflow.db"
    stamp = db.stat().st_mtime_ns
    refused = cli(instance, None, "restore", str(archive))
    assert refused.exit_code != 0
    assert "already holds 3 case(s)" in refused.output and "--force" in refused.output
    assert db.stat().st_mtime_ns == stamp
    forced = cli(instance, None, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output

    # A fresh folder without the backup's data key: refused, nothing written.
    bare = tmp_path / "bare" / "instance"
    keyless = cli(bare, None, "restore", str(archive))
    assert keyless.exit_code != 0 and "data key" in keyless.output
    assert not (bare / "govflow.db").exists()


def test_missing_pg_dump_is_a_clear_error(monkeypatch):
    from engine.core.errors import BackupError
    from engine.services.ops.backup import postgres

    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump was not found"):
        postgres.pg_tool("pg_dump")
    uri, env = postgres.pg_command("postgresql+psycopg://u:secret@127.0.0.1:5432/db"
                                   "?options=-csearch_path%3Dx")
    assert uri.startswith("postgresql://u@") and "secret" not in uri
    assert env["PGPASSWORD"] == "secret" and "options=" in uri
