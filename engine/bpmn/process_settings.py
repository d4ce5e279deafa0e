"""``processes/processes.toml``: the lane-to-role mapping and the named settings (the
time limits a process's rules set, such as ``triage_days``) that process owners edit."""

from __future__ import annotations

import keyword
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core.errors import SettingsError
from engine.core.roles import ROLES

SETTINGS_FILE = "processes.toml"


@dataclass(frozen=True)
class LaneRule:
    role: str
    #: Only staff of the unit that started the case get the task (data-owner lanes).
    requester_unit_only: bool = False


@dataclass(frozen=True)
class EscalationRule:
    """What an escalation code thrown in the BPMN means: its level and who is told."""

    level: int
    #: A role, or "assignee" (the task's holder, else everyone in its lane's role).
    notify: str


#: The kinds of value a named setting may hold: type → its unit in Thai and English.
SETTING_TYPES: dict[str, tuple[str, str]] = {"working_days": ("วันทำการ", "working days")}
#: The keys of one ``[<process>.settings.<name>]`` table; rule_max may be left out.
SETTING_KEYS = ("value", "label_th", "label_en", "type", "min", "max", "rule_th", "rule_en",
                "rule_max")


@dataclass(frozen=True)
class ProcessSetting:
    """A named value of a process (``triage_days = 3``), put into each new case's data.

    ``rule_*`` name the rule the value comes from ("ข้อ 5.1: ภายใน 3 วันทำการ");
    ``rule_max`` is the most that rule allows (None: it sets no bound). A value above it
    is allowed, but only with an acknowledgement naming the rule.
    """

    value: int
    label_th: str
    label_en: str
    type: str
    min: int
    max: int
    rule_th: str
    rule_en: str
    rule_max: int | None = None

    @property
    def unit_th(self) -> str:
        return SETTING_TYPES[self.type][0]

    @property
    def unit_en(self) -> str:
        return SETTING_TYPES[self.type][1]

    def departs_from_rule(self, value: int | None = None) -> bool:
        """Whether ``value`` (default: this setting's own) goes beyond what its rule allows."""
        value = self.value if value is None else value
        return self.rule_max is not None and value > self.rule_max

    def to_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in SETTING_KEYS}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ProcessSetting:
        values: dict[str, Any] = {key: raw.get(key) for key in SETTING_KEYS}
        return cls(**values)


@dataclass(frozen=True)
class ProcessSettings:
    key: str
    lanes: dict[str, LaneRule] = field(default_factory=dict)
    supervisors: tuple[str, ...] = ()
    title_field: str | None = None
    #: Start-form date field holding the day the case arrived (else: the day it was keyed in).
    received_field: str | None = None
    escalations: dict[str, EscalationRule] = field(default_factory=dict)
    #: User task id → the kind of letter govflow issues when that task completes.
    letters: dict[str, str] = field(default_factory=dict)
    #: User tasks whose completion the case's owner (who started it) is told of.
    notify_owner: tuple[str, ...] = ()
    #: The user task whose completion publishes the request on the public pages.
    publication_step: str | None = None
    #: Named values (``[<process>.settings.<name>]``), in the order they are declared.
    settings: dict[str, ProcessSetting] = field(default_factory=dict)


def read_settings(processes_dir: Path) -> dict[str, ProcessSettings]:
    path = processes_dir / SETTINGS_FILE
    if not path.is_file():
        raise SettingsError(f"{SETTINGS_FILE} is missing from {processes_dir}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{SETTINGS_FILE}: {exc}") from exc
    return settings_from(raw)


def settings_from(raw: dict[str, Any]) -> dict[str, ProcessSettings]:
    """The processes of an already parsed processes.toml, each checked."""
    return {key: _process(key, value) for key, value in raw.items()}


def _process(key: str, raw: Any) -> ProcessSettings:
    where = f"{SETTINGS_FILE} [{key}]"
    if not isinstance(raw, dict):
        raise SettingsError(f"{where} must be a table")
    lanes = {
        lane: _lane(f"{where}.lanes.{lane}", rule) for lane, rule in raw.get("lanes", {}).items()
    }
    supervisors = tuple(raw.get("supervisors", ()))
    for role in supervisors:
        _known_role(where + " supervisors", role)
    escalations = {
        code: _escalation(f"{where}.escalations.{code}", rule)
        for code, rule in raw.get("escalations", {}).items()
    }
    letters = raw.get("letters", {})
    if not isinstance(letters, dict) or not all(
            isinstance(kind, str) for kind in letters.values()):
        raise SettingsError(f'{where}.letters must map task ids to letter kinds, e.g. '
                            f'notify_result = "result_notice"')
    notify_owner = raw.get("notify_owner", [])
    if not isinstance(notify_owner, list) or not all(isinstance(t, str) for t in notify_owner):
        raise SettingsError(f'{where} notify_owner must be a list of task ids, e.g. '
                            f'["director_approval"]')
    fields: dict[str, Any] = {"escalations": escalations, "letters": dict(letters),
                              "notify_owner": tuple(notify_owner),
                              "settings": named_settings(key, raw.get("settings", {}))}
    for name in ("title_field", "received_field", "publication_step"):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise SettingsError(f"{where} {name} must be a string")
        fields[name] = value
    return ProcessSettings(key, lanes, supervisors, **fields)


def named_settings(key: str, raw: Any) -> dict[str, ProcessSetting]:
    """The ``[<key>.settings]`` tables, each checked; a fault says in Thai and English
    what to write instead."""
    where = f"{SETTINGS_FILE} [{key}.settings]"
    if not isinstance(raw, dict):
        raise SettingsError(f"{where} ต้องเป็นตาราง / must be a table, e.g. "
                            f"[{key}.settings.triage_days]")
    return {name: setting(f"{SETTINGS_FILE} [{key}.settings.{name}]", name, table)
            for name, table in raw.items()}


def setting(where: str, name: str, raw: Any) -> ProcessSetting:
    """One named setting, every key checked: the type known, the bounds in order, the
    value inside them."""
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        raise SettingsError(f"{where}: ชื่อค่ากำหนดต้องเป็นอักษรอังกฤษ ตัวเลข และ _ เช่น triage_days "
                            f"/ a setting's name is letters, digits and _, e.g. triage_days")
    if not isinstance(raw, dict):
        raise SettingsError(f"{where} ต้องเป็นตาราง / must be a table with value, label_th, "
                            f"label_en, type, min, max, rule_th, rule_en")
    unknown = sorted(set(raw) - set(SETTING_KEYS))
    if unknown:
        raise SettingsError(f"{where}: ไม่รู้จัก {', '.join(unknown)} / unknown key "
                            f"{', '.join(unknown)}; the keys are {', '.join(SETTING_KEYS)}")
    missing = [k for k in SETTING_KEYS if k != "rule_max" and k not in raw]
    if missing:
        raise SettingsError(f"{where}: ขาด {', '.join(missing)} / {', '.join(missing)} "
                            "missing")
    if raw["type"] not in SETTING_TYPES:
        raise SettingsError(f"{where}: ไม่รู้จักชนิด {raw['type']!r} ใช้ได้: "
                            f"{', '.join(SETTING_TYPES)} / unknown type {raw['type']!r}; "
                            f"types are {', '.join(SETTING_TYPES)}")
    for text in ("label_th", "label_en", "rule_th", "rule_en"):
        if not isinstance(raw[text], str) or not raw[text].strip():
            raise SettingsError(f"{where}: {text} ต้องเป็นข้อความ / {text} must be a text, "
                                f'e.g. {text} = "..."')
    for number in ("value", "min", "max", "rule_max"):
        if number in raw and not _whole(raw[number]):
            raise SettingsError(f"{where}: {number} ต้องเป็นจำนวนเต็มไม่ติดลบ / {number} must "
                                f"be a whole number of 0 or more, e.g. {number} = 3")
    if not raw["min"] <= raw["value"] <= raw["max"]:
        raise SettingsError(
            f"{where}: value = {raw['value']} ต้องอยู่ระหว่าง min = {raw['min']} ถึง max = "
            f"{raw['max']} / value must lie between min = {raw['min']} and max = {raw['max']}")
    return ProcessSetting.from_dict(raw)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _escalation(where: str, rule: Any) -> EscalationRule:
    if not isinstance(rule, dict) or not isinstance(rule.get("level"), int):
        raise SettingsError(f'{where} must be {{ level = 1, notify = "role or assignee" }}')
    notify = rule.get("notify", "assignee")
    if notify != "assignee":
        _known_role(where, notify)
    return EscalationRule(rule["level"], notify)


def _lane(where: str, rule: Any) -> LaneRule:
    if isinstance(rule, str):
        return LaneRule(_known_role(where, rule))
    if not isinstance(rule, dict) or "role" not in rule:
        raise SettingsError(f"{where} must be a role name or {{ role = \"...\" }}")
    return LaneRule(_known_role(where, rule["role"]), bool(rule.get("requester_unit_only", False)))


def _known_role(where: str, role: Any) -> str:
    if role not in ROLES:
        raise SettingsError(f"{where}: unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role
