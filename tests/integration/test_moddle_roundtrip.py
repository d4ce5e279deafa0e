"""bpmn-js reads and writes the shipped BPMNs' spiffworkflow extensions losslessly with
govflow's descriptor (webui/editor/spiffworkflow_moddle.json): bpmn-moddle, the model
bpmn-js edits, reads each file and writes it back through Node, and the two are compared
with govflow's own XML reader. Needs Node and ``make assets`` (npm ci)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.bpmn.definitions import check_bytes
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.xml_names import SPIFF_NS
from tests.conftest import CORPORA, corpus_params, missing

ROOT = Path(__file__).resolve().parents[2]
WEBUI = ROOT / "webui"
SCRIPT = Path(__file__).resolve().parent / "js" / "moddle_roundtrip.mjs"
SHIPPED = sorted((ROOT / "processes").glob("*.bpmn"))
SPIFF_CORPUS = sorted(
    p for p in CORPORA.rglob("*.bpmn") if "spiffworkflow:" in p.read_text("utf-8", "replace")
) if CORPORA.is_dir() else []


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None or not (WEBUI / "node_modules" / "bpmn-moddle").is_dir():
        missing("Node.js and webui/node_modules (make assets) are needed", "moddle round trip")
    assert found is not None
    return found


def round_trip(node: str, path: Path, *extra: str) -> dict:
    result = subprocess.run([node, str(SCRIPT), str(WEBUI), str(path), *extra],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def spiff_facts(xml: bytes) -> list[tuple[str | None, str, tuple, str]]:
    """Every spiffworkflow element and attribute: (owner id, tag, attributes, text)."""
    facts = []
    for element in read_xml(xml, "x").getroot().iter():
        if not isinstance(element.tag, str):
            continue
        owner = next((a.get("id") for a in element.iterancestors() if a.get("id")), None)
        spiff_attrs = sorted((k, v) for k, v in element.attrib.items() if SPIFF_NS in k)
        if element.tag.startswith(f"{{{SPIFF_NS}}}"):
            attrs = tuple(sorted(element.attrib.items()))
            facts.append((owner, element.tag, attrs, (element.text or "").strip()))
        elif spiff_attrs:
            facts.append((element.get("id") or owner, element.tag, tuple(spiff_attrs), ""))
    return sorted(facts)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_keep_every_spiffworkflow_element(node, path):
    result = round_trip(node, path)
    assert result["warnings"] == []
    # The descriptor types the form property; without it moddle keeps a generic element.
    assert result["types"]["spiffworkflow:Property"] == "spiffworkflow:Property"
    before = spiff_facts(path.read_bytes())
    after = spiff_facts(result["xml"].encode("utf-8"))
    assert any(tag.endswith("}property") and ("name", "formJsonSchemaFilename") in attrs
               for _o, tag, attrs, _t in after)
    assert after == before


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_written_back_file_still_validates(node, path):
    result = round_trip(node, path)
    checked = check_bytes(result["xml"].encode("utf-8"), path.name, ROOT / "processes")
    assert checked.ok, [p.format("en") for p in checked.problems]


def test_setting_a_form_writes_the_property_the_engine_reads(node):
    path = ROOT / "processes" / "complaint.bpmn"
    result = round_trip(node, path, "set", "director_order",
                        "forms/complaint-forward.schema.json")
    root = read_xml(result["xml"].encode("utf-8"), "x").getroot()
    task = root.find(".//*[@id='director_order']")
    assert task is not None
    values = [p.get("value") for p in task.iter(f"{{{SPIFF_NS}}}property")
              if p.get("name") == "formJsonSchemaFilename"]
    assert values == ["forms/complaint-forward.schema.json"]
    checked = check_bytes(result["xml"].encode("utf-8"), path.name, ROOT / "processes")
    assert checked.ok, [p.format("en") for p in checked.problems]
    assert checked.processes["complaint"].to_dict()["tasks"]["director_order"]["form"] == \
        "forms/complaint-forward.schema.json"


def test_a_task_without_a_form_gets_one(node):
    path = ROOT / "processes" / "complaint.bpmn"
    before = spiff_facts(path.read_bytes())
    result = round_trip(node, path, "set", "start_follow_up", "forms/complaint-review.schema.json")
    after = spiff_facts(result["xml"].encode("utf-8"))
    added = [fact for fact in after if fact not in before]
    assert [(owner, tag.rsplit("}", 1)[1]) for owner, tag, _a, _t in added] == [
        ("start_follow_up", "properties"), ("start_follow_up", "property")]


@pytest.mark.usefixtures("corpora")
@pytest.mark.parametrize("path", corpus_params(SPIFF_CORPUS),
                         ids=lambda p: str(p.relative_to(CORPORA)) if p else "none")
def test_corpus_files_keep_their_spiffworkflow_extensions(node, path):
    result = round_trip(node, path)
    assert spiff_facts(result["xml"].encode("utf-8")) == spiff_facts(path.read_bytes())
