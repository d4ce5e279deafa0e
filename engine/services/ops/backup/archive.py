"""Taking a backup: the database copy, every attachment file and the manifest, written to
one ``tar.gz`` through a temporary file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.core.config import Settings
from engine.core.errors import BackupError
from engine.services.ops.backup.manifest import (
    ATTACHMENT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    PG_MEMBER,
    SQLITE_MEMBER,
    configured_key,
    configured_name_index_key,
    database_kind,
    key_fingerprint,
    sha256_file,
)
from engine.services.ops.backup.postgres import dump_postgres
from engine.services.ops.backup.sqlite import dump_sqlite

KEY_REMINDER = (
    "คำเตือน: ไฟล์สำรองไม่มีกุญแจ GOVFLOW_DATA_KEY (instance/data.key) ต้องสำรองกุญแจแยกไว้ "
    "ที่ปลอดภัย เพราะข้อมูลส่วนบุคคลและไฟล์เรื่องร้องเรียนในไฟล์สำรองเข้ารหัสด้วยกุญแจนี้ "
    "/ Note: the archive does not hold the data key GOVFLOW_DATA_KEY (instance/data.key). "
    "Back the key up separately and safely: the archive's personal data and complaint files "
    "are encrypted with it and cannot be read without it. Keep GOVFLOW_NAME_INDEX_KEY "
    "(instance/name_index.key) too, or run `govflow reindex-names` after a restore."
)


COMPRESS_LEVEL = 6


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attachment_files(settings: Settings) -> list[Path]:
    folder = settings.instance_dir / "attachments"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and ATTACHMENT_NAME.match(p.name) and not p.name.startswith("."))


def backup(settings: Settings, output: Path) -> BackupResult:
    """Write the archive to ``output`` (through a temporary file, so a failed backup leaves
    no half archive)."""
    url = settings.resolved_database_url
    kind = database_kind(url)
    output = Path(output)
    if output.is_dir():
        raise BackupError(f"{output} เป็นโฟลเดอร์ / is a folder: give a file name, "
                          "e.g. govflow-2026-11-26.tar.gz")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govflow-backup-") as work:
        dump = Path(work) / "database"
        schema = None
        if kind == "sqlite":
            counts = dump_sqlite(url, dump)
            member = SQLITE_MEMBER
        else:
            counts, schema = dump_postgres(url, dump)
            member = PG_MEMBER
        key = configured_key(settings)
        index_key = configured_name_index_key(settings)
        manifest: dict[str, Any] = {
            "format": "govflow-backup",
            "format_version": FORMAT_VERSION,
            "created_at": _now(),
            "database": {"kind": kind, "member": member, "sha256": sha256_file(dump),
                         "size": dump.stat().st_size, "schema": schema},
            "row_counts": counts,
            "attachments": [],
            "data_key_fingerprint": key_fingerprint(key) if key else None,
            # The index of names is only usable under its own key; a restore under another
            # rebuilds it (govflow restore runs reindex-names).
            "name_index_key_fingerprint": (key_fingerprint(index_key, "name-index")
                                           if index_key else None),
            "keys_included": False,
        }
        handle, partial = tempfile.mkstemp(prefix=".govflow-backup-", suffix=".tmp",
                                           dir=output.parent)
        os.close(handle)
        try:
            # gzip's own default level, not tarfile's 9: half the CPU time on a database
            # of years of cases (2.6 GB at 100,000), for archives 0.3 % larger
            # (bench/growth.py's backup; the database is most of the archive).
            with tarfile.open(partial, "w:gz", compresslevel=COMPRESS_LEVEL) as archive:
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
