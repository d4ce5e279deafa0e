"""Every exclusive/inclusive gateway's outgoing flows have a condition or are the default,
and the default is one of its outgoing flows."""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine.bpmn.problems import Problem, problem_at
from engine.bpmn.xml_names import BPMN_NS, local_name

__all__ = ["GATEWAYS", "check_gateways"]

GATEWAYS = {f"{{{BPMN_NS}}}{t}" for t in ("exclusiveGateway", "inclusiveGateway")}


def _outgoing(gateway: etree._Element) -> list[etree._Element]:
    parent = gateway.getparent()
    assert parent is not None  # a gateway sits in its process or sub-process
    return [
        flow for flow in parent.findall(f"{{{BPMN_NS}}}sequenceFlow")
        if flow.get("sourceRef") == gateway.get("id")
    ]


def _outgoing_by_source(process: etree._Element) -> dict[tuple[Any, str | None], list[Any]]:
    """Every flow by (its container, its sourceRef): one walk, where asking each
    gateway in turn scanned all its container's flows (gateways × flows)."""
    found: dict[tuple[Any, str | None], list[Any]] = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        found.setdefault((flow.getparent(), flow.get("sourceRef")), []).append(flow)
    return found


def _flow_id(flow: etree._Element) -> str:
    """The flow's id, or "?" for a flow without one, so a message can still name it."""
    return flow.get("id") or "?"


def check_gateways(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    outgoing = _outgoing_by_source(process)
    for gateway in process.iter(*GATEWAYS):
        flows = outgoing.get((gateway.getparent(), gateway.get("id")), [])
        problems += _check_gateway(file, gateway, flows)
    return problems


def _check_gateway(file: str, gateway: etree._Element,
                   flows: list[etree._Element] | None = None) -> list[Problem]:
    gid = gateway.get("id")
    named = gid or "?"
    kind = local_name(gateway)
    flows = _outgoing(gateway) if flows is None else flows
    # A flow may have no id (the schema allows it): it is named "?" in the messages.
    flow_ids = [_flow_id(f) for f in flows]
    default = gateway.get("default")
    problems = []
    if default and default not in {f.get("id") for f in flows}:
        problems.append(problem_at(
            file, gateway, gid,
            f"{kind} {named} has default=\"{default}\", which is not one of its outgoing "
            f"flows ({', '.join(flow_ids) or 'none'})",
            f"ทางแยก {named} กำหนดเส้นทางปริยาย (default) เป็น \"{default}\" "
            f"ซึ่งไม่ใช่เส้นทางที่ออกจากทางแยกนี้",
        ))
    if len(flows) > 1:
        bare = [
            _flow_id(f) for f in flows
            if f.get("id") != default and f.find(f"{{{BPMN_NS}}}conditionExpression") is None
        ]
        if bare:
            names = ", ".join(bare)
            problems.append(problem_at(
                file, gateway, gid,
                f"{kind} {named}: outgoing flows {names} have no condition; give each a "
                "condition or make one of them the gateway's default",
                f"ทางแยก {named}: เส้นทาง {names} ไม่มีเงื่อนไข กรุณากำหนดเงื่อนไข "
                "หรือตั้งเส้นหนึ่งเป็นเส้นทางปริยาย (default)",
            ))
    return problems
