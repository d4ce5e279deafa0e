"""``processes/processes.toml``: the lane-to-role mapping that process owners edit."""

from __future__ import annotations

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


def read_settings(processes_dir: Path) -> dict[str, ProcessSettings]:
    path = processes_dir / SETTINGS_FILE
    if not path.is_file():
        raise SettingsError(f"{SETTINGS_FILE} is missing from {processes_dir}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{SETTINGS_FILE}: {exc}") from exc
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
                              "notify_owner": tuple(notify_owner)}
    for name in ("title_field", "received_field", "publication_step"):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise SettingsError(f"{where} {name} must be a string")
        fields[name] = value
    return ProcessSettings(key, lanes, supervisors, **fields)


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
