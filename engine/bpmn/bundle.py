"""A version's bundle: what a running case needs besides the BPMN, as typed rules.

The bundle is stored as JSON on the version row and is part of the version's hash, so
``to_dict`` gives back exactly the dictionary deployed versions were stored with;
``from_dict`` reads it back, older rows (written before a key existed) included.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from engine.bpmn.process_settings import EscalationRule, ProcessSetting


@dataclass(frozen=True)
class TaskRule:
    """A user task as the inbox knows it: who does it, with which form, by when."""

    name: str
    lane_id: str | None
    lane_name: str | None
    #: The role its lane maps to in processes.toml (None: nobody may take it).
    role: str | None
    #: Only staff of the unit that started the case get the task (data-owner lanes).
    requester_unit_only: bool
    #: The form's path under processes/, a key of ``ProcessBundle.forms``.
    form: str | None
    documentation: str
    #: The boundary timers whose earliest due time is the task's ``due_at``.
    deadline_timers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "lane_id": self.lane_id,
            "lane_name": self.lane_name,
            "role": self.role,
            "requester_unit_only": self.requester_unit_only,
            "form": self.form,
            "documentation": self.documentation,
            "deadline_timers": list(self.deadline_timers),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any], bpmn_id: str) -> TaskRule:
        return cls(
            name=raw.get("name") or bpmn_id,
            lane_id=raw.get("lane_id"),
            lane_name=raw.get("lane_name"),
            role=raw.get("role"),
            requester_unit_only=bool(raw.get("requester_unit_only")),
            form=raw.get("form"),
            documentation=raw.get("documentation") or "",
            deadline_timers=tuple(raw.get("deadline_timers") or ()),
        )


@dataclass(frozen=True)
class TimerRule:
    """A boundary timer: the task it sits on and the escalation code its path throws."""

    attached_to: str | None
    escalation: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"attached_to": self.attached_to, "escalation": self.escalation}


@dataclass(frozen=True)
class ProcessBundle:
    """Everything of one process version besides its BPMN: forms, lanes and settings."""

    name: str
    start_form: str | None
    #: Form path → its JSON Schema, as read from processes/forms/.
    forms: dict[str, dict[str, Any]]
    tasks: dict[str, TaskRule]
    #: Lane id → the role it maps to.
    lanes: dict[str, str]
    #: The role of the start event's lane: who may start a case.
    start_role: str | None
    timers: dict[str, TimerRule]
    escalations: dict[str, EscalationRule]
    supervisors: tuple[str, ...] = ()
    title_field: str | None = None
    received_field: str | None = None
    #: User task id → the kind of letter issued when it completes.
    letters: dict[str, str] = field(default_factory=dict)
    notify_owner: tuple[str, ...] = ()
    publication_step: str | None = None
    #: Named settings (processes.toml ``[<process>.settings]``), in declared order: each
    #: new case starts with their values in its data.
    settings: dict[str, ProcessSetting] = field(default_factory=dict)

    def setting_values(self) -> dict[str, int]:
        """What a new case of this version starts with: ``{"triage_days": 3, ...}``."""
        return {name: setting.value for name, setting in self.settings.items()}

    def escalation_for(self, timer_id: str) -> tuple[str, EscalationRule] | None:
        """The code a fired timer throws and what processes.toml says it means, if anything."""
        timer = self.timers.get(timer_id)
        code = timer.escalation if timer is not None else None
        rule = self.escalations.get(code) if code else None
        return (code, rule) if code and rule is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The bundle as stored on the version row (and hashed into its version)."""
        stored: dict[str, Any] = {
            "name": self.name,
            "start_form": self.start_form,
            "forms": self.forms,
            "tasks": {task_id: rule.to_dict() for task_id, rule in self.tasks.items()},
            "lanes": self.lanes,
            "start_role": self.start_role,
            "timers": {timer_id: rule.to_dict() for timer_id, rule in self.timers.items()},
            "escalations": {code: {"level": rule.level, "notify": rule.notify}
                            for code, rule in self.escalations.items()},
            "supervisors": list(self.supervisors),
            "title_field": self.title_field,
            "received_field": self.received_field,
            "letters": self.letters,
            "notify_owner": list(self.notify_owner),
            "publication_step": self.publication_step,
        }
        if self.settings:
            # Only when there are any: a process without settings keeps the stored bundle,
            # and so the version hash, it had before settings existed.
            stored["settings"] = {name: setting.to_dict()
                                  for name, setting in self.settings.items()}
        return stored

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ProcessBundle:
        """A stored bundle; a key an older version was stored without reads as empty."""
        return cls(
            name=raw.get("name") or "",
            start_form=raw.get("start_form"),
            forms=dict(raw.get("forms") or {}),
            tasks={task_id: TaskRule.from_dict(rule, task_id)
                   for task_id, rule in (raw.get("tasks") or {}).items()},
            lanes=dict(raw.get("lanes") or {}),
            start_role=raw.get("start_role"),
            timers={timer_id: TimerRule(rule.get("attached_to"), rule.get("escalation"))
                    for timer_id, rule in (raw.get("timers") or {}).items()},
            escalations={code: EscalationRule(rule["level"], rule["notify"])
                         for code, rule in (raw.get("escalations") or {}).items()},
            supervisors=tuple(raw.get("supervisors") or ()),
            title_field=raw.get("title_field"),
            received_field=raw.get("received_field"),
            letters=dict(raw.get("letters") or {}),
            notify_owner=tuple(raw.get("notify_owner") or ()),
            publication_step=raw.get("publication_step"),
            settings={name: ProcessSetting.from_dict(setting)
                      for name, setting in (raw.get("settings") or {}).items()},
        )


def version_hash(bpmn: bytes, process_key: str, bundle: ProcessBundle) -> str:
    """What identifies a version: the BPMN bytes, the process and the stored bundle."""
    digest = hashlib.sha256(bpmn)
    digest.update(process_key.encode("utf-8"))
    stored = json.dumps(bundle.to_dict(), sort_keys=True, ensure_ascii=False)
    digest.update(stored.encode("utf-8"))
    return digest.hexdigest()
