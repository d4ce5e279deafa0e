"""The archive's layout (its members and ``manifest.json``) and the checks a restore makes
on it before anything is written."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tarfile
import zlib
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

from engine.core.config import Settings
from engine.core.errors import BackupError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/govflow.sqlite"
PG_MEMBER = "database/govflow.pgdump"
ATTACHMENT_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")
CHUNK = 1024 * 1024


def bad(reason: str) -> BackupError:
    return BackupError(f"ไฟล์สำรองใช้ไม่ได้ / not a usable govflow backup: {reason}")


def database_kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"ฐานข้อมูลชนิด {name} สำรองไม่ได้ / cannot back up a {name} database "
                          "(only SQLite and PostgreSQL)")
    return name


def sha256_stream(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_stream(handle)


def key_fingerprint(key: bytes, purpose: str = "data") -> str:
    """A short one-way mark of a key (``purpose``: "data" or "name-index"), so a restore
    can tell a different key."""
    return hashlib.sha256(f"govflow-{purpose}-key:".encode() + key.strip()).hexdigest()[:16]


def _configured(setting: str | None, path: Path) -> bytes | None:
    """A key from its setting, else from its development file, without generating one."""
    if setting:
        return setting.encode("ascii", "replace")
    if path.is_file():
        return path.read_bytes().strip()
    return None


def configured_key(settings: Settings) -> bytes | None:
    """The data key this configuration would use, without generating one."""
    return _configured(settings.data_key, settings.instance_dir / "data.key")


def configured_name_index_key(settings: Settings) -> bytes | None:
    """The name-index key this configuration would use, without generating one."""
    return _configured(settings.name_index_key, settings.instance_dir / "name_index.key")


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise bad("ไม่มี manifest.json / manifest.json is missing") from None
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None or member.size > 10 * 1024 * 1024:
        raise bad("manifest.json ไม่ใช่ไฟล์ปกติ / manifest.json is not a plain file")
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad(f"manifest.json อ่านไม่ได้ / manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "govflow-backup":
        raise bad("manifest.json ไม่ใช่ของ govflow / manifest.json is not a govflow manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise bad(f"รุ่นรูปแบบ {manifest.get('format_version')!r} ไม่รองรับ / format version "
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
                  and ATTACHMENT_NAME.match(a["name"]) and isinstance(a.get("sha256"), str)
                  for a in manifest["attachments"]))
    if not ok:
        raise bad("manifest.json ไม่ครบหรือผิดรูปแบบ / manifest.json is incomplete or malformed")
    return manifest


def _expected(manifest: dict[str, Any]) -> dict[str, str]:
    """Each member the archive must hold, with its sha256."""
    wanted = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    for entry in manifest["attachments"]:
        wanted[f"attachments/{entry['name']}"] = entry["sha256"]
    return wanted


def verify(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
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
            if sha256_stream(handle) != wanted[member.name]:
                problems.append(f"{member.name}: sha256 ไม่ตรงกับ manifest (ไฟล์ถูกแก้ไขหรือเสีย) "
                                "/ sha256 does not match the manifest (changed or damaged)")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise bad(f"อ่านไฟล์ในชุดสำรองไม่ได้ / the archive is damaged ({exc})") from None
    problems += [f"{name}: ไม่มีในไฟล์สำรอง / missing from the archive"
                 for name in sorted(set(wanted) - seen)]
    if problems:
        raise bad("\n  " + "\n  ".join(problems))


def copy_member(archive: tarfile.TarFile, name: str, target: Path) -> None:
    handle = archive.extractfile(archive.getmember(name))
    assert handle is not None
    with target.open("wb") as out:
        shutil.copyfileobj(handle, out, CHUNK)
