"""BPMN files for the loader's tests and its bench: a small valid process, the bytes that
build one, and the hostile inputs the loader must refuse while reading
(tests/unit/test_bpmn_loader.py, tests/integration/test_bpmn_file_names.py,
bench/bpmn_check_bench.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.bpmn.loading.safe_xml import MAX_BPMN_BYTES

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' id="defs" targetNamespace="http://example.org/govflow">\n'
)


def bpmn(body: str) -> bytes:
    return (HEAD + body + "</bpmn:definitions>\n").encode("utf-8")


def form(value: str) -> str:
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{value}"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


GOOD = bpmn(f"""\
<bpmn:process id="publish" name="Publish news" isExecutable="true">
  <bpmn:laneSet id="ls">
    <bpmn:lane id="lane_staff" name="Staff">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>draft</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
    </bpmn:lane>
    <bpmn:lane id="lane_boss" name="Director">
      <bpmn:flowNodeRef>approve</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>late</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>stamp</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>expired</bpmn:flowNodeRef>
    </bpmn:lane>
  </bpmn:laneSet>
  <bpmn:startEvent id="start">{form("forms/start.schema.json")}</bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft"/>
  <bpmn:userTask id="draft" name="Write draft">
    <bpmn:documentation>Write the news item.</bpmn:documentation>
    {form("forms/x.schema.json")}
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="gw"/>
  <bpmn:exclusiveGateway id="gw" default="f_skip"/>
  <bpmn:sequenceFlow id="f_ok" sourceRef="gw" targetRef="approve">
    <bpmn:conditionExpression>needs_approval == True</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f_skip" sourceRef="gw" targetRef="stamp"/>
  <bpmn:userTask id="approve" name="Approve"/>
  <bpmn:boundaryEvent id="late" attachedToRef="approve" cancelActivity="true">
    <bpmn:timerEventDefinition id="td">
      <bpmn:timeDate>"2030-01-01T09:00:00+07:00"</bpmn:timeDate>
    </bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f_late" sourceRef="late" targetRef="expired"/>
  <bpmn:endEvent id="expired"/>
  <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="stamp"/>
  <bpmn:scriptTask id="stamp"><bpmn:script>stamped = True</bpmn:script></bpmn:scriptTask>
  <bpmn:sequenceFlow id="f4" sourceRef="stamp" targetRef="done"/>
  <bpmn:endEvent id="done"/>
</bpmn:process>
""")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
  targetNamespace="x"><bpmn:process id="p" name="&x;"/></bpmn:definitions>"""

LOL = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY l1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
<!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
<!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
<!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
<!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
<!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
<!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
<!ENTITY l9 "&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;">]>
<lolz>&l9;</lolz>"""

SMALL_LOL = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
  targetNamespace="x"><bpmn:process id="p" name="&b;"/></bpmn:definitions>"""


def external_dtd(tmp_path: Path) -> bytes:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "SECRET-FROM-DTD">')
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE bpmn:definitions SYSTEM "{dtd.as_uri()}">\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"'
        ' targetNamespace="x"><bpmn:process id="p" name="&leak;"/></bpmn:definitions>'
    ).encode()


def deep(levels: int) -> bytes:
    return bpmn("<bpmn:documentation>" + "<x>" * levels + "</x>" * levels
                + "</bpmn:documentation>")


#: Each builds its bytes in a scratch folder (the external DTD is a file there).
HOSTILE: dict[str, Callable[[Path], bytes]] = {
    "xxe": lambda tmp: XXE,
    "billion_laughs": lambda tmp: LOL,
    "small_internal_entities": lambda tmp: SMALL_LOL,
    "external_dtd": external_dtd,
    "network_dtd": lambda tmp: XXE.replace(
        b'[<!ENTITY x SYSTEM "file:///etc/passwd">]', b'SYSTEM "http://127.0.0.1:9/x.dtd"'
    ),
    "oversized": lambda tmp: GOOD.replace(
        b"</bpmn:definitions>", b"<!--" + b"x" * MAX_BPMN_BYTES + b"--></bpmn:definitions>"
    ),
    "deep_10000": lambda tmp: deep(10_000),
    "deep_230": lambda tmp: deep(230),  # under libxml2's 256 limit, over ours
}
