"""Writing ``processes/processes.toml`` back, as the settings page and the editor change it.

The file is the process owners' own: its comments (Thai and English), order and layout
stay as they wrote them; only the values changed are rewritten. The new text is checked
as ``read_settings`` would read it before it replaces the file, and it replaces it in one
rename, so a reader never sees half a file and a refused change leaves it untouched.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import InlineTable, Table

from engine.bpmn.process_settings import SETTINGS_FILE, settings_from
from engine.core.errors import SettingsError

__all__ = ["write_lane_roles", "write_setting_values"]


def write_setting_values(processes_dir: Path, key: str, values: Mapping[str, int]) -> str:
    """Set ``[<key>.settings.<name>] value`` for each name; return the file's old text.

    Raises SettingsError (nothing written) for a setting the file does not declare or a
    value its own type and bounds refuse.
    """
    old, document = _read(processes_dir)
    declared = _table(_table(document, key, key), "settings", f"{key}.settings")
    for name, value in values.items():
        if name not in declared:
            raise SettingsError(f"{SETTINGS_FILE}: ไม่มีค่ากำหนด {name} ใน [{key}.settings] / "
                                f"no setting {name} under [{key}.settings]")
        _table(declared, name, f"{key}.settings.{name}")["value"] = value
    _replace(processes_dir, document)
    return old


def write_lane_roles(processes_dir: Path, key: str, roles: Mapping[str, str]) -> str:
    """Set the role of each lane under ``[<key>.lanes]``, keeping its other keys
    (``requester_unit_only``); a lane not there yet is added. Returns the old text."""
    old, document = _read(processes_dir)
    process = _table(document, key, key)
    if "lanes" not in process:
        process["lanes"] = tomlkit.table()
    lanes = _table(process, "lanes", f"{key}.lanes")
    for lane_id, role in roles.items():
        current = lanes.get(lane_id)
        if isinstance(current, InlineTable | Table):
            current["role"] = role
        else:
            rule = tomlkit.inline_table()
            rule["role"] = role
            if lane_id in lanes:
                lanes[lane_id] = rule  # a bare role name: same place, same comment
            else:
                _add_after_last_key(lanes, lane_id, rule)
    _replace(processes_dir, document)
    return old


def _add_after_last_key(table: Table, key: str, item: Any) -> None:
    """A new key right after the table's last one: appended at its end, it would land
    below the comments that introduce the next table."""
    body = table.value.body
    last = max((i for i, (name, _item) in enumerate(body) if name is not None), default=-1)
    if last + 1 < len(body):
        # tomlkit's own positional insert (the version is pinned in pyproject.toml).
        table.value._insert_at(last + 1, key, item)
    else:
        table[key] = item


def _read(processes_dir: Path) -> tuple[str, tomlkit.TOMLDocument]:
    path = processes_dir / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomlkit.parse(text)
    except OSError as exc:
        raise SettingsError(f"{SETTINGS_FILE} อ่านไม่ได้ / cannot be read: {exc}") from exc
    except tomlkit.exceptions.ParseError as exc:
        raise SettingsError(f"{SETTINGS_FILE}: {exc}") from exc


def _table(parent: Any, name: str, where: str) -> Any:
    found = parent.get(name)
    if not isinstance(found, Table | InlineTable):
        raise SettingsError(f"{SETTINGS_FILE}: ไม่มีตาราง [{where}] / no table [{where}]")
    return found


def _replace(processes_dir: Path, document: tomlkit.TOMLDocument) -> None:
    """Check the new text as govflow will read it, then swap it in with one rename."""
    text = tomlkit.dumps(document)
    try:
        settings_from(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:  # tomlkit wrote what tomllib cannot read
        raise SettingsError(f"{SETTINGS_FILE}: {exc}") from exc
    path = processes_dir / SETTINGS_FILE
    handle, temporary = tempfile.mkstemp(dir=processes_dir, prefix=".processes-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)  # as readable as it was
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
