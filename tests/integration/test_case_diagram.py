"""Diagrams with live state: a case's steps completed, active and overdue."""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import etree

from engine.core import clock
from engine.core.errors import NotFound
from engine.services.admin.users import issue_token
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT
from webui import create_app

SVG = "{http://www.w3.org/2000/svg}"


def states(svg: str) -> dict[str, set[str]]:
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False,
                                                                  no_network=True))
    found = {}
    for group in root.iter(f"{SVG}g"):
        element = group.get("data-element-id")
        if element:
            found[element] = {c for c in (group.get("class") or "").split()
                              if c.startswith("state-")}
    return found


def test_case_diagram_marks_completed_active_and_overdue(runtime, people):
    at = datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)
    with clock.frozen(at) as now:
        first = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        tasks.complete_task(runtime, people.legal_officer, first["tasks"][0]["id"],
                            {"screening_outcome": "accept"})
        second = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        marks = states(instances.case_diagram(runtime, people.legal_head, first["id"]))
        assert marks["triage"] == {"state-completed"}
        assert marks["director_order"] == {"state-active"}
        assert marks["follow_up"] == set()
        now.move_to(datetime(2026, 12, 11, 17, 0, tzinfo=BANGKOK))
        late = states(instances.case_diagram(runtime, people.director, second["id"]))
        assert late["triage"] == {"state-overdue"}
    with pytest.raises(NotFound):
        instances.case_diagram(runtime, people.web_admin, first["id"])


def test_version_diagram_over_the_api(runtime, people):
    client = create_app(runtime=runtime).test_client()
    headers = {"Authorization": f"Bearer {issue_token(runtime, people.legal_head.username)}"}
    response = client.get("/api/v1/processes/complaint/versions/1/diagram.svg", headers=headers)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    marks = states(response.get_data(as_text=True))
    assert {"triage", "triage_deadline", "gw_screening", "lane_legal_officer"} <= set(marks)
    staff = {"Authorization": f"Bearer {issue_token(runtime, people.staff.username)}"}
    assert client.get("/api/v1/processes/complaint/versions/1/diagram.svg",
                      headers=staff).status_code == 403
    assert client.get("/api/v1/processes/complaint/versions/9/diagram.svg",
                      headers=headers).status_code == 404
