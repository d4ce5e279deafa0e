"""A process's named settings (``triage_days``) changed by its owner, without the diagram.

Three steps, as the settings page takes them: read the current version's settings; check
what was typed and say what would change ("ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ");
deploy, which writes ``processes/processes.toml`` (comments kept) and makes a new version
through the upload's own checks and versioning (``versions.deploy_upload``: audited, the
supervisors told with the change summary). A value the setting's rule does not
allow (more than ``rule_max``) needs an acknowledgement naming the rule; a value outside
the setting's bounds is refused. Running cases keep the values they started with.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.changes import VersionSide, summarize
from engine.bpmn.process_settings import SETTINGS_FILE, ProcessSetting
from engine.bpmn.settings_file import write_setting_values
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound, SettingsError
from engine.core.models import ProcessVersion
from engine.services.admin import versions
from engine.services.admin.versions import OWNER_ROLES
from engine.thai.digits import arabic_digits
from engine.workflow.runtime import Runtime

__all__ = ["SettingChange", "deploy_settings", "parse_value", "preview_settings",
           "read_process_settings"]

#: One owner's write and deploy at a time in this process: the file is rewritten whole.
_WRITING = threading.Lock()


@dataclass(frozen=True)
class SettingChange:
    """One setting's value before and after, and whether the new one departs from its rule."""

    name: str
    setting: ProcessSetting
    old: int
    new: int

    @property
    def departs(self) -> bool:
        return self.setting.departs_from_rule(self.new)

    def warning(self) -> str:
        """What the acknowledgement names: the rule the new value goes beyond."""
        s = self.setting
        return (f"ค่านี้เกินกว่าที่ {s.rule_th} กำหนด ({s.label_th} {self.new} {s.unit_th} "
                f"ตั้งได้ไม่เกิน {s.rule_max} {s.unit_th} ตามระเบียบ) / this value goes beyond "
                f"what {s.rule_en} sets ({s.label_en}: {self.new} {s.unit_en}; the rule allows "
                f"at most {s.rule_max} {s.unit_en})")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new, "departs": self.departs,
                "warning": self.warning() if self.departs else ""}


def _require_owner(actor: Actor | None) -> None:
    # None is the command line, run by whoever administers the server.
    if actor is not None and actor.roles.isdisjoint(OWNER_ROLES):
        raise Forbidden("เฉพาะผู้ดูแลกระบวนงาน / process owners only")


@dataclass(frozen=True)
class _Current:
    """The process's current version, as far as its settings go."""

    name: str
    version: int
    file_name: str
    bpmn: bytes
    bundle: ProcessBundle

    @property
    def settings(self) -> dict[str, ProcessSetting]:
        return self.bundle.settings


def _current(rt: Runtime, key: str) -> _Current:
    with rt.db.read() as session:
        row = session.scalar(select(ProcessVersion).where(
            ProcessVersion.process_key == key, ProcessVersion.is_current.is_(True)))
        if row is None:
            raise NotFound(f"ไม่พบกระบวนงาน '{key}' / no process '{key}'")
        definition = rt.definitions.get(row)
        return _Current(row.name, row.version, row.file_name, row.bpmn_xml, definition.bundle)


def read_process_settings(rt: Runtime, actor: Actor | None, key: str) -> dict[str, Any]:
    """The current version's settings, in declared order, with everything the page shows."""
    _require_owner(actor)
    current = _current(rt, key)
    return {
        "process_key": key, "name": current.name, "version": current.version,
        "settings": [{"name": name, **setting.to_dict(), "unit_th": setting.unit_th,
                      "unit_en": setting.unit_en}
                     for name, setting in current.settings.items()],
    }


def parse_value(setting: ProcessSetting, typed: str | None) -> int:
    """A typed number of days: Arabic or Thai digits ("๕"), inside the setting's bounds."""
    text = arabic_digits((typed or "").strip())
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise InvalidData(
            f"กรุณากรอกจำนวน{setting.unit_th}เป็นตัวเลขจำนวนเต็ม เช่น {setting.value} / enter "
            f"a whole number of {setting.unit_en}, e.g. {setting.value}")
    value = int(text)
    if not setting.min <= value <= setting.max:
        raise InvalidData(
            f"ต้องอยู่ระหว่าง {setting.min} ถึง {setting.max} {setting.unit_th} / must be "
            f"between {setting.min} and {setting.max} {setting.unit_en}")
    return value


def _changes(named: Mapping[str, ProcessSetting], typed: Mapping[str, str]) -> list[SettingChange]:
    """Each setting's typed value checked; every bad one named at once."""
    problems: dict[str, str] = {}
    changes = []
    for name, setting in named.items():
        try:
            value = parse_value(setting, typed.get(name))
        except InvalidData as error:
            problems[name] = error.message
            continue
        changes.append(SettingChange(name, setting, setting.value, value))
    if problems:
        raise InvalidData("ค่าที่กรอกไม่ถูกต้อง ยังไม่มีการเปลี่ยนแปลง / some values are not "
                          "valid; nothing was changed", problems)
    return changes


def preview_settings(rt: Runtime, actor: Actor | None, key: str, typed: Mapping[str, str],
                     acknowledged: Collection[str] = ()) -> dict[str, Any]:
    """What the typed values would change, checked; nothing is written.

    ``unacknowledged`` names the changed settings whose new value departs from their rule
    and whose departure was not acknowledged: deploying needs them acknowledged.
    """
    _require_owner(actor)
    current = _current(rt, key)
    changed = [c for c in _changes(current.settings, typed) if c.old != c.new]
    return {
        "process_key": key, "name": current.name, "version": current.version,
        "changes": [c.to_dict() for c in changed],
        "summary": [c.to_dict() for c in _summary(key, current, changed)],
        "values": {c.name: c.new for c in changed},
        "unacknowledged": [c.name for c in changed if c.departs and c.name not in acknowledged],
    }


def _summary(key: str, current: _Current, changed: list[SettingChange]) -> list[Any]:
    """The change in plain words, as every deploy says it (engine/bpmn/changes):
    "ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ", between this version and the same with
    the new values."""
    if not changed:
        return []
    values = {c.name: c.new for c in changed}
    settings = {name: replace(setting, value=values.get(name, setting.value))
                for name, setting in current.settings.items()}
    new_bundle = replace(current.bundle, settings=settings)
    return summarize(VersionSide(key, current.bpmn, current.bundle),
                     VersionSide(key, current.bpmn, new_bundle))


def deploy_settings(rt: Runtime, actor: Actor | None, key: str, typed: Mapping[str, str],
                    acknowledged: Collection[str] = (),
                    base_version: int | None = None) -> dict[str, Any]:
    """Write the new values into processes.toml and deploy them as a new version.

    ``base_version`` is the version the owner previewed against: if another has become
    current since, nothing is written and the owner is asked to look again. A file that
    fails its checks puts processes.toml back as it was.
    """
    _require_owner(actor)
    with _WRITING:
        preview = preview_settings(rt, actor, key, typed, acknowledged)
        if base_version is not None and preview["version"] != base_version:
            raise Conflict(
                f"มีผู้ติดตั้งฉบับที่ {preview['version']} ระหว่างนี้ กรุณาตรวจค่าอีกครั้ง / version "
                f"{preview['version']} was deployed meanwhile; review the values again")
        if preview["unacknowledged"]:
            raise InvalidData(
                "ค่าบางค่าเกินกว่าที่ระเบียบกำหนด ต้องยืนยันว่ารับทราบก่อน / some values go beyond "
                "their rule: acknowledge each first",
                {name: "กรุณายืนยันว่ารับทราบ / acknowledge it first"
                 for name in preview["unacknowledged"]})
        if not preview["changes"]:
            return {**preview, "deployed": []}
        deployed = _write_and_deploy(rt, actor, key, preview["values"])
    with rt.db.write() as session:
        record(session, actor, "process_settings_changed", process_key=key,
               version=deployed[0][1] if deployed else None,
               changes={c["name"]: [c["old"], c["new"]] for c in preview["changes"]},
               beyond_rule=[c["name"] for c in preview["changes"] if c["departs"]])
    return {**preview, "deployed": deployed}


def _write_and_deploy(rt: Runtime, actor: Actor | None, key: str,
                      values: Mapping[str, int]) -> list[tuple[str, int]]:
    """processes.toml with the new values, then the process's own file deployed through
    the upload's versioning (its checks, its audit, the supervisors told); the old
    processes.toml is put back when that refuses or fails."""
    processes_dir = rt.settings.processes_dir
    file_name = _current(rt, key).file_name
    path = processes_dir / file_name
    if not path.is_file():
        raise Conflict(f"ไม่พบไฟล์ {file_name} ในโฟลเดอร์ processes / {file_name} is not in "
                       "the processes folder")
    try:
        previous = write_setting_values(processes_dir, key, values)
    except SettingsError as error:
        raise InvalidData(f"เขียน {SETTINGS_FILE} ไม่ได้ / cannot write {SETTINGS_FILE}",
                          {"settings": error.message}) from None
    try:
        result = versions.deploy_upload(rt, actor, file_name, path.read_bytes())
    except InvalidData as error:
        (processes_dir / SETTINGS_FILE).write_text(previous, encoding="utf-8")
        raise InvalidData(
            "ค่าใหม่ทำให้กระบวนงานไม่ผ่านการตรวจสอบ จึงไม่ได้ติดตั้ง / with the new values the "
            "process fails its checks and was not deployed",
            {"settings": error.fields.get("file", "")}) from None
    except BaseException:
        # The database did not take it: processes/ must not hold what is not live.
        (processes_dir / SETTINGS_FILE).write_text(previous, encoding="utf-8")
        raise
    return [entry for entry in result["deployed"] if entry[0] == key]
