"""bpmnlint, the bpmn.io community's linter, run through Node on a file that loaded.

webui/tools/bpmnlint_run.cjs runs bpmnlint's recommended rules (the npm packages `make
assets` installs under webui/node_modules); this module starts it with a time limit and
no shell, hands it the BPMN on stdin, and turns its JSON findings into Problems with Thai
and English words (bpmnlint_rules). Each finding is put on the line of its element.

Where Node or the packages are missing, or bpmnlint fails, the check goes on without it
and one notice says so: a notice never fails a check, as bpmnlint's findings are advice
(govflow's own lint decides what cannot be deployed). ``GOVFLOW_NODE`` names the Node.js
to run (default: ``node`` on the PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from engine.bpmn.lint.bpmnlint_rules import COVERED_BY_GOVFLOW, rule_texts, severity_of
from engine.bpmn.problems import Problem
from engine.core.config import REPO_ROOT

__all__ = ["NODE_VARIABLE", "RUNNER", "NotRun", "bpmnlint_problems", "run_bpmnlint",
           "without_covered"]

NODE_VARIABLE = "GOVFLOW_NODE"
RUNNER = REPO_ROOT / "webui" / "tools" / "bpmnlint_run.cjs"
#: Node starts and lints complaint.bpmn in about 0.2 s; far beyond that something is wrong.
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class NotRun:
    """bpmnlint did not run on the file; the words say why, for one notice."""

    en: str
    th: str


def bpmnlint_problems(raw: bytes, file: str, tree: etree._ElementTree, *,
                      node: str | None = None, runner: Path = RUNNER,
                      timeout: float = TIMEOUT_SECONDS) -> list[Problem]:
    """bpmnlint's findings on ``raw`` as warnings, or one notice when it could not run."""
    found = run_bpmnlint(raw, node=node, runner=runner, timeout=timeout)
    if isinstance(found, NotRun):
        return [Problem(file, None, None, found.en, found.th, "notice", "bpmnlint")]
    lines = _lines_by_id(tree)
    return [_problem(file, finding, lines) for finding in found]


def run_bpmnlint(raw: bytes, *, node: str | None = None, runner: Path = RUNNER,
                 timeout: float = TIMEOUT_SECONDS) -> list[dict[str, Any]] | NotRun:
    """The runner's findings (rule, id, message, category), or why it did not run."""
    binary = node or os.environ.get(NODE_VARIABLE) or shutil.which("node")
    if not binary:
        return _no_node("node")
    if not (runner.parent.parent / "node_modules" / "bpmnlint").is_dir():
        return NotRun(
            "bpmnlint was not run because its npm packages are not installed "
            "(run `make assets`); govflow's own checks ran",
            "ไม่ได้ตรวจด้วย bpmnlint เพราะยังไม่ได้ติดตั้งแพ็กเกจ npm ของ bpmnlint "
            "(สั่ง make assets) การตรวจของ govflow เองทำครบแล้ว")
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [binary, str(runner)], input=raw, capture_output=True, timeout=timeout,
            check=False)
    except (FileNotFoundError, PermissionError):
        return _no_node(binary)
    except subprocess.TimeoutExpired:
        return NotRun(
            f"bpmnlint was stopped after {timeout:g} seconds; govflow's own checks ran",
            f"หยุด bpmnlint เพราะใช้เวลาเกิน {timeout:g} วินาที การตรวจของ govflow เองทำครบแล้ว")
    return _findings(done)


def without_covered(found: Iterable[Problem], problems: Iterable[Problem]) -> list[Problem]:
    """bpmnlint's findings less those govflow already reports as an error on that element
    (a disconnected task is one error, not an error and three warnings)."""
    flagged = {p.element_id for p in problems if p.severity == "error" and p.element_id}
    return [p for p in found
            if not (p.rule in COVERED_BY_GOVFLOW and p.element_id in flagged)]


def _no_node(binary: str) -> NotRun:
    return NotRun(
        f"bpmnlint was not run because Node.js is not installed (no {binary}); install "
        "it (sudo apt-get install nodejs) for bpmnlint's checks. govflow's own checks ran",
        f"ไม่ได้ตรวจด้วย bpmnlint เพราะไม่ได้ติดตั้ง Node.js (ไม่พบ {binary}) "
        "ติดตั้งด้วย sudo apt-get install nodejs เพื่อให้ตรวจด้วย bpmnlint ได้ "
        "การตรวจของ govflow เองทำครบแล้ว")


def _findings(done: subprocess.CompletedProcess[bytes]) -> list[dict[str, Any]] | NotRun:
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("findings", []), list):
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
        return NotRun(
            f"bpmnlint could not run ({last[:200]}); govflow's own checks ran",
            f"bpmnlint ทำงานไม่สำเร็จ ({last[:200]}) การตรวจของ govflow เองทำครบแล้ว")
    if "error" in answer:
        reason = str(answer["error"]).splitlines()[0][:200]
        return NotRun(
            f"bpmnlint could not read the file ({reason}); govflow's own checks ran",
            f"bpmnlint อ่านไฟล์นี้ไม่ได้ ({reason}) การตรวจของ govflow เองทำครบแล้ว")
    return list(answer["findings"])


def _lines_by_id(tree: etree._ElementTree) -> dict[str, int | None]:
    """Each id's line; "" for the root, where a finding on no known element is put."""
    lines: dict[str, int | None] = {"": tree.getroot().sourceline}
    for element in tree.iter(etree.Element):
        eid = element.get("id")
        if eid and eid not in lines:
            lines[eid] = element.sourceline
    return lines


def _problem(file: str, finding: dict[str, Any], lines: dict[str, int | None]) -> Problem:
    rule = str(finding.get("rule") or "?")
    eid = finding.get("id") if isinstance(finding.get("id"), str) else None
    message = str(finding.get("message") or "")
    category = str(finding.get("category") or "")
    if category == "rule-error":
        en = (f"bpmnlint's rule {rule} could not check this file (its own error: "
              f"{message[:200]})")
        th = f"กฎ {rule} ของ bpmnlint ตรวจไฟล์นี้ไม่ได้ (ข้อผิดพลาดของ bpmnlint เอง: {message[:200]})"
    else:
        en, th = rule_texts(rule, eid, message)
    line = lines.get(eid or "", lines[""])
    return Problem(file, line, eid, en, th, severity_of(category), "bpmnlint", rule)
