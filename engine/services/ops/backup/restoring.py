"""Putting a backup back: the archive is checked whole against its manifest, the target is
checked for cases and the data key, and only then are the database and files written."""

from __future__ import annotations

import os
import sqlite3
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from engine.core.config import Settings
from engine.core.errors import BackupError
from engine.services.ops.backup.manifest import (
    bad,
    configured_key,
    configured_name_index_key,
    copy_member,
    database_kind,
    key_fingerprint,
    read_manifest,
    verify,
)
from engine.services.ops.backup.postgres import (
    postgres_cases,
    postgres_table_counts,
    restore_postgres,
)
from engine.services.ops.backup.sqlite import restore_sqlite, sqlite_cases, sqlite_table_counts


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    #: The configured name-index key is not the backup's (or either is unknown): the
    #: restored index of names finds nothing until it is rebuilt.
    names_reindex_needed: bool = False


def _open_archive(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"ไม่พบไฟล์ / file not found: {path}")
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise bad(f"ไม่ใช่ไฟล์ tar.gz / not a tar.gz archive ({exc})") from None


def _target_cases(url: str, kind: str) -> int:
    """How many cases the target database holds (0 when it has no schema yet)."""
    return sqlite_cases(url) if kind == "sqlite" else postgres_cases(url)


def _restore_attachments(archive: tarfile.TarFile, manifest: dict[str, Any],
                         settings: Settings) -> None:
    folder = settings.instance_dir / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    for entry in manifest["attachments"]:
        target = folder / entry["name"]
        partial = folder / f".{entry['name']}.restore"
        try:
            copy_member(archive, f"attachments/{entry['name']}", partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)


def restored_counts(url: str, kind: str) -> dict[str, int]:
    return sqlite_table_counts(url) if kind == "sqlite" else postgres_table_counts(url)


def restore(settings: Settings, archive_path: Path, *, force: bool = False) -> RestoreResult:
    """Restore the archive into the configured database and instance folder.

    Refuses, changing nothing, when the archive is damaged or tampered with, when it was
    taken from the other kind of database, or (unless ``force``) when the target already
    holds cases or the configured data key is not the one the backup was taken with."""
    url = settings.resolved_database_url
    kind = database_kind(url)
    try:
        with _open_archive(Path(archive_path)) as archive:
            manifest = read_manifest(archive)
            source_kind = manifest["database"]["kind"]
            if source_kind != kind:
                raise BackupError(
                    f"ไฟล์สำรองมาจากฐานข้อมูล {source_kind} แต่ปลายทางเป็น {kind} / the archive "
                    f"holds a {source_kind} database but the target is {kind}")
            verify(archive, manifest)
            if not force:
                cases = _target_cases(url, kind)
                if cases:
                    raise BackupError(
                        f"ฐานข้อมูลปลายทางมีเรื่องอยู่แล้ว {cases} เรื่อง ไม่ได้เปลี่ยนแปลงอะไร "
                        f"ใช้ --force เพื่อเขียนทับ / the target database already holds {cases} "
                        "case(s); nothing was changed. Use --force to overwrite it.")
                wanted = manifest.get("data_key_fingerprint")
                key = configured_key(settings)
                if wanted and (key is None or key_fingerprint(key) != wanted):
                    raise BackupError(
                        "กุญแจข้อมูล (GOVFLOW_DATA_KEY หรือ instance/data.key) ไม่ใช่กุญแจที่ใช้ตอน"
                        "สำรอง ข้อมูลส่วนบุคคลและไฟล์ร้องเรียนจะอ่านไม่ได้ ไม่ได้เปลี่ยนแปลงอะไร / "
                        "the configured data key (GOVFLOW_DATA_KEY or instance/data.key) is "
                        "missing or not the one the backup was taken with, so personal data "
                        "and complaint files could not be read; nothing was changed. Put the "
                        "original key in place first, or use --force.")
            if kind == "sqlite":
                restore_sqlite(archive, manifest, url)
            else:
                restore_postgres(archive, manifest, url)
            _restore_attachments(archive, manifest, settings)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise bad(f"อ่านไฟล์ในชุดสำรองไม่ได้ / the archive is damaged ({exc})") from None
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise BackupError(f"ฐานข้อมูลปลายทางผิดพลาด / the target database failed: "
                          f"{str(exc).splitlines()[0]}") from None
    counts = restored_counts(url, kind)
    expected = {k: int(v) for k, v in manifest["row_counts"].items()}
    mismatches = {name: (want, counts.get(name)) for name, want in expected.items()
                  if counts.get(name) != want}
    return RestoreResult(manifest, counts, mismatches, _names_reindex_needed(settings, manifest))


def _names_reindex_needed(settings: Settings, manifest: dict[str, Any]) -> bool:
    wanted = manifest.get("name_index_key_fingerprint")
    key = configured_name_index_key(settings)
    return not wanted or key is None or key_fingerprint(key, "name-index") != wanted
