"""A SQLite database in the archive: copied with the online backup API, put back by
replacing the file once the copy passes SQLite's integrity check."""

from __future__ import annotations

import os
import sqlite3
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from engine.core.errors import BackupError
from engine.services.ops.backup.manifest import bad, copy_member
from engine.services.ops.backup.row_counts import sqlite_counts


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("ฐานข้อมูล SQLite ในหน่วยความจำสำรองไม่ได้ / an in-memory SQLite "
                          "database cannot be backed up or restored")
    return Path(database)


def _readonly(path: Path) -> closing[sqlite3.Connection]:
    """A read-only connection to a SQLite file, closed at the end of the ``with``."""
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30))


def dump_sqlite(url: str, target: Path) -> dict[str, int]:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"ไม่พบฐานข้อมูล / database not found: {source_path}")
    with _readonly(source_path) as source, \
            closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # the online backup API: consistent while others write
        return sqlite_counts(copy)


def sqlite_cases(url: str) -> int:
    """How many cases the SQLite file holds (0 when it has no schema yet, or no file)."""
    path = sqlite_path(url)
    if not path.is_file():
        return 0
    with _readonly(path) as conn:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                           "name = 'process_instance'").fetchone()
        return conn.execute("SELECT count(*) FROM process_instance").fetchone()[0] if has else 0


def sqlite_table_counts(url: str) -> dict[str, int]:
    with _readonly(sqlite_path(url)) as conn:
        return sqlite_counts(conn)


def restore_sqlite(archive: tarfile.TarFile, manifest: dict[str, Any], url: str) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial_name = tempfile.mkstemp(prefix=".govflow-restore-", suffix=".db",
                                            dir=target.parent)
    os.close(handle)
    partial = Path(partial_name)
    try:
        copy_member(archive, manifest["database"]["member"], partial)
        check = sqlite3.connect(partial)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if result != "ok":
            raise bad(f"ฐานข้อมูลในไฟล์สำรองเสีย / the archived database is damaged: {result}")
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
