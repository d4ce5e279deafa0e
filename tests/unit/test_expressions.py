import os
from datetime import date

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.expressions.checks import DEFAULT_HELPER_NAMES, check_expression, check_script
from engine.bpmn.expressions.environment import RestrictedEnvironment, make_script_engine
from engine.core.errors import ExpressionError
from engine.thai.workdays import WorkingCalendar, bpmn_helpers


@pytest.fixture(scope="module")
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment(bpmn_helpers(WorkingCalendar()))


# -- ordinary use ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ('director_decision == "approve"', {"director_decision": "approve"}, True),
        ('director_decision == "approve"', {"director_decision": "reject"}, False),
        ("amount > 1000 and not urgent", {"amount": 1500, "urgent": False}, True),
        ("status in ('new', 'triage')", {"status": "triage"}, True),
        ("status not in ['closed']", {"status": "new"}, True),
        ("assignee is None", {"assignee": None}, True),
        ("assignee is not None or fallback", {"assignee": None, "fallback": "x"}, "x"),
        ("1 <= n < 3", {"n": 2}, True),
        ("1 <= n < 3", {"n": 3}, False),
        ("(a + b) * 2 - c / 4 + a // 2 + a % 2 - -a", {"a": 3, "b": 1, "c": 8}, 11.0),
        ("2 ** 10", {}, 1024),
        ("'high' if score >= 80 else 'low'", {"score": 85}, "high"),
        ("form['category']", {"form": {"category": "bribery"}}, "bribery"),
        ("items[i]", {"items": [10, 20], "i": 1}, 20),
        ("items[-1]", {"items": [10, 20]}, 20),
        ("name[:3]", {"name": "สพป.เขต1"}, "สพป"),
        ("len(attachments) > 0", {"attachments": ["a.pdf"]}, True),
        ("max(a, b) + min([a, b]) + abs(-1)", {"a": 1, "b": 2}, 4),
        ("round(x, 1)", {"x": 2.345}, 2.3),
        ("int('3') + float('0.5') + bool(1)", {}, 4.5),
        ("str(n) + ' วัน'", {"n": 3}, "3 วัน"),
        (
            "{'a': 1, 'b': [1, 2], 'c': {1, 2}, 'd': (1,)}",
            {},
            {"a": 1, "b": [1, 2], "c": {1, 2}, "d": (1,)},
        ),
        ('"PT72H"', {}, "PT72H"),
        ("\n    director_decision == 'approve'\n  ", {"director_decision": "approve"}, True),
    ],
)
def test_allowed_expressions(env, expression, data, expected):
    assert env.evaluate(expression, data) == expected


def test_helper_call_in_timer_expression(env):
    data = {"received_at": "2026-12-04", "triage_days": 3}
    assert env.evaluate("deadline_after(received_at, triage_days)", data) == (
        "2026-12-11T16:30:00+07:00"
    )
    assert env.evaluate("working_days_after(received_at, 1)", data) == "2026-12-08T08:30:00+07:00"


def test_helper_keyword_arguments(env):
    assert env.evaluate("deadline_after(received_at='2026-12-04', n=3)", {}) == (
        "2026-12-11T16:30:00+07:00"
    )


def test_external_context_names_are_visible_and_task_data_wins(env):
    assert env.evaluate("a + b", {"a": 1}, {"a": 100, "b": 2}) == 3


def test_unknown_variable_is_named(env):
    with pytest.raises(ExpressionError, match="unknown variable 'priority'"):
        env.evaluate('priority == "high"', {"created_at": "x"})


def test_evaluate_does_not_modify_task_data(env):
    data = {"x": 1}
    env.evaluate("x + 1", data)
    assert data == {"x": 1}


def test_script_assignments(env):
    data = {"received_at": "2026-12-04"}
    assert env.execute("triage_days = 3", data) is True
    assert data == {"received_at": "2026-12-04", "triage_days": 3}
    env.execute(
        """
        due_at = deadline_after(received_at, triage_days)
        label = 'ด่วน' if triage_days < 5 else 'ปกติ'
        a = b = triage_days * 2
        triage_days += 1
        """,
        data,
    )
    assert data["due_at"] == "2026-12-11T16:30:00+07:00"
    assert data["label"] == "ด่วน"
    assert data["a"] == data["b"] == 6
    assert data["triage_days"] == 4
    assert not any(callable(value) for value in data.values())


def test_failed_script_leaves_data_unchanged(env):
    data = {"x": 1}
    with pytest.raises(ExpressionError, match="unknown variable 'missing'"):
        env.execute("x = 2\ny = missing", data)
    assert data == {"x": 1}


def test_parsed_trees_are_cached(env):
    env.evaluate("cache_probe == 1", {"cache_probe": 1})
    assert "cache_probe == 1" in env._expressions


def test_default_helper_names_match_workdays():
    assert set(DEFAULT_HELPER_NAMES) == set(bpmn_helpers(WorkingCalendar()))


def test_bad_helper_name_rejected():
    with pytest.raises(ValueError):
        RestrictedEnvironment({"_hidden": len})


# -- hostile input: must all be refused before anything runs --------------------

HOSTILE_EXPRESSIONS = [
    "().__class__.__base__.__subclasses__()",
    "__import__('os')",
    "__import__('os').system('id')",
    "open('/etc/passwd')",
    '"{0.__class__}".format(1)',
    'f"{x}"',
    "[x for x in y]",
    "{x: 1 for x in y}",
    "(x for x in y)",
    "lambda: 1",
    "9**9**9",
    '"a" * 10**9',
    "10**9 * 'a'",
    "[0] * 10**9",
    "[[0] * 10000] * 10000",
    "getattr(x, 'y')",
    "x.y",
    "_secret",
    "__builtins__",
    "eval('1')",
    "exec('1')",
    "globals()",
    "vars()",
    "type(x)",
    "(y := 1)",
    "[*x]",
    "{**x}",
    "len(*x)",
    "deadline_after(**x)",
    "x()",
    "x[0]()",
    "1 << 1000000000",
    "2 ** 400",
    "10 ** 101",
    '"%0999999999d" % 1',
    "round(1, -10**9)",
    "1j",
    "b'x'",
    "...",
    "-" * 200 + "1",
    "x = 1",
    "x +",
    "1 if",
    "",
]


# Refused only when evaluated: the limits depend on the values computed.
VALUE_DEPENDENT = {
    "9**9**9",
    '"a" * 10**9',
    "10**9 * 'a'",
    "[0] * 10**9",
    "[[0] * 10000] * 10000",
    "2 ** 400",
    "10 ** 101",
    '"%0999999999d" % 1',
    "round(1, -10**9)",
}


@pytest.mark.parametrize("expression", HOSTILE_EXPRESSIONS)
def test_hostile_expressions_are_refused(env, expression):
    data = {"x": "v", "y": [1, 2]}
    with pytest.raises(ExpressionError):
        env.evaluate(expression, data)


@pytest.mark.parametrize(
    "expression",
    [e for e in HOSTILE_EXPRESSIONS if e not in VALUE_DEPENDENT],
)
def test_hostile_expressions_fail_the_static_check(expression):
    with pytest.raises(ExpressionError):
        check_expression(expression)


def test_literal_size_limits_are_static():
    check_expression("'a' * 10")
    with pytest.raises(ExpressionError):
        check_expression("10**101 + " + "1" * 102)


def test_messages_are_plain(env):
    with pytest.raises(ExpressionError) as info:
        env.evaluate("open('/etc/passwd')", {})
    message = str(info.value)
    assert "'open'" in message and "deadline_after" in message and "ไม่ได้" in message
    with pytest.raises(ExpressionError, match="attribute access"):
        env.evaluate("x.y", {"x": 1})
    with pytest.raises(ExpressionError, match="lambda"):
        env.evaluate("lambda: 1", {})
    with pytest.raises(ExpressionError, match="f-string"):
        env.evaluate('f"{x}"', {"x": 1})
    with pytest.raises(ExpressionError, match="comprehension"):
        env.evaluate("[x for x in y]", {"y": []})
    with pytest.raises(ExpressionError, match="'_secret'"):
        env.evaluate("_secret", {"_secret": 1})


HOSTILE_SCRIPTS = [
    "import os",
    "from os import system",
    "del x",
    "while True: pass",
    "for i in y: z = i",
    "if x: z = 1",
    "def f(): pass",
    "class A: pass",
    "x.y = 1",
    "x['k'] = 1",
    "a, b = 1, 2",
    "_private = 1",
    "x = open('/etc/passwd')",
    "x = ().__class__",
    "x = 1\nimport os",
    "print('hi')",
    "pass",
    "raise SystemExit",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "with open('f') as f: pass",
    "global x",
    "x: int = 1",
    "x <<= 1",
    "x = 'a' * 10**9",
]


@pytest.mark.parametrize("script", HOSTILE_SCRIPTS)
def test_hostile_scripts_are_refused(env, script):
    data = {"x": "v", "y": [1]}
    with pytest.raises(ExpressionError):
        env.execute(script, data)
    assert data == {"x": "v", "y": [1]}


def test_check_script(env):
    check_script("triage_days = 3\ndue = deadline_after(received_at, triage_days)")
    env.check_script("triage_days = 3")
    with pytest.raises(ExpressionError, match="import"):
        check_script("import os")
    with pytest.raises(ExpressionError, match="line 2"):
        check_script("x = 1\ndel x")


def test_check_expression_uses_given_helper_names():
    check_expression("deadline_after(a, 3)")
    with pytest.raises(ExpressionError, match="only to registered helpers: notify"):
        check_expression("deadline_after(a, 3)", helper_names=["notify"])


def test_string_growth_by_script_lines_is_bounded(env):
    lines = ["s = 'ab'"] + ["s = s + s"] * 20
    with pytest.raises(ExpressionError, match="too large"):
        env.execute("\n".join(lines), {})


def test_str_of_huge_nested_value_refused(env):
    data = {"a": [0] * 5000}
    with pytest.raises(ExpressionError):
        env.evaluate("str([a, a, a])", data)


# -- end to end in SpiffWorkflow -------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs" targetNamespace="http://example.org/govflow-test">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="prepare" name="Prepare">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>triage_days = 3
due_at = deadline_after(received_at, triage_days)</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw">
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="gw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="approved">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">
        {condition}
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="rejected">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">
        director_decision != "approve"
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="approved"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="rejected"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(condition: str, decision: str) -> BpmnWorkflow:
    parser = BpmnParser()
    xml = BPMN.format(pid="decide", condition=condition.replace('"', "&quot;"))
    parser.add_bpmn_str(xml.encode())
    engine = make_script_engine(bpmn_helpers(WorkingCalendar()))
    workflow = BpmnWorkflow(parser.get_spec("decide"), script_engine=engine)
    workflow.task_tree.data.update({"received_at": "2026-12-04", "director_decision": decision})
    return workflow


def _completed(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)}


@pytest.mark.parametrize(("decision", "end"), [("approve", "approved"), ("reject", "rejected")])
def test_bpmn_gateway_and_script_run_restricted(decision, end):
    workflow = _workflow('director_decision == "approve"', decision)
    workflow.do_engine_steps()
    assert workflow.completed
    done = _completed(workflow)
    assert end in done and ({"approved", "rejected"} - {end}).isdisjoint(done)
    assert workflow.data["triage_days"] == 3
    assert workflow.data["due_at"] == "2026-12-11T16:30:00+07:00"


def test_bpmn_hostile_condition_errors_instead_of_running(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "getpid", lambda: calls.append("getpid") or 1)
    workflow = _workflow("__import__('os').getpid() > 0", "approve")
    with pytest.raises(WorkflowTaskException) as info:
        workflow.do_engine_steps()
    assert calls == []
    assert not workflow.completed
    assert info.value.error_type == "ExpressionError"
    gateway = workflow.get_tasks(spec_name="gw")[0]
    assert gateway.state == TaskState.ERROR


def test_date_objects_pass_through_helpers(env):
    assert env.evaluate("deadline_after(d, 3)", {"d": date(2026, 12, 4)}) == (
        "2026-12-11T16:30:00+07:00"
    )


# -- kinds of refusal, for the deploy-time check (engine.bpmn.lint.expression_checks) ----


def test_refusals_say_their_kind_and_stay_expression_errors(env):
    import pickle

    from engine.core.errors import ExpressionLimitError, ExpressionSyntaxError, UnknownVariableError

    with pytest.raises(ExpressionSyntaxError) as syntax:
        env.evaluate("a == (1", {})
    assert (syntax.value.line, syntax.value.column) == (1, 6)
    with pytest.raises(ExpressionSyntaxError):
        env.evaluate("a\x00", {})
    for too_much in ("9 ** 9 ** 9 ** 9 > 1", "'a' * 10**6", "x" * 10_001, "[" * 150 + "]" * 150):
        with pytest.raises(ExpressionLimitError):
            env.evaluate(too_much, {"x": 1})
    with pytest.raises(UnknownVariableError) as unknown:
        env.evaluate("decison == 1", {"decision": 1})
    assert unknown.value.name == "decison"
    for kind in (ExpressionSyntaxError, ExpressionLimitError, UnknownVariableError):
        assert issubclass(kind, ExpressionError)
    # SpiffWorkflow keeps and copies the cause of a failed task: it must survive pickling.
    copied = pickle.loads(pickle.dumps(unknown.value))  # noqa: S301 - our own bytes
    assert copied.name == "decison" and str(copied) == str(unknown.value)
