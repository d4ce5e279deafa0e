"""The validation report as JSON: what `govflow validate --format json` prints and the
owner's live check (POST /owner/api/processes/<key>/check) answers, for the editor.

    {"ok": bool, "errors": int, "warnings": int,
     "problems": [{"severity": "error"|"warning"|"notice", "source": "govflow"|"bpmnlint",
                   "rule": str|null, "element_id": str|null, "line": int|null,
                   "message": English, "message_th": Thai}]}

``ok`` is true when nothing stops a deploy (no error); ``errors`` and ``warnings`` count
every problem found, those past the report's length in its last line included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.bpmn.problems import MoreProblems, Problem

if TYPE_CHECKING:  # definitions runs the lint: imported here only for the type
    from engine.bpmn.definitions import CheckedFile

__all__ = ["problem_json", "report_json", "report_of"]


def report_json(checked: CheckedFile) -> dict[str, Any]:
    return report_of(checked.problems, ok=checked.ok)


def report_of(problems: list[Problem], *, ok: bool) -> dict[str, Any]:
    """The report of these problems (also for a file that could not be read at all)."""
    return {
        "ok": ok,
        "errors": _count(problems, "error"),
        "warnings": _count(problems, "warning"),
        "problems": [problem_json(p) for p in problems],
    }


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "severity": problem.severity,
        "source": problem.source,
        "rule": problem.rule,
        "element_id": problem.element_id,
        "line": problem.line,
        "message": problem.message,
        "message_th": problem.message_th,
    }


def _count(problems: list[Problem], severity: str) -> int:
    return sum(p.count if isinstance(p, MoreProblems) else 1
               for p in problems if p.severity == severity)
