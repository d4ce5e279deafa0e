"""The kinds of BPMN element the diagram draws alike, by their tag's local name."""

from __future__ import annotations

from lxml import etree

__all__ = ["CONVERSATIONS", "DATA_OBJECTS", "DATA_STORES", "EVENTS", "GATEWAYS",
           "SUBPROCESSES", "TASKS", "is_expanded"]

TASKS = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask",
         "sendTask", "receiveTask", "callActivity", "choreographyTask", "subChoreography",
         "callChoreography"}
SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
          "boundaryEvent", "implicitThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
            "complexGateway", "gateway"}
DATA_OBJECTS = {"dataObject", "dataObjectReference", "dataInput", "dataOutput"}
DATA_STORES = {"dataStore", "dataStoreReference"}
CONVERSATIONS = {"conversation", "subConversation", "callConversation"}


def is_expanded(kind: str, di: etree._Element) -> bool:
    """bpmn-js's rule (lib/util/DiUtil.js ``isExpanded``): a sub-process is open only when
    its shape says isExpanded="true". Without the attribute it is collapsed, and bpmn-js's
    importer (SubprocessCompatibility) moves the shapes drawn inside it to the
    sub-process's own drill-down plane, so they are not drawn on this one either."""
    return kind in SUBPROCESSES and di.get("isExpanded") == "true"
