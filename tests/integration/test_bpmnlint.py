"""bpmnlint through Node (webui/tools/bpmnlint_run.cjs, the npm packages of `make assets`):
the shipped processes pass it with no finding, a flow meeting at a task is a warning on
that task in Thai and English, and without Node one notice says it was not run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.bpmn.definitions import check_file
from engine.bpmn.lint.bpmnlint_bridge import NODE_VARIABLE, RUNNER, run_bpmnlint
from engine.bpmn.lint.bpmnlint_rules import RULE_TEXTS
from webui.cli import main as cli

REPO = Path(__file__).resolve().parents[2]
PROCESSES = REPO / "processes"
RECOMMENDED = REPO / "webui" / "node_modules" / "bpmnlint" / "config" / "recommended.js"

# flow_start_follow_to_rounds goes straight into the follow-up rounds again, beside the
# flow from their joining gateway: two flows meet at the sub-process.
FAKE_JOIN = ('<bpmn:sequenceFlow id="flow_start_follow_to_rounds" sourceRef="start_follow_up" '
             'targetRef="gw_join_rounds" />')
FAKE_JOIN_BY = FAKE_JOIN.replace('targetRef="gw_join_rounds"', 'targetRef="follow_up_rounds"')


@pytest.fixture(autouse=True)
def _npm_packages():
    assert RECOMMENDED.is_file(), "run `make assets`: bpmnlint comes from npm"
    assert shutil.which("node"), "bpmnlint runs through Node.js"


@pytest.mark.parametrize("name", ["complaint.bpmn", "publishing.bpmn"])
def test_the_shipped_processes_have_no_bpmnlint_finding(name: str) -> None:
    found = run_bpmnlint((PROCESSES / name).read_bytes())
    assert found == [], found
    # validate's own check too (tests/unit/test_lint.py runs `validate --strict` on both).
    checked = check_file(PROCESSES / name, PROCESSES, with_bpmnlint=True)
    assert checked.ok and checked.problems == []


def fake_join(tmp_path: Path) -> Path:
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES, folder)
    path = folder / "complaint.bpmn"
    text = path.read_text(encoding="utf-8")
    assert text.count(FAKE_JOIN) == 1
    path.write_text(text.replace(FAKE_JOIN, FAKE_JOIN_BY), encoding="utf-8")
    return path


def test_a_fake_join_is_a_warning_on_its_element_in_thai_and_english(tmp_path: Path) -> None:
    path = fake_join(tmp_path)
    checked = check_file(path, path.parent, with_bpmnlint=True)
    assert checked.ok  # a warning: the file could still be deployed
    [problem] = [p for p in checked.problems if p.rule == "fake-join"]
    assert (problem.severity, problem.source, problem.element_id) == (
        "warning", "bpmnlint", "follow_up_rounds")
    text = path.read_text(encoding="utf-8")
    assert problem.line == text[: text.index('id="follow_up_rounds"')].count("\n") + 1
    assert "ทางรวม (joining gateway)" in problem.message_th
    assert "add a joining gateway before it" in problem.message
    strict = CliRunner().invoke(cli, ["validate", "--strict", "--lang", "th", str(path)])
    assert strict.exit_code == 1
    assert re.search(r"^warning: complaint\.bpmn:\d+: มีหลายเส้นทางเข้าสู่ follow_up_rounds "
                     r".* \[follow_up_rounds\]$", strict.output, re.M), strict.output


def test_without_node_one_notice_says_bpmnlint_was_not_run(tmp_path: Path,
                                                          monkeypatch) -> None:
    path = fake_join(tmp_path)
    monkeypatch.setenv(NODE_VARIABLE, str(tmp_path / "no-such-node"))
    checked = check_file(path, path.parent, with_bpmnlint=True)
    [notice] = [p for p in checked.problems if p.source == "bpmnlint"]
    assert notice.severity == "notice" and checked.ok
    assert "Node.js is not installed" in notice.message
    assert "ไม่ได้ตรวจด้วย bpmnlint เพราะไม่ได้ติดตั้ง Node.js" in notice.message_th
    # A notice never fails validate, --strict included.
    result = CliRunner().invoke(cli, ["validate", "--strict", str(PROCESSES / "complaint.bpmn")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("notice: complaint.bpmn: ไม่ได้ตรวจด้วย bpmnlint")


def test_without_the_npm_packages_the_notice_says_make_assets(tmp_path: Path) -> None:
    runner = tmp_path / "webui" / "tools" / RUNNER.name
    runner.parent.mkdir(parents=True)
    shutil.copy(RUNNER, runner)
    found = run_bpmnlint((PROCESSES / "complaint.bpmn").read_bytes(), runner=runner)
    assert not isinstance(found, list) and "make assets" in found.en and "make assets" in found.th


def test_every_recommended_rule_has_thai_and_english_words() -> None:
    rules = set(re.findall(r"'([a-z-]+)':\s*'(?:error|warn)'",
                           RECOMMENDED.read_text(encoding="utf-8")))
    assert len(rules) > 20
    assert rules <= set(RULE_TEXTS), sorted(rules - set(RULE_TEXTS))
    for en, th in RULE_TEXTS.values():
        assert "{id}" in en and "{id}" in th
        assert re.search("[\u0e00-\u0e7f]", th) and not re.search("[\u0e00-\u0e7f]", en)
