"""A step without a flow in or out is an error naming it, and the file is not deployed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.bpmn.definitions import check_bytes
from tests.unit.test_lint import bpmn, errors, line_of, run
from webui.cli import main as cli

PROCESSES = Path(__file__).resolve().parents[2] / "processes"

# The parallel gateway lets a test add a second way out (govflow refuses a task with two).
STRAIGHT = (
    '<bpmn:startEvent id="start"/>\n'
    '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>\n'
    '<bpmn:parallelGateway id="fork"/>\n'
    '<bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="work"/>\n'
    '<bpmn:manualTask id="work"/>\n'
    '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>\n'
    '<bpmn:endEvent id="end"/>\n'
)


def test_a_connected_process_has_no_connection_error() -> None:
    assert errors(run(bpmn(STRAIGHT))) == []


@pytest.mark.parametrize("element, says_en, says_th", [
    ('<bpmn:manualTask id="lonely"/>', "is not connected", "ไม่ได้เชื่อมกับขั้นตอนใด"),
    ('<bpmn:manualTask id="lonely"/>'
     '<bpmn:sequenceFlow id="f3" sourceRef="lonely" targetRef="end"/>',
     "no flow leads into manualTask lonely", "ไม่มีเส้นทางเข้าสู่ขั้นตอน lonely"),
    ('<bpmn:manualTask id="lonely"/>'
     '<bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="lonely"/>',
     "no flow leaves manualTask lonely", "ไม่มีเส้นทางออกจากขั้นตอน lonely"),
    ('<bpmn:intermediateThrowEvent id="lonely"/>', "is not connected", "ไม่ได้เชื่อมกับขั้นตอนใด"),
    ('<bpmn:parallelGateway id="lonely"/>'
     '<bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="lonely"/>',
     "no flow leaves parallelGateway lonely", "ไม่มีเส้นทางออกจากขั้นตอน lonely"),
])
def test_a_disconnected_step_is_an_error_with_its_id_and_line(
        element: str, says_en: str, says_th: str) -> None:
    data = bpmn(STRAIGHT + element + "\n")
    [problem] = errors(run(data))
    assert (problem.element_id, problem.line) == ("lonely", line_of(data, 'id="lonely"'))
    assert says_en in problem.message and says_th in problem.message_th


def test_a_disconnected_step_inside_a_sub_process_is_found() -> None:
    data = bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>\n'
        '<bpmn:subProcess id="sub">\n'
        '<bpmn:startEvent id="s_start"/>\n'
        '<bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="s_end"/>\n'
        '<bpmn:endEvent id="s_end"/>\n'
        '<bpmn:manualTask id="inner"/>\n'
        '</bpmn:subProcess>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>\n'
    )
    assert [p.element_id for p in errors(run(data))] == ["inner"]


def test_start_end_and_boundary_events_and_event_sub_processes_need_no_flow() -> None:
    data = bpmn(
        STRAIGHT
        + '<bpmn:boundaryEvent id="late" attachedToRef="work">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>'
        '</bpmn:timerEventDefinition></bpmn:boundaryEvent>\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="end2"/>\n'
        '<bpmn:endEvent id="end2"/>\n'
        '<bpmn:subProcess id="on_error" triggeredByEvent="true">\n'
        '<bpmn:startEvent id="e_start"><bpmn:errorEventDefinition/></bpmn:startEvent>\n'
        '<bpmn:sequenceFlow id="e1" sourceRef="e_start" targetRef="e_end"/>\n'
        '<bpmn:endEvent id="e_end"/>\n'
        '</bpmn:subProcess>\n'
    )
    assert [p.format() for p in errors(run(data))] == []


def test_deploy_check_refuses_a_disconnected_task() -> None:
    checked = check_bytes(bpmn(STRAIGHT + '<bpmn:manualTask id="lonely"/>\n'), "x.bpmn",
                          PROCESSES)
    assert not checked.ok
    assert [p.element_id for p in checked.problems if p.severity == "error"] == ["lonely"]


def test_validate_names_the_disconnected_task(tmp_path: Path) -> None:
    path = tmp_path / "lonely.bpmn"
    path.write_bytes(bpmn(STRAIGHT + '<bpmn:manualTask id="lonely"/>\n'))
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", str(path)])
    assert result.exit_code == 1
    assert "manualTask lonely is not connected" in result.output and "[lonely]" in result.output
