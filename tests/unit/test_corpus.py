"""Material nobody here wrote: every corpus file validates to OK or to located messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CORPORA, corpus_params
from webui.cli import main as cli

FILES = sorted(
    p for p in CORPORA.rglob("*") if p.suffix in (".bpmn", ".xml") and "xsd" not in p.parts
) if CORPORA.is_dir() else []
LOCATED = re.compile(r"^(warning: )?[^:\s][^:]*(:\d+)?: \S")


@pytest.mark.usefixtures("corpora")
@pytest.mark.parametrize("path", corpus_params(FILES), ids=lambda p: str(p.relative_to(CORPORA)))
def test_validate_ends_with_ok_or_located_messages(path: Path):
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines, "validate printed nothing"
    for line in lines:
        assert line.endswith(": ผ่าน / ok") or LOCATED.match(line), line
    assert result.exit_code in (0, 1)


# ------------------------------------------------------------- govflow's own words

OWN = Path(__file__).resolve().parent / "corpus"
OWN_FILES = sorted(OWN.glob("*.bpmn"))
WITH_LINE = re.compile(r"^(warning: )?[^:\s][^:]*:\d+: \S")
LIBRARY_WORDS = ("Traceback", "TypeError", "unexpected keyword", "NoneType", "RecursionError",
                 "ValidationException", "AttributeError", "KeyError", "lane 'None'")
PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def checked(name: str):
    from engine.bpmn.definitions import check_file

    return check_file(OWN / name, PROCESSES)


def source_line(name: str, needle: str) -> int:
    text = (OWN / name).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def test_every_corpus_file_is_in_sources():
    sources = (OWN / "SOURCES.md").read_text(encoding="utf-8")
    assert OWN_FILES
    for path in OWN_FILES:
        assert f"`{path.name}`" in sources, path.name


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: p.name)
def test_corpus_file_gets_located_messages_in_govflow_words(path: Path, lang: str):
    result = CliRunner().invoke(cli, ["validate", "--lang", lang, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert line.endswith(": ผ่าน / ok") or WITH_LINE.match(line), line
        assert not any(word in line for word in LIBRARY_WORDS), line


@pytest.mark.parametrize("name, attr, owner, needle", [
    ("dangling-error-ref.bpmn", "errorRef", "on_error", 'errorRef="Error_missing"'),
    ("dangling-message-ref.bpmn", "messageRef", "wait", 'messageRef="Message_missing"'),
    ("dangling-signal-ref.bpmn", "signalRef", "shout", 'signalRef="MySignal"'),
])
def test_a_dangling_reference_is_reported_itself(name, attr, owner, needle):
    result = checked(name)
    [problem] = result.problems
    assert not result.ok and problem.severity == "error"
    assert problem.message.startswith(needle) and "names no bpmn:" in problem.message
    assert needle in problem.message_th
    assert (problem.line, problem.element_id) == (source_line(name, needle), owner)


def test_dangling_references_in_a_non_executable_process_are_warnings():
    result = checked("dangling-not-executable.bpmn")
    assert result.ok
    assert {p.severity for p in result.problems} == {"warning"}
    assert [p.element_id for p in result.problems] == ["sketch", "f1", "on_error", "tell"]
    assert all(p.line for p in result.problems)


@pytest.mark.parametrize("name, element_id", [
    ("empty-definitions.bpmn", "empty"), ("no-process-collaboration.bpmn", "defs")])
def test_no_process_is_reported_at_the_definitions_line(name, element_id):
    [warning] = checked(name).problems
    assert warning.message == "the file contains no process"
    assert (warning.line, warning.element_id) == (2, element_id)


def test_a_process_without_lanes_says_so_and_what_to_do():
    [problem] = checked("user-task-no-lanes.bpmn").problems
    assert "'None'" not in problem.message + problem.message_th
    assert "process 'no_lanes' has no lanes" in problem.message
    assert "Add a lane for each role" in problem.message and "[no_lanes.lanes]" in problem.message
    assert "ไม่มีช่องทำงาน (lane)" in problem.message_th and "processes.toml" in problem.message_th
    assert problem.line == source_line("user-task-no-lanes.bpmn", '<bpmn:userTask id="approve"')


def test_a_task_outside_every_lane_says_so():
    [problem] = checked("user-task-outside-lanes.bpmn").problems
    assert "'None'" not in problem.message + problem.message_th
    assert "is in no lane" in problem.message and "ไม่อยู่ในช่องทำงาน" in problem.message_th


def test_an_unknown_library_failure_gets_generic_words_and_goes_to_the_log(monkeypatch, caplog):
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    from engine.bpmn.loading.spiff_messages import GENERIC

    def broken(self, pid):
        raise TypeError("Parser.internal() got an unexpected keyword argument 'node'")

    monkeypatch.setattr(SpiffBpmnParser, "get_spec", broken)
    with caplog.at_level("WARNING", logger="engine.bpmn.loading.spiff_parsing"):
        [problem] = checked("subprocess-without-isexpanded.bpmn").problems
    assert (problem.message, problem.message_th) == GENERIC
    assert problem.line is not None and problem.element_id == "with_sub"
    assert "unexpected keyword" in caplog.text


def test_an_unknown_spiff_message_is_not_passed_through(monkeypatch):
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    from engine.bpmn.loading.spiff_messages import GENERIC

    def odd(self, pid):
        raise ValidationException("Something SpiffWorkflow says to programmers")

    monkeypatch.setattr(SpiffBpmnParser, "get_spec", odd)
    [problem] = checked("subprocess-without-isexpanded.bpmn").problems
    assert (problem.message, problem.message_th) == GENERIC
    assert problem.line is not None


def test_processes_toml_problems_sit_at_the_process_line(tmp_path):
    from engine.bpmn.definitions import check_file

    (tmp_path / "processes.toml").write_text(
        '[no_lanes]\nnotify_owner = ["nowhere"]\n', encoding="utf-8")
    problems = check_file(OWN / "user-task-no-lanes.bpmn", tmp_path).problems
    [step] = [p for p in problems if "notify_owner" in p.message]
    assert step.line == source_line("user-task-no-lanes.bpmn", '<bpmn:process id="no_lanes"')
    assert all(p.line for p in problems)
