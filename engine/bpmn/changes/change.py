"""One change between two versions: its sentence in Thai and English, and what it touches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    #: What changed: "step", "flow", "gateway", "event", "form", "field", "timer",
    #: "condition", "script", "setting", "lane", "supervisors", "escalation", "rules".
    topic: str
    text_th: str
    text_en: str
    #: The BPMN element the sentence is about, when there is one (coloured in the diagrams).
    element_id: str | None = None
    #: User tasks whose open tasks in running cases the change concerns (a form's steps,
    #: a lane's steps, a timer's task); the element itself when it is a user task.
    steps: tuple[str, ...] = ()
    #: What the change means for running cases, when that is worth saying.
    note_th: str = ""
    note_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "topic": self.topic, "text_th": self.text_th,
                "text_en": self.text_en, "element_id": self.element_id,
                "steps": list(self.steps), "note_th": self.note_th, "note_en": self.note_en}


def quoted(text: str) -> str:
    """A name as the sentences quote it: on one line, in single quotes."""
    return f"'{' '.join(str(text).split())}'"


def code(text: str, limit: int = 120) -> str:
    """An expression or script as the sentences quote it: its lines joined by "; " on one
    line, cut when long."""
    line = "; ".join(" ".join(part.split()) for part in str(text).splitlines() if part.strip())
    return line if len(line) <= limit else line[: limit - 1] + "…"
