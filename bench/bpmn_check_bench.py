"""How long govflow takes to check a BPMN file, against lxml's plain parse of the same bytes.

Issue 13, item 3: a 120 KB upload of 8,000 bare ``<sequenceFlow/>`` took 115 s to preview,
and a chain of 9,600 tasks 207 s to validate; every check must be linear or n·log n.

* ``sizes``: files of about 1,000, 10,000 and 100,000 elements, real-shaped (a parallel
  split into branches of a task and an exclusive gateway with a condition and a default,
  with BPMNDI shapes and edges) so that every stage runs: XML, XSD, references,
  SpiffWorkflow's parse, the bundle and the lint. Each is timed through
  ``engine.bpmn.definitions.check_bytes`` (what ``govflow validate``, deploy and the upload
  preview run) against ``lxml.etree.fromstring`` of the same bytes, round after round in
  the same run. ``ratio`` = check p50 / parse p50. ``growth`` = p50 of 10k / p50 of 1k and
  of 100k / 10k: linear work gives about 10 (so does the parse, shown beside it).
  The 100k file is about 5.4 MB, above govflow's 5 MB upload limit: the bench lifts the
  limit for that file only; it measures the checks, not the limit.
* ``bare_flows_8000``: the issue's 8,000 ``<sequenceFlow/>`` (16,000 schema errors,
  reported as 200 and "and 15,800 more"); it must check well under a second.
* ``chain_9600``: the issue's chain of 9,600 tasks with BPMNDI (about 4.3 MB); the check
  ends in one plain message (SpiffWorkflow reads runs of a few hundred steps at most).
* ``hostile``: the eight hostile files of the loader's tests (tests/bpmn_samples.py: XXE,
  billion laughs, external and network DTDs, over 5 MB, 10,000 and 230 levels deep), each
  refused by ``load_bpmn``, against ``load_bpmn`` accepting the small valid file of the same
  tests (``valid_small_load_p50_ms``); ``ratio_to_valid`` = refusal p50 / that. The tests
  check the refusal's shape (nothing expanded, no later stage); the time is here. Measured
  first, under the real 5 MB limit.

Usage, from the repository root::

    .venv/bin/python bench/bpmn_check_bench.py           # ~1–2 min on 2 busy cores
    .venv/bin/python bench/bpmn_check_bench.py --quick   # fewer rounds

Times are ``time.perf_counter`` per call in ms, p50 (nearest rank) over the rounds (``n``),
each call starting after a full garbage collection (outside the timing);
each measurement stops at a time budget, so ``n`` may be lower than asked. Stdout gets
exactly one JSON line; the readable summary goes to stderr. Exits 1 when a file does not
give the report it should.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree
from timing import measure_rounds, nearest_rank, sig3

from engine.bpmn.definitions import CheckedFile, check_bytes
from engine.bpmn.loading import safe_xml
from engine.bpmn.loading.load import load_bpmn
from engine.bpmn.problems import MAX_REPORTED_PROBLEMS
from engine.core.config import REPO_ROOT
from engine.core.errors import BpmnLoadError

if str(REPO_ROOT) not in sys.path:  # run as a script: make tests/ importable
    sys.path.insert(0, str(REPO_ROOT))
from tests.bpmn_samples import GOOD, HOSTILE  # noqa: E402

PROCESSES_DIR = REPO_ROOT / "processes"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
ELEMENTS_PER_BRANCH = 13  # 8 in the process, 5 in the diagram (see _branch)
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"'
    ' xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
    ' id="defs" targetNamespace="http://example.org/bench">\n'
)


def _branch(i: int) -> tuple[str, str]:
    x = 200 + i * 150
    model = (
        f'<bpmn:sequenceFlow id="a{i}" sourceRef="split" targetRef="t{i}"/>\n'
        f'<bpmn:task id="t{i}" name="ขั้นตอนที่ {i}"/>\n'
        f'<bpmn:sequenceFlow id="b{i}" sourceRef="t{i}" targetRef="g{i}"/>\n'
        f'<bpmn:exclusiveGateway id="g{i}" default="d{i}"/>\n'
        f'<bpmn:sequenceFlow id="c{i}" sourceRef="g{i}" targetRef="e{i}">'
        "<bpmn:conditionExpression>1 == 1</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        f'<bpmn:sequenceFlow id="d{i}" sourceRef="g{i}" targetRef="e{i}"/>\n'
        f'<bpmn:endEvent id="e{i}"/>\n'
    )
    diagram = (
        f'<bpmndi:BPMNShape id="t{i}_di" bpmnElement="t{i}">'
        f'<dc:Bounds x="{x}" y="80" width="100" height="80"/></bpmndi:BPMNShape>\n'
        f'<bpmndi:BPMNEdge id="b{i}_di" bpmnElement="b{i}"><di:waypoint x="{x + 50}" y="160"/>'
        f'<di:waypoint x="{x + 50}" y="200"/></bpmndi:BPMNEdge>\n'
    )
    return model, diagram


def fan_out(elements: int) -> bytes:
    branches = [_branch(i) for i in range(max(1, elements // ELEMENTS_PER_BRANCH))]
    return (
        HEAD + '<bpmn:process id="bench" isExecutable="true">\n<bpmn:startEvent id="start"/>\n'
        '<bpmn:parallelGateway id="split"/>\n'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>\n'
        + "".join(m for m, _ in branches) + "</bpmn:process>\n"
        '<bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="bench">\n'
        + "".join(d for _, d in branches)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n"
    ).encode()


def bare_flows(n: int = 8000) -> bytes:
    flows = "".join("<bpmn:sequenceFlow/>\n" for _ in range(n))
    return (HEAD + f'<bpmn:process id="p" isExecutable="true">\n{flows}</bpmn:process>\n'
            "</bpmn:definitions>\n").encode()


def chain(n: int = 9600) -> bytes:
    model, shapes, prev = ['<bpmn:startEvent id="s"/>'], [], "s"
    for i in range(n):
        x = 100 + i * 150
        model.append(f'<bpmn:task id="t{i}" name="Task {i}"><bpmn:incoming>f{i}</bpmn:incoming>'
                     f"<bpmn:outgoing>f{i + 1}</bpmn:outgoing></bpmn:task>"
                     f'<bpmn:sequenceFlow id="f{i}" sourceRef="{prev}" targetRef="t{i}"/>')
        shapes.append(f'<bpmndi:BPMNShape id="t{i}_di" bpmnElement="t{i}"><dc:Bounds x="{x}" '
                      'y="0" width="100" height="80"/></bpmndi:BPMNShape>'
                      f'<bpmndi:BPMNEdge id="f{i}_di" bpmnElement="f{i}"><di:waypoint '
                      f'x="{x - 50}" y="40"/><di:waypoint x="{x}" y="40"/></bpmndi:BPMNEdge>')
        prev = f"t{i}"
    model.append(f'<bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f{n}" sourceRef="{prev}" '
                 'targetRef="e"/>')
    return (HEAD + '<bpmn:process id="chain" isExecutable="true">\n' + "\n".join(model)
            + '\n</bpmn:process>\n<bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" '
            'bpmnElement="chain">\n' + "\n".join(shapes)
            + "\n</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n").encode()


def count_elements(data: bytes) -> int:
    return sum(1 for _ in etree.fromstring(data).iter(tag=etree.Element))


def checker(data: bytes, name: str) -> Callable[[], CheckedFile]:
    return lambda: check_bytes(data, name, PROCESSES_DIR)


def parser(data: bytes) -> Callable[[], Any]:
    return lambda: etree.fromstring(data)


def p50(samples: list[float]) -> float:
    return sig3(nearest_rank(sorted(samples), 0.5))


def verdicts(name: str, checked: CheckedFile) -> str | None:
    """What is wrong with a report, or None."""
    if name.startswith("check_") and not checked.ok:
        return f"{name}: {[p.format() for p in checked.problems[:3]]}"
    if name == "bare_flows_8000" and len(checked.problems) != MAX_REPORTED_PROBLEMS + 1:
        return f"{name}: {len(checked.problems)} problems, not the bound + 'and N more'"
    if name == "chain_9600" and len(checked.problems) != 1:
        return f"{name}: {len(checked.problems)} problems"
    return None


def refuser(data: bytes) -> Callable[[], str | None]:
    """A call of load_bpmn on hostile bytes: None when refused with problems, else why not."""

    def refuse() -> str | None:
        try:
            load_bpmn(data, "hostile.bpmn")
        except BpmnLoadError as err:
            return None if err.problems else "refused without a problem"
        return "accepted"

    return refuse


def hostile(repeat: int, budget: float) -> tuple[dict[str, Any], list[str]]:
    """Each hostile file refused, against the small valid file accepted, in the same rounds."""
    failures: list[str] = []

    def seen(name: str, result: Any) -> None:
        if isinstance(result, str) and f"{name}: {result}" not in failures:
            failures.append(f"{name}: {result}")

    with tempfile.TemporaryDirectory() as scratch:
        inputs = {name: make(Path(scratch)) for name, make in HOSTILE.items()}
        fns: dict[str, Callable[[], Any]] = {name: refuser(data) for name, data in inputs.items()}
        fns["valid_small"] = lambda: load_bpmn(GOOD, "good.bpmn")
        samples = measure_rounds(fns, repeat, budget, min_rounds=3, seen=seen)
    valid = p50(samples["valid_small"])
    results: dict[str, Any] = {"valid_small_load_p50_ms": valid, "n": len(samples["valid_small"])}
    for name, data in inputs.items():
        refused = p50(samples[name])
        results[name] = {"bytes": len(data), "refuse_p50_ms": refused,
                         "ratio_to_valid": sig3(refused / valid)}
    return results, failures


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--quick", action="store_true", help="fewer rounds")
    opts = args.parse_args(argv)
    repeat, budget = (3, 60.0) if opts.quick else (7, 150.0)
    hostile_results, failures = hostile(15 if opts.quick else 50, 10.0 if opts.quick else 30.0)
    safe_xml.MAX_BPMN_BYTES = 64 * 1024 * 1024  # see the docstring: 100k is ~5.4 MB
    files = {label: fan_out(n) for label, n in SIZES.items()}
    fns: dict[str, Callable[[], Any]] = {}
    for label, data in files.items():
        fns[f"check_{label}"] = checker(data, f"{label}.bpmn")
        fns[f"parse_{label}"] = parser(data)
    extra = {"bare_flows_8000": bare_flows(), "chain_9600": chain()}
    for name, data in extra.items():
        fns[name] = checker(data, f"{name}.bpmn")
        fns[f"parse_{name}"] = parser(data)

    def seen(name: str, result: Any) -> None:
        problem = verdicts(name, result) if isinstance(result, CheckedFile) else None
        if problem and problem not in failures:
            failures.append(problem)
        # Untimed: the garbage of a 100k check must not be collected inside the next
        # call (a 1k parse took 76 ms that way); each call pays for its own garbage.
        gc.collect()

    samples = measure_rounds(fns, repeat, budget, min_rounds=2, seen=seen)
    sizes: dict[str, Any] = {}
    for label, data in files.items():
        check_ms, parse_ms = p50(samples[f"check_{label}"]), p50(samples[f"parse_{label}"])
        sizes[label] = {"elements": count_elements(data), "bytes": len(data),
                        "check_p50_ms": check_ms, "lxml_parse_p50_ms": parse_ms,
                        "ratio": sig3(check_ms / parse_ms), "n": len(samples[f"check_{label}"])}

    def growth(kind: str, low: str, high: str) -> float:
        return sig3(sizes[high][f"{kind}_p50_ms"] / sizes[low][f"{kind}_p50_ms"])

    results: dict[str, Any] = {
        "sizes": sizes,
        "growth": {"check_10k_over_1k": growth("check", "1k", "10k"),
                   "check_100k_over_10k": growth("check", "10k", "100k"),
                   "parse_10k_over_1k": growth("lxml_parse", "1k", "10k"),
                   "parse_100k_over_10k": growth("lxml_parse", "10k", "100k")},
    }
    for name, data in extra.items():
        results[name] = {"bytes": len(data), "check_p50_ms": p50(samples[name]),
                         "lxml_parse_p50_ms": p50(samples[f"parse_{name}"]),
                         "n": len(samples[name])}
    results["hostile"] = hostile_results
    results["ok"] = not failures
    for label, row in sizes.items():
        print(f"  {label:>5}: {row['elements']:>7} elements, check {row['check_p50_ms']} ms, "
              f"lxml parse {row['lxml_parse_p50_ms']} ms, ratio {row['ratio']}", file=sys.stderr)
    print(f"  growth: {results['growth']}", file=sys.stderr)
    for name in extra:
        print(f"  {name}: {results[name]['check_p50_ms']} ms", file=sys.stderr)
    print(f"  hostile, refused (valid small file {hostile_results['valid_small_load_p50_ms']} ms): "
          + ", ".join(f"{name} {hostile_results[name]['refuse_p50_ms']} ms" for name in HOSTILE),
          file=sys.stderr)
    for failure in failures:
        print(f"bpmn_check_bench: FAILED: {failure}", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
