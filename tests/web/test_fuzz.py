"""Fuzzing with Hypothesis: hostile input never gets an unhandled exception.

Three targets, each a property over generated input:

* the BPMN loader (``check_bytes``): random bytes and mutated real BPMN files
  (truncations, byte flips, DOCTYPE/ENTITY declarations, deep nesting, huge
  attributes, random elements in the BPMN namespace, wrong structures) give
  problems or a :class:`BpmnLoadError`, never another exception, and never
  resolve an entity or open a connection;
* the form validator (``validate_form``): random JSON-like values against every
  form under ``processes/forms`` (with its ``$ref``s inlined, as deploy does)
  give a dict or :class:`InvalidData` with string messages;
* the public complaint API (``POST /api/v1/public/complaints``): random JSON
  bodies, mutated valid complaints and non-JSON bodies get 201/400/413/415/422/429,
  never 500, and a JSON body with an ``error`` key when refused.

CI runs 1,000 examples per target (the default). The long run is 10,000 per target::

    GOVFLOW_FUZZ_EXAMPLES=10000 .venv/bin/pytest tests/web/test_fuzz.py

Hypothesis keeps no example database (``database=None``) and its caches go to the
system temp folder, so nothing is written into the repository; a failure prints the
smallest example it found.
"""

from __future__ import annotations

import json
import math
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from engine.bpmn.definitions import check_bytes
from engine.bpmn.forms import load_form, validate_form
from engine.bpmn.xml_names import BPMN_NS
from engine.core.config import Settings
from engine.core.errors import BpmnLoadError, InvalidData
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.workflow.runtime import Runtime
from tests.conftest import PROCESSES
from tests.samples import COMPLAINT
from webui import create_app

pytestmark = pytest.mark.slow

# Hypothesis also caches Unicode tables and constants on disk; keep them out of the tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      os.path.join(tempfile.gettempdir(), "govflow-hypothesis"))
set_hypothesis_home_dir(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])

EXAMPLES = int(os.environ.get("GOVFLOW_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)

BPMN_FILES = {path.name: path.read_bytes() for path in sorted(PROCESSES.glob("*.bpmn"))}
FORM_FILES = sorted(path.relative_to(PROCESSES).as_posix()
                    for path in (PROCESSES / "forms").glob("*.schema.json"))


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection (an external entity, a schema URL) fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# ------------------------------------------------------------------- BPMN loader

#: A marker that must never appear in a parsed result: it is only reachable by
#: expanding an entity.
LEAK = "ENTITY-WAS-EXPANDED-7f3a"

_SECRET_FILE = Path(__file__)  # any readable local file: its text must never be pulled in

_DOCTYPES = [
    f'<!DOCTYPE d [<!ENTITY x "{LEAK}">]>',
    f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{_SECRET_FILE}">]>',
    '<!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">]>',
    '<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY x "&e;&e;&e;&e;&e;&e;&e;&e;">]>',
    "<!DOCTYPE d>",
]

_xml_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,15}", fullmatch=True)
_text = st.text(max_size=40).map(
    lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;"))
_bpmn_tags = st.sampled_from([
    "process", "startEvent", "endEvent", "userTask", "scriptTask", "sequenceFlow",
    "exclusiveGateway", "parallelGateway", "boundaryEvent", "callActivity", "subProcess",
    "timerEventDefinition", "timeDuration", "conditionExpression", "laneSet", "lane",
    "flowNodeRef", "extensionElements", "definitions", "collaboration", "participant",
    "messageFlow", "intermediateCatchEvent", "dataStoreReference", "script",
]) | _xml_name
_attr_names = st.sampled_from([
    "id", "name", "sourceRef", "targetRef", "isExecutable", "attachedToRef",
    "calledElement", "processRef", "default", "cancelActivity", "scriptFormat",
]) | _xml_name


def _attrs(draw: st.DrawFn) -> str:
    items = draw(st.dictionaries(_attr_names, _text, max_size=4))
    return "".join(f' {k}="{v}"' for k, v in items.items())


@st.composite
def _bpmn_element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_bpmn_tags)
    children = (draw(st.lists(_bpmn_element(depth + 1), max_size=3))
                if depth < 4 and draw(st.booleans()) else [])
    body = "".join(children) or draw(_text)
    return f"<bpmn:{tag}{_attrs(draw)}>{body}</bpmn:{tag}>"


@st.composite
def _random_bpmn(draw: st.DrawFn) -> bytes:
    """Valid-looking documents in the BPMN namespace with random or wrong structure."""
    body = "".join(draw(st.lists(_bpmn_element(), max_size=4)))
    root_tag = draw(st.sampled_from(["definitions", "definitions", "process"]) | _xml_name)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<bpmn:{root_tag} xmlns:bpmn="{BPMN_NS}" '
            f'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
            f'id="Defs"{_attrs(draw)}>{body}</bpmn:{root_tag}>').encode()


@st.composite
def _mutated_bpmn(draw: st.DrawFn, kinds: tuple[str, ...] = (
        "truncate", "flip", "delete", "insert", "doctype", "nest", "huge_attr",
        "element", "drop_element", "dup_id", "attr_value", "text")) -> bytes:
    """A real process file, broken in one or more ways."""
    data = bytearray(draw(st.sampled_from(sorted(BPMN_FILES.values()))))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip":
            for _ in range(draw(st.integers(1, 8))):
                i = draw(st.integers(0, len(data) - 1))
                data[i] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "doctype":
            decl = draw(st.sampled_from(_DOCTYPES)).encode()
            start = data.find(b"?>")
            pos = start + 2 if start >= 0 and draw(st.booleans()) else at
            data[pos:pos] = decl
            # Use the entity somewhere, so an expanding parser would show it.
            close = data.rfind(b"</")
            if close > 0:
                data[close:close] = b"<bpmn:documentation>&x;</bpmn:documentation>"
        elif kind == "nest":
            levels = draw(st.sampled_from([50, 199, 201, 300, 5000]))
            tag = draw(st.sampled_from([b"bpmn:subProcess", b"bpmn:extensionElements", b"x"]))
            blob = b"<" + tag + b">"
            chunk = blob * levels + b"</" + tag + b">" * levels
            close = data.rfind(b"</")
            data[close if close > 0 else at:close if close > 0 else at] = chunk
        elif kind == "huge_attr":
            size = draw(st.sampled_from([10_000, 200_000, 2_000_000]))
            pos = data.find(b' id="')
            if pos > 0:
                data[pos:pos] = b' name="' + b"\xe0\xb8\x81" * (size // 3) + b'"'
        elif kind == "element":
            close = data.rfind(b"</bpmn:process>")
            pos = close if close > 0 else at
            data[pos:pos] = draw(_bpmn_element()).encode()
        elif kind == "drop_element":
            start = data.find(b"<bpmn:", at)
            end = data.find(b">", start)
            if start >= 0 and end > start:
                del data[start:end + 1]
        elif kind == "attr_value":
            # Still well-formed: a new value for some attribute (a reference, a timer,
            # a form path, a lane...), so the later checks and Spiff see it.
            start = data.find(b'="', at)
            end = data.find(b'"', start + 2)
            if start >= 0 and end > start:
                data[start + 2:end] = draw(_text | _bpmn_tags).encode()
        elif kind == "text":
            # Still well-formed: new text for some element (a script, a condition, a duration).
            start = data.find(b">", at)
            end = data.find(b"<", start + 1)
            if start >= 0 and end > start:
                data[start + 1:end] = draw(_text | st.sampled_from([
                    "P-1D", "PT0S", "R/P1D", "1/0", "import os", "__import__('os')",
                    "x ==", "'a' * 10**9", "9" * 5000, "forms/../../etc/passwd",
                    "forms/missing.schema.json", "Flow_missing"])).encode()
        elif kind == "dup_id":
            data = bytearray(data.replace(b'id="', b'id="dup" x="', draw(st.integers(1, 5))))
    return bytes(data)


_hostile_xml = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(max_size=200).map(lambda s: s.encode("utf-16", "surrogatepass")),
    _random_bpmn(),
    _mutated_bpmn(),
    # Well-formed changes only, so the XSD, reference, Spiff and lint stages run too.
    _mutated_bpmn(kinds=("attr_value", "text", "nest", "huge_attr", "element")),
    _mutated_bpmn(kinds=("attr_value", "text")),
    st.sampled_from(_DOCTYPES).map(
        lambda d: f'<?xml version="1.0"?>{d}<d xmlns="{BPMN_NS}">&x;</d>'.encode()),
)


@FUZZ
@given(data=_hostile_xml)
def test_bpmn_loader_only_reports_problems(data: bytes) -> None:
    try:
        checked = check_bytes(data, "fuzz.bpmn", PROCESSES)
    except BpmnLoadError as exc:  # the loader's documented error type
        event("BpmnLoadError")
        assert all(isinstance(p.format("en"), str) for p in exc.problems)
        return
    event("loaded" if checked.loaded is not None else "refused")
    for problem in checked.problems:
        assert isinstance(problem.format("en"), str)
    if checked.loaded is not None:
        from lxml import etree

        text = etree.tostring(checked.loaded.tree, encoding="unicode")
        assert LEAK not in text
        assert "network access attempted" not in text


# ---------------------------------------------------------------- form validator

FORMS = {name: load_form(PROCESSES, name) for name in FORM_FILES}

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.text(max_size=50).map(lambda s: s * 1000),  # tens of thousands of characters
    st.sampled_from(["", " ", "2026-02-30", "2026-12-05", "0000-00-00", "a@b", "x@example.org",
                     "http://example.org/", "javascript:alert(1)", "https://", "\x00",
                     "ก" * 5001, "\ud800", "\U0001f600" * 10]),
)
_json_like = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner,
                                                                  max_size=5),
    max_leaves=30,
)


@st.composite
def _form_input(draw: st.DrawFn) -> tuple[str, object]:
    """A form name and input: random values, or that form's own fields with random values."""
    name = draw(st.sampled_from(FORM_FILES))
    schema = FORMS[name]
    fields = sorted(schema.get("properties", {}))
    if fields and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(fields), max_size=len(fields), unique=True))
        data = {key: draw(_json_like) for key in chosen}
        data.update(draw(st.dictionaries(st.text(max_size=10), _json_like, max_size=2)))
        return name, data
    return name, draw(_json_like | st.dictionaries(st.text(), _json_like, max_size=8))


def _deep(levels: int) -> object:
    node: object = "leaf"
    for _ in range(levels):
        node = {"a": [node]}
    return node


@FUZZ
@given(case=_form_input(), deep=st.sampled_from([0, 0, 0, 50, 500]))
def test_form_validator_returns_a_dict_or_invalid_data(case: tuple[str, object],
                                                       deep: int) -> None:
    name, data = case
    if deep and isinstance(data, dict):
        data = {**data, "nested": _deep(deep)}
    try:
        clean = validate_form(FORMS[name], data)
    except InvalidData as exc:
        event("InvalidData")
        assert isinstance(exc.message, str)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in exc.fields.items())
        return
    event("valid")
    assert isinstance(clean, dict)


def test_every_form_is_fuzzed() -> None:
    assert len(FORMS) == len(list((PROCESSES / "forms").glob("*.schema.json"))) > 0


# -------------------------------------------------------------- public complaint API

ALLOWED = {201, 400, 413, 415, 422, 429}
URL = "/api/v1/public/complaints"
VALID = {**{k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")},
         "notice_acknowledged": True}


@pytest.fixture(scope="module")
def public_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One app and SQLite runtime for every example; the rate limit raised out of the way."""
    folder = tmp_path_factory.mktemp("fuzz-api")
    rt = Runtime(Settings(instance_dir=folder / "instance", processes_dir=PROCESSES,
                          public_rate_limit="1000000/hour"))
    upgrade(rt.db)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]
    yield create_app(runtime=rt).test_client()
    rt.close()


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


@st.composite
def _mutated_complaint(draw: st.DrawFn) -> object:
    body = dict(VALID)
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from([*sorted(VALID), "channel", "received_at", "data"])
                   | st.text(max_size=10))
        action = draw(st.sampled_from(["set", "set", "drop"]))
        if action == "drop":
            body.pop(key, None)
        else:
            body[key] = draw(_json_like)
    return body


_api_bodies = st.one_of(
    _json_like,
    st.dictionaries(st.text(max_size=20), _json_like, max_size=8),
    _mutated_complaint(),
    _mutated_complaint(),
)


@st.composite
def _request(draw: st.DrawFn) -> dict[str, object]:
    """Keyword arguments for the test client's ``post``."""
    kind = draw(st.sampled_from(["json", "json", "json", "json", "raw", "form", "huge"]))
    if kind == "json":
        body = draw(_api_bodies)
        # Non-finite floats have no JSON form; send them as Python's json does (NaN...).
        text = json.dumps(body, allow_nan=not _finite(body) or draw(st.booleans()),
                          ensure_ascii=draw(st.booleans()))
        return {"data": text.encode("utf-8", "surrogatepass"),
                "content_type": "application/json"}
    if kind == "raw":
        return {"data": draw(st.binary(max_size=500)),
                "content_type": draw(st.sampled_from([
                    "application/json", "application/json; charset=utf-16", "text/plain",
                    "application/xml", "", "application/octet-stream",
                    "application/json; charset=latin-1"]))}
    if kind == "form":
        return {"data": draw(st.dictionaries(st.text(max_size=10), st.text(max_size=20),
                                             max_size=4)),
                "content_type": "application/x-www-form-urlencoded"}
    # Just over the request limit, or deeply nested JSON.
    if draw(st.booleans()):
        return {"data": b'{"details": "' + b"a" * (1024 * 1024 + 10) + b'"}',
                "content_type": "application/json"}
    levels = draw(st.sampled_from([100, 1000, 100_000]))
    return {"data": b"[" * levels + b"]" * levels, "content_type": "application/json"}


@FUZZ
@given(req=_request())
def test_public_complaint_api_never_fails(public_client, req: dict[str, object]) -> None:
    response = public_client.post(URL, **req)
    event(f"status {response.status_code}")
    assert response.status_code in ALLOWED, (response.status_code, response.get_data()[:500])
    if response.status_code != 201:
        assert response.is_json, response.get_data()[:200]
        assert "error" in response.get_json()
    else:
        assert {"tracking_code", "secret"} <= set(response.get_json())
