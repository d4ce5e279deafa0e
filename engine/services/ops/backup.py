"""Backup and restore: the database and every attachment file in one ``tar.gz`` archive.

The archive holds ``manifest.json`` (format version, when, which database, row counts per
table, the sha256 of every member), ``database/govflow.sqlite`` (SQLite, taken with the
online backup API, safe while govflow runs) or ``database/govflow.pgdump`` (PostgreSQL,
``pg_dump --format=custom`` in the same snapshot the row counts were read in), and
``attachments/<stored name>`` as stored (complaint files stay encrypted).

The keys are never in the archive: personal data and complaint files are encrypted with
GOVFLOW_DATA_KEY (``instance/data.key`` in development), which must be backed up apart.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from engine.core.config import Settings
from engine.core.errors import BackupError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/govflow.sqlite"
PG_MEMBER = "database/govflow.pgdump"
_ATTACHMENT_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")
_CHUNK = 1024 * 1024

KEY_REMINDER = (
    "คำเตือน: ไฟล์สำรองไม่มีกุญแจ GOVFLOW_DATA_KEY (instance/data.key) ต้องสำรองกุญแจแยกไว้ "
    "ที่ปลอดภัย เพราะข้อมูลส่วนบุคคลและไฟล์เรื่องร้องเรียนในไฟล์สำรองเข้ารหัสด้วยกุญแจนี้ "
    "/ Note: the archive does not hold the data key GOVFLOW_DATA_KEY (instance/data.key). "
    "Back the key up separately and safely: the archive's personal data and complaint files "
    "are encrypted with it and cannot be read without it."
)


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)


# --- shared helpers -----------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"ฐานข้อมูลชนิด {name} สำรองไม่ได้ / cannot back up a {name} database "
                          "(only SQLite and PostgreSQL)")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("ฐานข้อมูล SQLite ในหน่วยความจำสำรองไม่ได้ / an in-memory SQLite "
                          "database cannot be backed up or restored")
    return Path(database)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sha256_stream(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_stream(handle)


def _sqlite_readonly(path: Path) -> closing[sqlite3.Connection]:
    """A read-only connection to a SQLite file, closed at the end of the ``with``."""
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30))


def key_fingerprint(key: bytes) -> str:
    """A short one-way mark of the data key, so a restore can tell a different key."""
    return hashlib.sha256(b"govflow-data-key:" + key.strip()).hexdigest()[:16]


def _configured_key(settings: Settings) -> bytes | None:
    """The data key this configuration would use, without generating one."""
    if settings.data_key:
        return settings.data_key.encode("ascii", "replace")
    path = settings.instance_dir / "data.key"
    if path.is_file():
        return path.read_bytes().strip()
    return None


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    # Table names come from the catalogue and are quoted.
    return {name: conn.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]  # noqa: S608
            for name in names}


def _pg_counts(conn: Connection) -> dict[str, int]:
    names = conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )).scalars().all()
    return {name: conn.execute(text(f"SELECT count(*) FROM {_quote(name)}")  # noqa: S608
                               ).scalar_one()
            for name in names}


def _pg_command(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore (no ``+psycopg``; the password in the
    environment, not on the command line) and the environment to run them with."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql")._replace(password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"ไม่พบโปรแกรม {name} ติดตั้ง PostgreSQL client (เช่น apt install postgresql-client) "
            f"ให้รุ่นตรงกับเซิร์ฟเวอร์ / {name} was not found on PATH: install the PostgreSQL "
            "client tools (e.g. apt install postgresql-client) of the server's version")
    return found


def _run_tool(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        # Our own argument list for pg_dump/pg_restore found on PATH; no shell.
        done = subprocess.run(args, env=env, capture_output=True,  # noqa: S603
                              text=True, check=False)
    except OSError as exc:
        raise BackupError(f"เรียก {args[0]} ไม่ได้ / cannot run {args[0]}: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} ไม่สำเร็จ / {what} failed (exit {done.returncode}):\n{detail}")


@contextmanager
def _engine(url: str) -> Iterator[Any]:
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


# --- backup -------------------------------------------------------------------------------


def _attachment_files(settings: Settings) -> list[Path]:
    folder = settings.instance_dir / "attachments"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and _ATTACHMENT_NAME.match(p.name) and not p.name.startswith("."))


def _dump_sqlite(url: str, target: Path) -> dict[str, int]:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"ไม่พบฐานข้อมูล / database not found: {source_path}")
    with _sqlite_readonly(source_path) as source, \
            closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # the online backup API: consistent while others write
        return _sqlite_counts(copy)


def _dump_postgres(url: str, target: Path) -> tuple[dict[str, int], str]:
    pg_dump = _pg_tool("pg_dump")
    uri, env = _pg_command(url)
    with _engine(url) as engine, engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # The counts and the dump see one snapshot, so the manifest matches the dump.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            counts = _pg_counts(conn)
            args = [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                    f"--file={target}", f"--dbname={uri}"]
            if schema != "public":
                args.insert(1, f"--schema={schema}")
            _run_tool(args, env, "pg_dump")
    return counts, schema


def backup(settings: Settings, output: Path) -> BackupResult:
    """Write the archive to ``output`` (through a temporary file, so a failed backup leaves
    no half archive)."""
    url = settings.resolved_database_url
    kind = _kind(url)
    output = Path(output)
    if output.is_dir():
        raise BackupError(f"{output} เป็นโฟลเดอร์ / is a folder: give a file name, "
                          "e.g. govflow-2026-11-26.tar.gz")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govflow-backup-") as work:
        dump = Path(work) / "database"
        schema = None
        if kind == "sqlite":
            counts = _dump_sqlite(url, dump)
            member = SQLITE_MEMBER
        else:
            counts, schema = _dump_postgres(url, dump)
            member = PG_MEMBER
        key = _configured_key(settings)
        manifest: dict[str, Any] = {
            "format": "govflow-backup",
            "format_version": FORMAT_VERSION,
            "created_at": _now(),
            "database": {"kind": kind, "member": member, "sha256": _sha256_file(dump),
                         "size": dump.stat().st_size, "schema": schema},
            "row_counts": counts,
            "attachments": [],
            "data_key_fingerprint": key_fingerprint(key) if key else None,
            "keys_included": False,
        }
        handle, partial = tempfile.mkstemp(prefix=".govflow-backup-", suffix=".tmp",
                                           dir=output.parent)
        os.close(handle)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(dump, arcname=member, recursive=False)
                # After the database: every row in the copy has its file (files are written
                # before their row commits, and never changed afterwards).
                for path in _attachment_files(settings):
                    data = path.read_bytes()
                    manifest["attachments"].append({
                        "name": path.name, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
                    info = tarfile.TarInfo(f"attachments/{path.name}")
                    info.size = len(data)
                    info.mtime = int(path.stat().st_mtime)
                    info.mode = 0o600
                    archive.addfile(info, io.BytesIO(data))
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(datetime.now(UTC).timestamp())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(body))
            os.chmod(partial, 0o600)
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return BackupResult(output, manifest)


# --- restore ------------------------------------------------------------------------------


def _bad(reason: str) -> BackupError:
    return BackupError(f"ไฟล์สำรองใช้ไม่ได้ / not a usable govflow backup: {reason}")


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"ไม่พบไฟล์ / file not found: {path}")
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _bad(f"ไม่ใช่ไฟล์ tar.gz / not a tar.gz archive ({exc})") from None


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise _bad("ไม่มี manifest.json / manifest.json is missing") from None
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None or member.size > 10 * 1024 * 1024:
        raise _bad("manifest.json ไม่ใช่ไฟล์ปกติ / manifest.json is not a plain file")
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(f"manifest.json อ่านไม่ได้ / manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "govflow-backup":
        raise _bad("manifest.json ไม่ใช่ของ govflow / manifest.json is not a govflow manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _bad(f"รุ่นรูปแบบ {manifest.get('format_version')!r} ไม่รองรับ / format version "
                   f"{manifest.get('format_version')!r} is not supported (expected "
                   f"{FORMAT_VERSION})")
    database = manifest.get("database")
    ok = (isinstance(database, dict)
          and database.get("kind") in ("sqlite", "postgresql")
          and database.get("member") == (SQLITE_MEMBER if database.get("kind") == "sqlite"
                                         else PG_MEMBER)
          and isinstance(database.get("sha256"), str)
          and isinstance(manifest.get("row_counts"), dict)
          and isinstance(manifest.get("attachments"), list)
          and all(isinstance(a, dict) and isinstance(a.get("name"), str)
                  and _ATTACHMENT_NAME.match(a["name"]) and isinstance(a.get("sha256"), str)
                  for a in manifest["attachments"]))
    if not ok:
        raise _bad("manifest.json ไม่ครบหรือผิดรูปแบบ / manifest.json is incomplete or malformed")
    return manifest


def _expected(manifest: dict[str, Any]) -> dict[str, str]:
    """Each member the archive must hold, with its sha256."""
    wanted = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    for entry in manifest["attachments"]:
        wanted[f"attachments/{entry['name']}"] = entry["sha256"]
    return wanted


def _verify(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Check every member against the manifest before anything is written."""
    wanted = _expected(manifest)
    seen: set[str] = set()
    problems: list[str] = []
    try:
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if member.name not in wanted:
                problems.append(f"{member.name}: ไม่อยู่ใน manifest / not in the manifest")
                continue
            if not member.isfile() or member.name in seen:
                problems.append(f"{member.name}: ไม่ใช่ไฟล์ปกติหรือซ้ำ / not a plain file, "
                                "or repeated")
                continue
            seen.add(member.name)
            handle = archive.extractfile(member)
            assert handle is not None
            if _sha256_stream(handle) != wanted[member.name]:
                problems.append(f"{member.name}: sha256 ไม่ตรงกับ manifest (ไฟล์ถูกแก้ไขหรือเสีย) "
                                "/ sha256 does not match the manifest (changed or damaged)")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _bad(f"อ่านไฟล์ในชุดสำรองไม่ได้ / the archive is damaged ({exc})") from None
    problems += [f"{name}: ไม่มีในไฟล์สำรอง / missing from the archive"
                 for name in sorted(set(wanted) - seen)]
    if problems:
        raise _bad("\n  " + "\n  ".join(problems))


def _target_cases(url: str, kind: str) -> int:
    """How many cases the target database holds (0 when it has no schema yet)."""
    if kind == "sqlite":
        path = _sqlite_path(url)
        if not path.is_file():
            return 0
        with _sqlite_readonly(path) as conn:
            has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                               "name = 'process_instance'").fetchone()
            return conn.execute("SELECT count(*) FROM process_instance").fetchone()[0] if has else 0
    with _engine(url) as engine, engine.connect() as conn:
        has = conn.execute(text("SELECT to_regclass('process_instance')")).scalar()
        if not has:
            return 0
        return conn.execute(text("SELECT count(*) FROM process_instance")).scalar_one()


def _copy_member(archive: tarfile.TarFile, name: str, target: Path) -> None:
    handle = archive.extractfile(archive.getmember(name))
    assert handle is not None
    with target.open("wb") as out:
        shutil.copyfileobj(handle, out, _CHUNK)


def _restore_sqlite(archive: tarfile.TarFile, manifest: dict[str, Any], url: str) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial_name = tempfile.mkstemp(prefix=".govflow-restore-", suffix=".db",
                                            dir=target.parent)
    os.close(handle)
    partial = Path(partial_name)
    try:
        _copy_member(archive, manifest["database"]["member"], partial)
        check = sqlite3.connect(partial)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if result != "ok":
            raise _bad(f"ฐานข้อมูลในไฟล์สำรองเสีย / the archived database is damaged: {result}")
        if target.exists():
            # Fold the old database's write-ahead log in and drop it, so no stale log is
            # replayed onto the restored file.
            old = sqlite3.connect(target, timeout=30)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                old.close()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _restore_postgres(archive: tarfile.TarFile, manifest: dict[str, Any], url: str) -> None:
    pg_restore = _pg_tool("pg_restore")
    uri, env = _pg_command(url)
    with tempfile.TemporaryDirectory(prefix="govflow-restore-") as work:
        dump = Path(work) / "govflow.pgdump"
        _copy_member(archive, manifest["database"]["member"], dump)
        # One transaction: if anything fails, the target is left as it was.
        _run_tool([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   f"--dbname={uri}", str(dump)], env, "pg_restore")


def _restore_attachments(archive: tarfile.TarFile, manifest: dict[str, Any],
                         settings: Settings) -> None:
    folder = settings.instance_dir / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    for entry in manifest["attachments"]:
        target = folder / entry["name"]
        partial = folder / f".{entry['name']}.restore"
        try:
            _copy_member(archive, f"attachments/{entry['name']}", partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)


def restored_counts(url: str, kind: str) -> dict[str, int]:
    if kind == "sqlite":
        with _sqlite_readonly(_sqlite_path(url)) as conn:
            return _sqlite_counts(conn)
    with _engine(url) as engine, engine.connect() as conn:
        return _pg_counts(conn)


def restore(settings: Settings, archive_path: Path, *, force: bool = False) -> RestoreResult:
    """Restore the archive into the configured database and instance folder.

    Refuses, changing nothing, when the archive is damaged or tampered with, when it was
    taken from the other kind of database, or (unless ``force``) when the target already
    holds cases or the configured data key is not the one the backup was taken with."""
    url = settings.resolved_database_url
    kind = _kind(url)
    try:
        with _open(Path(archive_path)) as archive:
            manifest = _read_manifest(archive)
            source_kind = manifest["database"]["kind"]
            if source_kind != kind:
                raise BackupError(
                    f"ไฟล์สำรองมาจากฐานข้อมูล {source_kind} แต่ปลายทางเป็น {kind} / the archive "
                    f"holds a {source_kind} database but the target is {kind}")
            _verify(archive, manifest)
            if not force:
                cases = _target_cases(url, kind)
                if cases:
                    raise BackupError(
                        f"ฐานข้อมูลปลายทางมีเรื่องอยู่แล้ว {cases} เรื่อง ไม่ได้เปลี่ยนแปลงอะไร "
                        f"ใช้ --force เพื่อเขียนทับ / the target database already holds {cases} "
                        "case(s); nothing was changed. Use --force to overwrite it.")
                wanted = manifest.get("data_key_fingerprint")
                key = _configured_key(settings)
                if wanted and (key is None or key_fingerprint(key) != wanted):
                    raise BackupError(
                        "กุญแจข้อมูล (GOVFLOW_DATA_KEY หรือ instance/data.key) ไม่ใช่กุญแจที่ใช้ตอน"
                        "สำรอง ข้อมูลส่วนบุคคลและไฟล์ร้องเรียนจะอ่านไม่ได้ ไม่ได้เปลี่ยนแปลงอะไร / "
                        "the configured data key (GOVFLOW_DATA_KEY or instance/data.key) is "
                        "missing or not the one the backup was taken with, so personal data "
                        "and complaint files could not be read; nothing was changed. Put the "
                        "original key in place first, or use --force.")
            if kind == "sqlite":
                _restore_sqlite(archive, manifest, url)
            else:
                _restore_postgres(archive, manifest, url)
            _restore_attachments(archive, manifest, settings)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise _bad(f"อ่านไฟล์ในชุดสำรองไม่ได้ / the archive is damaged ({exc})") from None
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise BackupError(f"ฐานข้อมูลปลายทางผิดพลาด / the target database failed: "
                          f"{str(exc).splitlines()[0]}") from None
    counts = restored_counts(url, kind)
    expected = {k: int(v) for k, v in manifest["row_counts"].items()}
    mismatches = {name: (want, counts.get(name)) for name, want in expected.items()
                  if counts.get(name) != want}
    return RestoreResult(manifest, counts, mismatches)
