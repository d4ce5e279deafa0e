import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.bpmn.definitions import check_bytes, check_file
from engine.bpmn.lint.all_checks import has_errors, lint
from engine.bpmn.lint.samples import sample_data
from engine.bpmn.loading.load import LoadedBpmn, load_bpmn
from engine.bpmn.loading.process_info import process_info
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.problems import Problem
from webui.cli import main as cli

REPO = Path(__file__).resolve().parents[2]
PROCESSES = REPO / "processes"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="defs" targetNamespace="http://example.org/govflow">\n'
)


def bpmn(body: str, top: str = "", executable: str = "true") -> bytes:
    return (
        HEAD + top + f'<bpmn:process id="p" isExecutable="{executable}">\n'
        + body + "</bpmn:process>\n</bpmn:definitions>\n"
    ).encode("utf-8")


def line_of(data: bytes, needle: str) -> int:
    text = data.decode("utf-8")
    return text[: text.index(needle)].count("\n") + 1


def run(data: bytes, bundle: dict[str, Any] | None = None) -> list[Problem]:
    loaded = load_bpmn(data, "x.bpmn")
    return lint(loaded, {"p": bundle} if bundle is not None else {})


def unparsed(data: bytes) -> LoadedBpmn:
    """A LoadedBpmn without SpiffWorkflow's parse, for trees SpiffWorkflow refuses."""
    tree = read_xml(data, "x.bpmn")
    processes = {
        el.get("id"): process_info(el)
        for el in tree.getroot().findall("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
    }
    return LoadedBpmn("x.bpmn", "", tree, processes, {}, {}, [])


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def only_error(problems: list[Problem]) -> Problem:
    found = errors(problems)
    assert len(found) == 1, [p.format() for p in problems]
    return found[0]


# ------------------------------------------------------------------- timers


def timer_process(kind: str, expression: str, script: str = "") -> bytes:
    script_task = (
        '<bpmn:scriptTask id="set_limits" scriptFormat="python">'
        f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>\n"
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="set_limits"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="set_limits" targetRef="work"/>\n'
    ) if script else '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>\n'
    return bpmn(
        '<bpmn:startEvent id="start"/>\n'
        + script_task
        + '<bpmn:userTask id="work"/>\n'
        '<bpmn:boundaryEvent id="deadline" cancelActivity="false" attachedToRef="work">\n'
        "<bpmn:outgoing>f3</bpmn:outgoing>\n"
        f'<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression">'
        f"{expression}</bpmn:{kind}></bpmn:timerEventDefinition>\n"
        "</bpmn:boundaryEvent>\n"
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="deadline" targetRef="late"/>\n'
        '<bpmn:endEvent id="end"/><bpmn:endEvent id="late"/>\n'
    )


START_BUNDLE = {
    "start_form": "forms/start.json",
    "forms": {"forms/start.json": {"type": "object", "properties": {
        "received_at": {"type": "string", "format": "date"},
    }}},
    "tasks": {},
}


@pytest.mark.parametrize(("kind", "expression"), [
    ("timeDuration", '"PT1H"'),
    ("timeDuration", '"P3D"'),
    ("timeDate", '"2026-01-05T09:00:00+07:00"'),
    ("timeCycle", '"R3/PT1H"'),
    ("timeDate", "deadline_after(received_at, 3)"),
])
def test_good_timers_pass(kind: str, expression: str) -> None:
    assert run(timer_process(kind, expression), START_BUNDLE) == []


def test_timer_uses_script_results_and_start_form() -> None:
    data = timer_process("timeDate", "deadline_after(received_at, triage_days)",
                         script="triage_days = 3")
    assert run(data, START_BUNDLE) == []


def test_timer_missing_a_variable_is_an_error() -> None:
    data = timer_process("timeDate", "deadline_after(received_at, triage_days)")
    problem = only_error(run(data, START_BUNDLE))
    assert problem.element_id == "deadline"
    assert problem.line == line_of(data, 'id="deadline"')
    assert "deadline_after(received_at, triage_days)" in problem.message
    assert "triage_days" in problem.message and "Traceback" not in problem.message
    assert problem.message_th and problem.message_th != problem.message


def test_naive_time_date_asks_for_an_offset() -> None:
    data = timer_process("timeDate", '"2026-01-05T09:00:00"')
    problem = only_error(run(data, {}))
    assert (problem.element_id, problem.line) == ("deadline", line_of(data, 'id="deadline"'))
    assert "give the offset, e.g. +07:00" in problem.message
    assert "server's time zone" in problem.message
    assert "+07:00" in problem.message_th


def test_unquoted_duration_asks_for_quotes() -> None:
    data = timer_process("timeDuration", "PT1H")
    problem = only_error(run(data, {}))
    assert problem.element_id == "deadline"
    assert 'put ISO durations in quotes: "PT1H"' in problem.message


@pytest.mark.parametrize(("kind", "expression", "words"), [
    ("timeDuration", '"1 hour"', "not an ISO 8601 duration"),
    ("timeDuration", '"P3X"', "not an ISO 8601 duration"),
    ("timeDuration", "3", "must be text"),
    ("timeDate", '"tomorrow"', "not an ISO 8601 date-time"),
    ("timeDate", '"2026-01-05"', "give the offset"),
    ("timeCycle", '"PT1H"', "repeating interval"),
    ("timeCycle", '"R3/nonsense"', "repeating interval"),
])
def test_bad_timer_values(kind: str, expression: str, words: str) -> None:
    problem = only_error(run(timer_process(kind, expression), {}))
    assert words in problem.message
    assert problem.element_id == "deadline"


def test_timer_helper_failure_is_a_located_error_not_a_traceback() -> None:
    data = timer_process("timeDate", 'deadline_after("not a date", 3)')
    problem = only_error(run(data, {}))
    assert "not an ISO 8601 date" in problem.message
    assert "deadline_after" in problem.message


def test_timer_outside_whitelist_is_left_to_definitions() -> None:
    # engine.bpmn.definitions already reports it; no second message here.
    assert run(timer_process("timeDuration", "__import__('os')"), {}) == []


def test_timers_skipped_when_the_start_form_is_missing() -> None:
    # The missing form is reported by build_bundle; names from it would only echo that.
    data = timer_process("timeDate", "deadline_after(received_at, 3)").replace(
        b'<bpmn:startEvent id="start"/>',
        b'<bpmn:startEvent id="start"><bpmn:extensionElements><spiffworkflow:properties>'
        b'<spiffworkflow:property name="formJsonSchemaFilename" value="forms/none.json"/>'
        b"</spiffworkflow:properties></bpmn:extensionElements></bpmn:startEvent>",
    )
    assert run(data) == []


def test_sample_data_follows_the_schema() -> None:
    schema = {"properties": {
        "d": {"type": "string", "format": "date"},
        "dt": {"type": "string", "format": "date-time"},
        "i": {"type": "integer"}, "n": {"type": "number"}, "b": {"type": "boolean"},
        "s": {"type": "string"}, "e": {"type": "string", "enum": ["x", "y"]},
        "o": {"type": "string", "oneOf": [{"const": "a"}, {"const": "b"}]},
    }}
    assert sample_data(schema) == {
        "d": "2026-01-05", "dt": "2026-01-05T09:00:00+07:00", "i": 1, "n": 1, "b": True,
        "s": "ตัวอย่าง", "e": "x", "o": "a",
    }


# ----------------------------------------------------------------- gateways


def gateway_process(default: str = "", cond_a: bool = True, cond_b: bool = True) -> bytes:
    def flow(fid: str, target: str, cond: bool) -> str:
        if not cond:
            return f'<bpmn:sequenceFlow id="{fid}" sourceRef="gw" targetRef="{target}"/>\n'
        return (f'<bpmn:sequenceFlow id="{fid}" sourceRef="gw" targetRef="{target}">'
                f"<bpmn:conditionExpression>x == 1</bpmn:conditionExpression>"
                "</bpmn:sequenceFlow>\n")
    attr = f' default="{default}"' if default else ""
    return bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>\n'
        f'<bpmn:exclusiveGateway id="gw"{attr}/>\n'
        + flow("fa", "end_a", cond_a) + flow("fb", "end_b", cond_b)
        + '<bpmn:endEvent id="end_a"/><bpmn:endEvent id="end_b"/>\n'
        '<bpmn:sequenceFlow id="fy" sourceRef="start" targetRef="other"/>\n'
        '<bpmn:task id="other"/><bpmn:sequenceFlow id="fz" sourceRef="other" targetRef="end_b"/>\n'
    )


def test_gateway_with_conditions_or_default_passes() -> None:
    assert run(gateway_process()) == []
    assert run(gateway_process(default="fb", cond_b=False)) == []


def test_gateway_flow_without_condition_is_an_error() -> None:
    # SpiffWorkflow refuses this file too, without naming the flow; lint names it.
    data = gateway_process(default="", cond_a=False, cond_b=False)
    problems = lint(unparsed(data), {})
    problem = only_error(problems)
    assert (problem.element_id, problem.line) == ("gw", line_of(data, 'id="gw"'))
    assert "fa, fb" in problem.message and "fa, fb" in problem.message_th


def test_a_flow_without_an_id_is_named_not_a_type_error() -> None:
    data = gateway_process(default="fz", cond_a=False, cond_b=False).replace(
        b'<bpmn:sequenceFlow id="fa" ', b"<bpmn:sequenceFlow ")
    problems = lint(unparsed(data), {})
    assert [p.element_id for p in errors(problems)] == ["gw", "gw"]
    default, bare = errors(problems)
    assert "(?, fb)" in default.message and 'default="fz"' in default.message
    assert "flows ?, fb have no condition" in bare.message and "เส้นทาง ?, fb" in bare.message_th


def test_gateway_default_not_outgoing_is_an_error() -> None:
    data = gateway_process(default="fz")
    problem = only_error(run(data))
    assert (problem.element_id, problem.line) == ("gw", line_of(data, 'id="gw"'))
    assert 'default="fz"' in problem.message and "fa, fb" in problem.message


# ------------------------------------------------------ elements we cannot run

UNSUPPORTED = {
    "sendTask": ("", '<bpmn:sendTask id="x"/>'),
    "receiveTask": ("", '<bpmn:receiveTask id="x"/>'),
    "serviceTask": ("", (
        '<bpmn:serviceTask id="x"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="http/GetRequest">'
        "<spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>"
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )),
    "intermediateCatchEvent": ('<bpmn:message id="m" name="M"/>\n', (
        '<bpmn:intermediateCatchEvent id="x">'
        '<bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>'
    )),
    "transaction": ("", (
        '<bpmn:transaction id="x"><bpmn:startEvent id="ts"/>'
        '<bpmn:sequenceFlow id="tf" sourceRef="ts" targetRef="te"/>'
        '<bpmn:endEvent id="te"/></bpmn:transaction>'
    )),
    "adHocSubProcess": ("", (
        '<bpmn:adHocSubProcess id="x"><bpmn:task id="t1"/></bpmn:adHocSubProcess>'
    )),
    "intermediateThrowEvent": ("", (
        '<bpmn:intermediateThrowEvent id="x">'
        "<bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent>"
    )),
}


def straight_through(element: str, top: str = "") -> bytes:
    return bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>\n'
        f"{element}\n"
        '<bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>\n',
        top=top,
    )


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_elements_govflow_cannot_run(name: str) -> None:
    top, element = UNSUPPORTED[name]
    data = straight_through(element, top)
    problem = only_error(run(data))
    assert (problem.element_id, problem.line) == ("x", line_of(data, 'id="x"'))
    assert problem.message.startswith(f"govflow cannot run {name} yet")
    assert name in problem.message_th


def test_link_events_are_refused() -> None:
    data = bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="jump"/>\n'
        '<bpmn:intermediateThrowEvent id="jump">'
        '<bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>\n'
        '<bpmn:intermediateCatchEvent id="land">'
        '<bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="land" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>\n'
    )
    found = errors(run(data))
    assert [(p.element_id, p.line) for p in found] == [
        ("jump", line_of(data, 'id="jump"')), ("land", line_of(data, 'id="land"')),
    ]


def test_runnable_elements_pass() -> None:
    for element in ('<bpmn:task id="x"/>', '<bpmn:userTask id="x"/>',
                    '<bpmn:manualTask id="x"/>'):
        assert run(straight_through(element)) == []


def test_non_executable_process_is_not_linted() -> None:
    data = bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>\n'
        '<bpmn:sendTask id="x"/>\n',
        executable="false",
    )
    assert run(data) == []


# ------------------------------------------------------------- gateway loops


def loop_process(back_from_task: bool = False, step: str = "scriptTask") -> bytes:
    # start -> work -> gw --(again)--> work (or via "redo" when back_from_task); `step` is
    # what "work" is: a script task loops without a person, a user task waits for one.
    again_target = "redo" if back_from_task else "work"
    redo = (
        '<bpmn:task id="redo"/>\n'
        '<bpmn:sequenceFlow id="f_redo" sourceRef="redo" targetRef="work"/>\n'
    ) if back_from_task else ""
    return bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>\n'
        f'<bpmn:{step} id="work"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="gw"/>\n'
        '<bpmn:exclusiveGateway id="gw" default="f_again"/>\n'
        f'<bpmn:sequenceFlow id="f_again" sourceRef="gw" targetRef="{again_target}"/>\n'
        '<bpmn:sequenceFlow id="f_done" sourceRef="gw" targetRef="end">'
        "<bpmn:conditionExpression>done == True</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>\n"
        + redo + '<bpmn:endEvent id="end"/>\n'
    )


@pytest.mark.parametrize("back_from_task", [False, True])
def test_gateway_loop_is_a_warning_at_the_gateway(back_from_task: bool) -> None:
    data = loop_process(back_from_task)
    problems = run(data)
    assert len(problems) == 1
    warning = problems[0]
    assert warning.severity == "warning" and not has_errors(problems)
    assert (warning.element_id, warning.line) == ("gw", line_of(data, 'id="gw"'))
    assert "SpiffWorkflow stalls after about 250 rounds (task-tree depth 1000)" in warning.message
    assert "use a loop or multi-instance task or a timer" in warning.message
    assert "250" in warning.message_th


@pytest.mark.parametrize("back_from_task", [False, True])
@pytest.mark.parametrize("step", ["userTask", "manualTask"])
def test_a_loop_through_a_task_for_a_person_is_not_warned_about(
    back_from_task: bool, step: str,
) -> None:
    assert run(loop_process(back_from_task, step)) == []


def test_a_gateway_only_round_beside_a_person_is_still_warned_about() -> None:
    # gw -> review (a person) -> gw is paced; gw -> retry (a script) -> gw is not, even
    # though the same gateway heads both and the script is reached after the person.
    data = bpmn(
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>\n'
        '<bpmn:userTask id="review"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>\n'
        '<bpmn:exclusiveGateway id="gw" default="f_done"/>\n'
        '<bpmn:sequenceFlow id="f_back" sourceRef="gw" targetRef="review">'
        "<bpmn:conditionExpression>again == True</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="f_retry" sourceRef="gw" targetRef="retry">'
        "<bpmn:conditionExpression>retry == True</bpmn:conditionExpression>"
        "</bpmn:sequenceFlow>\n"
        '<bpmn:scriptTask id="retry"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>\n'
        '<bpmn:sequenceFlow id="f_retried" sourceRef="retry" targetRef="gw"/>\n'
        '<bpmn:sequenceFlow id="f_done" sourceRef="gw" targetRef="end"/>\n'
        '<bpmn:endEvent id="end"/>\n'
    )
    problems = lint(unparsed(data), {})
    assert [(p.severity, p.element_id) for p in problems] == [("warning", "gw")]
    assert "the loop from gw back to gw" in problems[0].message


def test_loop_inside_a_sub_process_is_found() -> None:
    inner = loop_process().decode().split('<bpmn:process id="p" isExecutable="true">\n')[1]
    inner = inner.split("</bpmn:process>")[0].replace('id="', 'id="s_').replace(
        'Ref="', 'Ref="s_').replace('default="', 'default="s_')
    data = straight_through(f'<bpmn:subProcess id="x">{inner}</bpmn:subProcess>')
    problems = run(data)
    assert [(p.severity, p.element_id) for p in problems] == [("warning", "s_gw")]


def test_straight_process_has_no_loop_warning() -> None:
    assert run(gateway_process()) == []


def test_has_errors() -> None:
    warning = Problem("x.bpmn", 1, "a", "w", "w", "warning")
    error = Problem("x.bpmn", 1, "a", "e", "e", "error")
    assert not has_errors([]) and not has_errors([warning])
    assert has_errors([warning, error])


# ---------------------------------------------------------------- our files


@pytest.mark.parametrize("name", ["complaint.bpmn", "publishing.bpmn"])
def test_our_processes_pass_their_own_lint_without_a_warning(name: str) -> None:
    # Their loops ("follow up again", "send back for revision") pass through user tasks.
    checked = check_file(PROCESSES / name, PROCESSES)
    assert checked.ok and checked.loaded is not None, [p.format() for p in checked.problems]
    assert checked.problems == []
    assert lint(checked.loaded, checked.bundles) == []


def test_complaint_triage_timers_were_evaluated() -> None:
    # Without the process's settings (triage_days, follow_up_days) the same timers must
    # fail: so they ran, on the settings' values.
    checked = check_file(PROCESSES / "complaint.bpmn", PROCESSES)
    assert checked.loaded is not None
    bundles = checked.bundles
    assert set(bundles["complaint"].pop("settings")) == {"triage_days", "follow_up_days"}
    problems = errors(lint(checked.loaded, bundles))
    assert {p.element_id for p in problems} == {
        "triage_reminder", "triage_deadline", "triage_second_escalation",
        "follow_up_reminder", "follow_up_overdue",
    }
    assert all(("follow_up" if p.element_id.startswith("follow_up") else "triage_days")
               in p.message for p in problems)


# ------------------------------------------------------------ conditions and scripts

DECISION_BUNDLE = {
    "start_form": "forms/start.json",
    "forms": {"forms/start.json": {"type": "object", "properties": {
        "decision": {"type": "string", "enum": ["approve", "reject"]},
        "urgent": {"type": "boolean"},
        "received_at": {"type": "string", "format": "date"},
        "complainant_email": {"type": "string"},
    }}},
    "tasks": {},
}


def condition_process(condition: str, script: str = "", pre_script: str = "") -> bytes:
    """start → [script] → work → gw: f_yes (the condition) or f_no (the default)."""
    from xml.sax.saxutils import escape

    first = "work"
    script_task = ""
    if script:
        first = "prepare"
        script_task = (
            '<bpmn:scriptTask id="prepare" scriptFormat="python">\n'
            f"<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>\n"
            '<bpmn:sequenceFlow id="f_prepare" sourceRef="prepare" targetRef="work"/>\n'
        )
    extension = (
        "<bpmn:extensionElements>\n"
        f"<spiffworkflow:preScript>{escape(pre_script)}</spiffworkflow:preScript>\n"
        "</bpmn:extensionElements>\n"
    ) if pre_script else ""
    return bpmn(
        '<bpmn:startEvent id="start"/>\n'
        f'<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="{first}"/>\n'
        + script_task
        + f'<bpmn:userTask id="work">\n{extension}</bpmn:userTask>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="gw"/>\n'
        '<bpmn:exclusiveGateway id="gw" default="f_no"/>\n'
        '<bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end_yes">\n'
        f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>\n"
        "</bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_no"/>\n'
        '<bpmn:endEvent id="end_yes"/><bpmn:endEvent id="end_no"/>\n'
    )


def checked_problems(data: bytes, pid: str = "p") -> list[Problem]:
    data = data.replace(b'<bpmn:process id="p"', f'<bpmn:process id="{pid}"'.encode())
    loaded = load_bpmn(data, "x.bpmn")
    return lint(loaded, {pid: DECISION_BUNDLE})


@pytest.mark.parametrize("bundle", [DECISION_BUNDLE, None])
def test_huge_exponent_condition_is_an_error_at_its_line(bundle: dict[str, Any] | None) -> None:
    # The evaluator refuses it only when a case reaches the gateway; now at deploy,
    # with or without the forms (no variable is needed to see it).
    data = condition_process("9 ** 9 ** 9 ** 9 > 1")
    problem = only_error(run(data, bundle))
    assert problem.element_id == "f_yes"
    assert problem.line == line_of(data, "<bpmn:conditionExpression>")
    assert "the condition of f_yes goes beyond what govflow's evaluator allows" in problem.message
    assert "10**100" in problem.message and "make it smaller or simpler" in problem.message
    assert "เงื่อนไขของ f_yes เกินขีดจำกัด" in problem.message_th
    assert "Traceback" not in problem.message and " / " not in problem.message


def test_unknown_variable_in_a_condition_is_an_error_with_a_suggestion() -> None:
    data = condition_process('decison == "approve"')
    problem = only_error(checked_problems(data))
    assert (problem.element_id, problem.line) == (
        "f_yes", line_of(data, "<bpmn:conditionExpression>"))
    assert "uses decison, which no form field, no script and nothing govflow sets" \
        in problem.message
    assert "did you mean decision?" in problem.message
    assert "decison" in problem.message_th and "หรือหมายถึง decision" in problem.message_th


@pytest.mark.parametrize("condition", [
    'decision == "approve"', "urgent and decision != 'reject'", "triage_days > 2",
    "complainant_contactable or urgent",
])
def test_conditions_on_form_fields_scripts_and_govflow_data_pass(condition: str) -> None:
    data = condition_process(condition, script="triage_days = 3")
    assert checked_problems(data, pid="complaint") == []


def test_each_choice_of_a_list_is_tried() -> None:
    # Fails (KeyError) on "approve", the first choice; evaluates on "reject".
    assert checked_problems(condition_process('{"reject": 1}[decision] == 1')) == []


def test_personal_data_in_a_condition_is_an_error() -> None:
    # The complaint's personal fields are encrypted outside the case data.
    problem = only_error(checked_problems(
        condition_process('complainant_email != ""'), pid="complaint"))
    assert problem.element_id == "f_yes"
    assert "complainant_email: personal data" in problem.message
    assert "complainant_contactable" in problem.message


def test_a_condition_failing_on_every_sample_for_data_reasons_is_a_warning() -> None:
    problems = checked_problems(condition_process("received_at > 3"))
    assert len(problems) == 1 and not has_errors(problems), [p.format() for p in problems]
    warning = problems[0]
    assert warning.element_id == "f_yes"
    assert "failed on every sample of the forms' values (values of different types" \
        in warning.message
    assert "TypeError" not in warning.message and "not supported" not in warning.message


SCRIPT_PLACES = {  # keyword of condition_process → (element id, its tag, English name)
    "script": ("prepare", "<bpmn:script>", "script"),
    # SpiffWorkflow runs spiffworkflow:preScript through the same evaluator.
    "pre_script": ("work", "<spiffworkflow:preScript>", "pre-script"),
}


@pytest.mark.parametrize(("where", "script", "words"), [
    ("script", "triage_days = (", "is not valid expression syntax at line 1"),
    ("script", "triage_days = 9 ** 9 ** 9", "goes beyond what govflow's evaluator allows"),
    ("script", "import os", "uses what govflow does not run: import not allowed in scripts"),
    ("script", "due = deadline_after(received_on, 3)", "uses received_on, which no form field"),
    ("pre_script", "x = (", "is not valid expression syntax"),
    ("pre_script", "x = y.z", "attribute access ('.z') is not allowed"),
    ("pre_script", "x = nothing_sets_this", "uses nothing_sets_this"),
])
def test_a_script_that_can_never_run_is_an_error(where: str, script: str, words: str) -> None:
    element_id, tag, what = SCRIPT_PLACES[where]
    data = condition_process('decision == "approve"', **{where: script})
    problem = only_error(checked_problems(data))
    assert (problem.element_id, problem.line) == (element_id, line_of(data, tag))
    assert problem.message.startswith(f"the {what} of {element_id} ")
    assert words in problem.message, problem.message
    assert f"ของ {element_id} " in problem.message_th


def test_what_a_pre_script_sets_is_known_to_conditions() -> None:
    data = condition_process("checked == 1", pre_script="checked = 1")
    assert checked_problems(data) == []


def test_names_are_not_judged_without_the_forms() -> None:
    # The forms could not be read (reported by build_bundle): every name would be unknown.
    assert run(condition_process('decison == "approve"')) == []


def _condition_texts(name: str) -> list[str]:
    tree = read_xml((PROCESSES / name).read_bytes(), name)
    tags = ("conditionExpression", "loopCondition")
    return [el.text.strip() for tag in tags
            for el in tree.iter(f"{{http://www.omg.org/spec/BPMN/20100524/MODEL}}{tag}")]


@pytest.mark.parametrize(("name", "condition"), [
    (name, condition) for name in ("complaint.bpmn", "publishing.bpmn")
    for condition in _condition_texts(name)
])
def test_every_condition_of_our_processes_is_evaluated_and_passes(
    name: str, condition: str
) -> None:
    # As shipped: no error. With its variable misspelt: an error at that condition, so
    # the condition was judged against the real forms, not skipped.
    assert check_file(PROCESSES / name, PROCESSES).ok
    variable = condition.replace("not ", "").split()[0]
    text = (PROCESSES / name).read_text(encoding="utf-8")
    assert text.count(f">{condition}<") == 1
    broken = text.replace(f">{condition}<", f">{condition.replace(variable, variable + 'x')}<")
    problems = errors(check_bytes(broken.encode("utf-8"), name, PROCESSES).problems)
    assert len(problems) == 1, [p.format() for p in problems]
    assert problems[0].line == line_of(broken.encode("utf-8"), f"{variable}x")
    assert f"uses {variable}x" in problems[0].message
    assert f"did you mean {variable}?" in problems[0].message


def script_and_gateway_chain(n: int, condition: str) -> bytes:
    """n × (script task s_i → gateway g_i: the condition to an end, or on by default)."""
    parts = ['<bpmn:startEvent id="start"/>\n'
             '<bpmn:sequenceFlow id="f_s" sourceRef="start" targetRef="s0"/>\n']
    for i in range(n):
        parts.append(
            f'<bpmn:scriptTask id="s{i}"><bpmn:script>v{i} = {i}</bpmn:script></bpmn:scriptTask>\n'
            f'<bpmn:sequenceFlow id="fs{i}" sourceRef="s{i}" targetRef="g{i}"/>\n'
            f'<bpmn:exclusiveGateway id="g{i}" default="fd{i}"/>\n'
            f'<bpmn:sequenceFlow id="fc{i}" sourceRef="g{i}" targetRef="e{i}">'
            f"<bpmn:conditionExpression>{condition.format(i=i)}</bpmn:conditionExpression>"
            "</bpmn:sequenceFlow>\n"
            f'<bpmn:endEvent id="e{i}"/>\n'
            f'<bpmn:sequenceFlow id="fd{i}" sourceRef="g{i}" targetRef="s{i + 1}"/>\n')
    parts.append(f'<bpmn:endEvent id="s{n}"/>\n')
    return bpmn("".join(parts))


@pytest.mark.parametrize(("condition", "per_site"), [
    ('v{i} == {i} and decision == "approve"', 1),  # evaluates on the first sample set
    ("received_at &gt; 3", 2),  # fails on both sets (two choices of decision): a warning
])
def test_condition_and_script_checks_grow_linearly(
    monkeypatch: pytest.MonkeyPatch, condition: str, per_site: int
) -> None:
    from engine.bpmn.expressions.environment import RestrictedEnvironment

    calls = {"evaluate": 0, "execute": 0}
    for name in calls:
        original = getattr(RestrictedEnvironment, name)

        def counted(self: Any, *args: Any, _name: str = name, _original: Any = original,
                    **kwargs: Any) -> Any:
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(RestrictedEnvironment, name, counted)
    bundle = {**DECISION_BUNDLE, "forms": {"forms/start.json": {"properties": {
        "decision": {"enum": ["approve", "reject"]},
        "received_at": {"type": "string", "format": "date"}}}}}
    seen = []
    for n in (50, 200):
        calls.update(evaluate=0, execute=0)
        problems = lint(load_bpmn(script_and_gateway_chain(n, condition), "x.bpmn"), {"p": bundle})
        assert not has_errors(problems), [p.format() for p in problems[:3]]
        seen.append(dict(calls))
    # Each condition evaluated, each script run, once per sample set tried: no more.
    assert seen == [{"evaluate": 50 * per_site, "execute": 50 * per_site},
                    {"evaluate": 200 * per_site, "execute": 200 * per_site}]


# ------------------------------------------------- English beside the Thai, everywhere

THAI_LETTER = re.compile("[\u0e01-\u0e5b]")


def _every_kind_of_lint_problem() -> list[Problem]:
    """At least one problem of each lint check (engine/bpmn/lint/*), from samples above."""
    found = lint(unparsed(gateway_process(default="fz", cond_a=False, cond_b=False)), {})
    found += run(loop_process())
    for top, element in UNSUPPORTED.values():
        found += run(straight_through(element, top))
    for kind, expression in [("timeDuration", '"1 hour"'), ("timeDuration", "PT1H"),
                             ("timeDate", '"2026-01-05T09:00:00"'), ("timeCycle", '"PT1H"'),
                             ("timeDate", 'deadline_after("not a date", 3)')]:
        found += run(timer_process(kind, expression), {})
    found += run(timer_process("timeDate", "deadline_after(received_at, triage_days)",
                               script="triage_days = 1 / 0"), START_BUNDLE)
    for condition in ("9 ** 9 ** 9 ** 9 > 1", 'decison == "approve"', "received_at > 3"):
        found += checked_problems(condition_process(condition))
    found += checked_problems(condition_process('complainant_email != ""'), pid="complaint")
    for where, (_, _, _) in SCRIPT_PLACES.items():
        found += checked_problems(condition_process('decision == "approve"', **{where: "x ="}))
    return found


def test_every_lint_message_has_english_beside_the_thai() -> None:
    problems = _every_kind_of_lint_problem()
    assert {p.severity for p in problems} == {"error", "warning"}
    assert len({p.message for p in problems}) >= 20  # each check said something of its own
    for p in problems:
        assert THAI_LETTER.search(p.message_th), p.message_th
        assert not THAI_LETTER.search(p.message) and re.search("[a-z]{3}", p.message), p.message
        both = p.format("both")
        assert f": {p.message_th} / {p.message}" in both
        assert p.message not in p.format("th") and p.message_th not in p.format("en")


def test_validate_prints_thai_with_english_beside_it_by_default(tmp_path: Path) -> None:
    path = tmp_path / "loop.bpmn"
    path.write_bytes(loop_process())
    result = CliRunner().invoke(cli, ["validate", str(path)])
    # bpmnlint's warnings (unnamed steps, no diagram) are printed too: this one is the loop's.
    [line] = [line for line in result.output.splitlines()
              if line.startswith("warning:") and "(bpmnlint " not in line]
    assert "วงวนจาก gw" in line and " / the loop from gw back to work is built" in line


def test_validate_of_our_processes_prints_no_warning() -> None:
    result = CliRunner().invoke(cli, ["validate", "--strict", str(PROCESSES / "complaint.bpmn"),
                                      str(PROCESSES / "publishing.bpmn")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["complaint.bpmn: ผ่าน / ok", "publishing.bpmn: ผ่าน / ok"]
