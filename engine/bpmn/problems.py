"""A problem found in a BPMN file, and a report of them kept to a readable length.

Problems are what every check of a process file gives back (the loader, the lint, the
registry, bpmnlint): each has a line number and plain words in Thai and English. Every check
gives both texts (``problem_at`` takes the English and the Thai together); ``format("both")``,
what the command line prints by default, shows the Thai with the English beside it.

An error stops a deploy; a warning is shown (and fails ``govflow validate --strict``); a
notice only says something about the check itself, e.g. that bpmnlint could not run, and
never fails anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lxml import etree

__all__ = ["LANGUAGES", "MAX_REPORTED_PROBLEMS", "MoreProblems", "Problem", "Severity",
           "bound_problems", "problem_at"]

#: How a problem can be printed: in Thai with the English beside it, in Thai, in English.
LANGUAGES = ("both", "th", "en")

# A report longer than this helps nobody (8,000 copies of one mistake): the rest is
# counted in one last line, "and 1,234 more".
MAX_REPORTED_PROBLEMS = 200

Severity = Literal["error", "warning", "notice"]

@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    element_id: str | None
    message: str
    message_th: str
    severity: Severity = "error"
    #: Which checker found it: govflow's own checks, or bpmnlint (then ``rule`` names the
    #: bpmnlint rule; govflow's own problems have none).
    source: Literal["govflow", "bpmnlint"] = "govflow"
    rule: str | None = None

    def format(self, lang: str = "en") -> str:
        """``file:line: message [element id]``, the message in ``lang`` (one of LANGUAGES)."""
        text = {"th": self.message_th, "both": f"{self.message_th} / {self.message}"}.get(
            lang, self.message)
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        suffix = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}: {text}{suffix}"


@dataclass(frozen=True)
class MoreProblems(Problem):
    """The last line of a report cut short: "and 1,234 more"."""

    count: int = 0

    @classmethod
    def of(cls, file: str, line: int | None, count: int,
           severity: Severity) -> MoreProblems:
        shown = f"{count:,}"
        return cls(file, line, None, f"and {shown} more (fix those above and check again)",
                   f"และอีก {shown} รายการ (แก้ไขรายการข้างต้นแล้วตรวจอีกครั้ง)", severity,
                   count=count)


def problem_at(
    file: str, element: etree._Element | None, element_id: str | None,
    en: str, th: str, severity: Severity = "error",
) -> Problem:
    line = None if element is None else element.sourceline
    return Problem(file, line, element_id, en, th, severity)


def bound_problems(problems: list[Problem], limit: int = MAX_REPORTED_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems and, past them, one line "and 1,234 more".

    That line sits at the first problem left out, and is as severe as the worst of them.
    A check that already stopped counting (see check_xsd) adds its own count.
    """
    plain = [p for p in problems if not isinstance(p, MoreProblems)]
    counted = [p for p in problems if isinstance(p, MoreProblems)]
    hidden = plain[limit:] + counted
    if not hidden:
        return plain
    count = sum(p.count if isinstance(p, MoreProblems) else 1 for p in hidden)
    return [*plain[:limit],
            MoreProblems.of(hidden[0].file, hidden[0].line, count, _worst(hidden))]


def _worst(problems: list[Problem]) -> Severity:
    found = {p.severity for p in problems}
    return "error" if "error" in found else "warning" if "warning" in found else "notice"
