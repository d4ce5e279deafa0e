"""Deploying definitions: versions by content, broken files keep the last good version live."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.bpmn.settings_file import write_setting_values
from engine.services.admin.processes import deploy, list_processes
from engine.services.inbox import instances, tasks
from tests.conftest import PROCESSES, People, make_runtime
from tests.samples import COMPLAINT
from webui.cli import main as cli

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT


@pytest.fixture
def own_processes(tmp_path: Path) -> Path:
    target = tmp_path / "processes"
    shutil.copytree(PROCESSES, target)
    return target


def _versions(rt):
    return {p["key"]: (p["version"], p["version_hash"]) for p in list_processes(rt)}


def _break_line(path: Path, find: str, replace: str) -> int:
    """Replace the first occurrence of ``find``; return its 1-based line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if find in line:
            lines[number - 1] = line.replace(find, replace, 1)
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"{find!r} not in {path}")


def test_broken_file_keeps_previous_version_live(tmp_path, own_processes):
    rt = make_runtime(tmp_path, processes_dir=own_processes)
    people = People(rt)
    first = deploy(rt)
    assert first.ok and sorted(first.deployed) == [("complaint", 1), ("publishing", 1)]
    before = _versions(rt)
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)

    line = _break_line(own_processes / "complaint.bpmn", 'targetRef="triage"',
                       'targetRef="no_such_task"')
    report = deploy(rt)
    assert not report.ok and report.deployed == []
    problem = next(p for p in report.problems if p.severity == "error")
    assert problem.file == "complaint.bpmn" and problem.line == line
    assert "no_such_task" in problem.format("en")
    assert _versions(rt) == before  # the last good version is still current
    # ...and new cases still start on it.
    again = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert again["version"] == 1
    # Unchanged publishing is reported as such, not redeployed.
    assert ("publishing", 1) in report.unchanged
    # The running case carries on untouched.
    tasks.complete_task(rt, people.legal_officer, running["tasks"][0]["id"],
                        {"screening_outcome": "accept"})
    rt.close()


def test_changed_file_is_a_new_version_and_running_cases_stay(tmp_path, own_processes):
    rt = make_runtime(tmp_path, processes_dir=own_processes)
    people = People(rt)
    deploy(rt)
    old_case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    # A process owner sets triage_days to 5 in processes.toml (the settings page does this).
    write_setting_values(own_processes, "complaint", {"triage_days": 5})
    report = deploy(rt)
    assert report.ok and report.deployed == [("complaint", 2)]
    assert deploy(rt).deployed == []  # no content change, no new version
    new_case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert (old_case["version"], new_case["version"]) == (1, 2)
    # Received Fri 4 Dec 2026: 3 working days → 11 Dec; 5 → 15 Dec (14 Dec is a Monday).
    assert old_case["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
    assert new_case["tasks"][0]["due_at"] == "2026-12-15T16:30:00+07:00"
    # The old case still runs on version 1 to its next step.
    done = tasks.complete_task(rt, people.legal_officer, old_case["tasks"][0]["id"],
                               {"screening_outcome": "accept"})
    assert done["instance_status"] == "running"
    assert instances.get_instance(rt, people.director, old_case["id"])["version"] == 1
    # Putting the value back makes version 1 current again rather than minting version 3.
    write_setting_values(own_processes, "complaint", {"triage_days": 3})
    assert deploy(rt).deployed == [("complaint", 1)]
    assert _versions(rt)["complaint"][0] == 1
    rt.close()


def test_unmapped_lane_and_missing_form_are_reported(tmp_path, own_processes):
    rt = make_runtime(tmp_path, processes_dir=own_processes)
    (own_processes / "forms" / "complaint-review.schema.json").unlink()
    toml = own_processes / "processes.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'lane_director = { role = "director" }                          # ผู้อำนวยการ สพป.\n',
        "", 1), encoding="utf-8")
    report = deploy(rt)
    messages = [p.format("en") for p in report.problems]
    assert any("complaint-review.schema.json" in m and "review_result" in m for m in messages)
    assert any("lane_director" in m for m in messages)
    assert all(p.line for p in report.problems if p.element_id)
    rt.close()


def test_validate_cli_names_file_and_line(tmp_path, own_processes):
    good = CliRunner().invoke(cli, ["validate", str(own_processes / "publishing.bpmn")])
    assert good.exit_code == 0, good.output
    broken = own_processes / "complaint.bpmn"
    line = _break_line(broken, '<bpmn:userTask id="triage"', '<bpmn:userTask id="triage" size="9"')
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", str(broken)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"complaint.bpmn:{line}: "), result.output
    assert "size" in first and "[triage]" in first
    missing = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.bpmn")])
    assert missing.exit_code != 0


def test_a_broken_letter_or_letter_setting_is_refused_at_deploy(tmp_path, own_processes):
    rt = make_runtime(tmp_path, processes_dir=own_processes)
    deploy(rt)
    template = own_processes / "letters" / "result_notice.toml"
    _break_line(template, "ดังนี้ $result_summary", "ดังนี้ $result_sumary")
    report = deploy(rt)
    messages = " ".join(p.format() for p in report.problems)
    assert not report.ok and "result_sumary" in messages
    _break_line(template, "ดังนี้ $result_sumary", "ดังนี้ $result_summary")
    settings = own_processes / "processes.toml"
    _break_line(settings, 'notify_result = "result_notice"', 'notify_result = "thank_you_note"')
    report = deploy(rt)
    assert not report.ok and "thank_you_note" in " ".join(p.format() for p in report.problems)
    assert _versions(rt)["complaint"][0] == 1  # the working version stays live
    rt.close()


def test_a_condition_that_can_never_evaluate_is_refused_at_deploy_and_by_validate(
        tmp_path, own_processes):
    """The evaluator refuses 9 ** 9 ** 9 ** 9 only when a case reaches the gateway: the
    deploy check evaluates it first, so nothing is saved and validate exits 1."""
    rt = make_runtime(tmp_path, processes_dir=own_processes)
    assert deploy(rt).ok
    before = _versions(rt)
    line = _break_line(own_processes / "complaint.bpmn", 'screening_outcome == "accept"',
                       "9 ** 9 ** 9 ** 9 &gt; 1")
    report = deploy(rt)
    assert not report.ok and report.deployed == []
    problem = next(p for p in report.problems if p.severity == "error")
    assert (problem.file, problem.line, problem.element_id) == (
        "complaint.bpmn", line, "flow_screening_accept")
    assert "beyond what govflow's evaluator allows" in problem.message
    assert _versions(rt) == before
    result = CliRunner().invoke(cli, ["validate", "--lang", "en",
                                      str(own_processes / "complaint.bpmn")])
    assert result.exit_code == 1, result.output
    assert f"complaint.bpmn:{line}: the condition of flow_screening_accept goes beyond" \
        in result.output and "[flow_screening_accept]" in result.output
    thai = CliRunner().invoke(cli, ["validate", str(own_processes / "complaint.bpmn")])
    assert thai.exit_code == 1 and "เกินขีดจำกัด" in thai.output
    # A misspelt field is refused the same way, with the field it meant.
    _break_line(own_processes / "complaint.bpmn", "9 ** 9 ** 9 ** 9 &gt; 1",
                'screening_outcom == "accept"')
    report = deploy(rt)
    assert not report.ok and _versions(rt) == before
    assert any("did you mean screening_outcome?" in p.message for p in report.problems)
    rt.close()
