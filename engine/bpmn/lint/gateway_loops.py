"""A warning for loops built from gateways, which SpiffWorkflow stalls on after about 250
rounds (task-tree depth 1000).

Only loops that can spin without a person are warned about: a loop made of gateways and
automatic steps (script tasks, plain tasks, events) can run its 250 rounds within a second
of one bad condition. A loop that passes through a user or manual task waits for a person
every round ("send back for revision", "review again"), so it is paced by people: a
director does not send a request back 250 times, and a warning on every such loop taught
process owners to ignore the warning (the shipped processes had two). Those loops are left
out by taking the tasks for people out of the flow graph before looking for cycles; the
cycles that remain are the ones warned about. The depth limit itself still holds for a
loop of people: one that may really repeat hundreds of times (monthly follow-ups over
decades) belongs in a standard loop, as complaint.bpmn's follow_up_rounds is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from lxml import etree

from engine.bpmn.lint.gateways import GATEWAYS
from engine.bpmn.problems import Problem, problem_at
from engine.bpmn.xml_names import BPMN_NS, local_name

__all__ = ["check_gateway_loops"]

_CONTAINER_TAGS = ("process", "subProcess", "transaction", "adHocSubProcess")
_NOT_FLOW_NODES = {f"{{{BPMN_NS}}}{t}" for t in (
    "sequenceFlow", "laneSet", "documentation", "extensionElements", "dataObject",
    "dataObjectReference", "dataStoreReference", "textAnnotation", "association",
    "ioSpecification", "property", "group", "category",
)}
#: Tasks that wait for a person every time they are reached: a loop through one is paced
#: by people, not by the engine.
_PACED_BY_PEOPLE = {f"{{{BPMN_NS}}}{t}" for t in ("userTask", "manualTask")}


def check_gateway_loops(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    for container in process.iter(*(f"{{{BPMN_NS}}}{t}" for t in _CONTAINER_TAGS)):
        nodes, edges = _flow_graph(container)
        reported: set[str | None] = set()
        for gateway, entry in _gateway_back_edges(nodes, edges):
            gid = gateway.get("id")
            if gid in reported:
                continue
            reported.add(gid)
            problems.append(_loop_warning(file, gateway, entry))
    return problems


def _loop_warning(file: str, gateway: etree._Element, entry: str) -> Problem:
    gid = gateway.get("id")
    return problem_at(
        file, gateway, gid,
        f"the loop from {gid} back to {entry} is built from gateways; SpiffWorkflow "
        "stalls after about 250 rounds (task-tree depth 1000): if it can repeat many "
        "times, use a loop or multi-instance task or a timer",
        f"วงวนจาก {gid} กลับไปที่ {entry} สร้างด้วยทางแยก (gateway) SpiffWorkflow "
        "จะหยุดทำงานเมื่อวนประมาณ 250 รอบ (ความลึกของ task tree 1000) "
        "หากอาจวนซ้ำหลายครั้ง ให้ใช้งานแบบวนซ้ำ (loop) หรือ multi-instance หรือตัวจับเวลาแทน",
        "warning",
    )


def _flow_graph(
    container: etree._Element,
) -> tuple[dict[str, etree._Element], dict[str, list[str]]]:
    """Flow nodes directly in `container` and their successors, in document order.

    A boundary event counts as a successor of the activity it is attached to. A task paced
    by people has no successors here, so no cycle passes through it.
    """
    nodes = {
        node_id: child for child in container
        if isinstance(child.tag, str) and child.tag not in _NOT_FLOW_NODES
        and (node_id := child.get("id"))
    }
    edges: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for flow in container.findall(f"{{{BPMN_NS}}}sequenceFlow"):
        # "" for a missing reference: like None, never a node's id.
        source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
        if source in edges and target in nodes and nodes[source].tag not in _PACED_BY_PEOPLE:
            edges[source].append(target)
    for node_id, node in nodes.items():
        attached = node.get("attachedToRef", "") if local_name(node) == "boundaryEvent" else ""
        if attached in edges and nodes[attached].tag not in _PACED_BY_PEOPLE:
            edges[attached].append(node_id)
    return nodes, edges


def _gateway_back_edges(
    nodes: Mapping[str, etree._Element], edges: Mapping[str, list[str]]
) -> Iterator[tuple[etree._Element, str]]:
    """For each back edge of a DFS from the start events whose cycle passes an
    exclusive or inclusive gateway: (the last such gateway on it, the node it returns to).

    The walk goes on from every node not yet reached, in document order: with the tasks
    paced by people cut out of the graph, part of a process is reached only through them.
    """
    starts = [nid for nid, node in nodes.items() if local_name(node) == "startEvent"]
    starts += [nid for nid in nodes if nid not in starts]
    visited: set[str] = set()
    for start in starts:
        if start in visited:
            continue
        for gateway, target in _back_edges(start, edges, visited,
                                           lambda n: nodes[n].tag in GATEWAYS):
            yield nodes[gateway], target


def _back_edges(
    start: str, edges: Mapping[str, list[str]], visited: set[str],
    is_gateway: Callable[[str], bool],
) -> Iterator[tuple[str, str]]:
    """Iterative DFS (no recursion limit); yields (the last gateway on the path, the node
    it loops back to) for each back edge whose cycle has a gateway.

    Each node's place on the path and the last gateway up to it are kept as the path
    grows, so a back edge costs O(1), not a scan of the path.
    """
    path = [start]
    on_path = {start: 0}
    last_gateway = [0 if is_gateway(start) else -1]  # index into path, or -1
    visited.add(start)
    pending = [iter(edges.get(start, ()))]
    while pending:
        successor = next(pending[-1], None)
        if successor is None:
            pending.pop()
            del on_path[path.pop()]
            last_gateway.pop()
            continue
        if successor in on_path:
            if last_gateway[-1] >= on_path[successor]:
                yield path[last_gateway[-1]], successor
        elif successor not in visited:
            visited.add(successor)
            on_path[successor] = len(path)
            last_gateway.append(len(path) if is_gateway(successor) else last_gateway[-1])
            path.append(successor)
            pending.append(iter(edges.get(successor, ())))
