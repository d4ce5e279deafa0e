"""The JSON API contract: both procedures driven to their end over HTTP alone."""

from __future__ import annotations

import pytest

from engine.services.admin.users import issue_token
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SCENARIOS, SECRETS
from webui import create_app

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT


class Api:
    def __init__(self, client, token: str | None) -> None:
        self.client, self.token = client, token

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self._headers())

    def post(self, path, body=None):
        return self.client.post(f"/api/v1{path}", json=body, headers=self._headers())


@pytest.fixture
def app(runtime):
    app = create_app(runtime=runtime)
    app.testing = True
    return app


@pytest.fixture
def api(app, runtime, people):
    client = app.test_client()
    return {name: Api(client, issue_token(runtime, actor.username))
            for name, actor in people.all().items()}


def work(api_user, instance_id, data):
    """Claim and complete the case's one open task as ``api_user``; return the completion."""
    case = api_user.get(f"/instances/{instance_id}")
    assert case.status_code == 200, case.json
    (task,) = case.json["tasks"]
    assert api_user.post(f"/tasks/{task['id']}/claim").status_code == 200
    done = api_user.post(f"/tasks/{task['id']}/complete", {"data": data})
    assert done.status_code == 200, done.json
    return done.json


def test_processes_list_the_contract(api):
    body = api["staff"].get("/processes").json
    by_key = {p["key"]: p for p in body["processes"]}
    assert set(by_key) == {"publishing", "complaint"}
    for process in by_key.values():
        assert process["version"] == 1 and len(process["version_hash"]) == 64
        assert process["name"]
    start = by_key["complaint"]["start_form"]
    assert {"subject", "received_at", "channel", "complainant_name"} <= set(start["properties"])
    # The list kept as data is inlined: no $ref left for clients to chase.
    assert "$ref" not in repr(start)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario_over_http(api, people, scenario):
    starter, process_key, start_data, steps = SCENARIOS[scenario]
    started = api[starter].post(f"/processes/{process_key}/instances", {"data": start_data})
    assert started.status_code == 201, started.json
    iid = started.json["id"]
    for role, data in steps:
        done = work(api[role], iid, data)
    assert done["instance_status"] == "completed"
    case = api["director"].get(f"/instances/{iid}").json
    assert case["status"] == "completed" and case["process_key"] == process_key
    assert case["version"] == 1 and case["tasks"] == []
    assert case["history"][0]["action"] == "instance_started"


def test_task_fields_and_form(api):
    iid = api["staff"].post("/processes/publishing/instances",
                            {"data": PUBLISHING_REQUEST}).json["id"]
    listed = api["director"].get("/tasks", view="group").json["tasks"]
    assert [t["instance_id"] for t in listed] == [iid]
    task = listed[0]
    assert set(task) >= {"id", "name", "lane", "instance_id", "process_key", "assignee",
                         "created_at", "due_at"}
    assert task["process_key"] == "publishing" and task["assignee"] is None
    detail = api["director"].get(f"/tasks/{task['id']}").json
    assert detail["form"]["properties"]["director_decision"] and detail["documentation"]
    assert detail["form"]["properties"]["director_decision"]["x-title-en"] == "Decision"


def test_complaint_start_returns_deadline_and_personal_data(api):
    started = api["legal_officer"].post("/processes/complaint/instances", {"data": COMPLAINT})
    assert started.json["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
    assert started.json["personal_data"]["complainant_email"] == COMPLAINT["complainant_email"]


def test_errors_are_json_with_codes(api, app):
    anonymous = Api(app.test_client(), None)
    response = anonymous.get("/tasks")
    assert response.status_code == 401 and response.json["error"] == "not_authenticated"
    assert Api(app.test_client(), "gft_wrong").get("/tasks").status_code == 401
    staff = api["staff"]
    started = staff.post("/processes/publishing/instances", {"data": PUBLISHING_REQUEST}).json
    task_id = started["tasks"][0]["id"]
    # Outside the lane: hidden like a missing task (404); a supervisor sees it but may not
    # act (403).
    hidden = api["web_admin"].post(f"/tasks/{task_id}/claim")
    assert hidden.status_code == 404 and hidden.json["error"] == "not_found"
    refused = api["ict_head"].post(f"/tasks/{task_id}/claim")
    assert refused.status_code == 403 and refused.json["message"]
    # Invalid data: 400 naming the fields, and nothing changes.
    bad = api["director"].post(f"/tasks/{task_id}/complete",
                               {"data": {"director_decision": "return"}})
    assert bad.status_code == 400 and "director_reason" in bad.json["fields"]
    assert api["director"].get(f"/tasks/{task_id}").json["state"] == "open"
    # Claimed by someone else: 409.
    second_director = api["director"]
    assert second_director.post(f"/tasks/{task_id}/claim").status_code == 200
    assert api["ict_head"].post(f"/tasks/{task_id}/unclaim").status_code == 200  # supervisor
    # Not found: 404, for unknown ids and for malformed ones.
    assert staff.get("/tasks/00000000-0000-0000-0000-000000000000").status_code == 404
    assert staff.get("/tasks/not-a-uuid").status_code == 404
    assert staff.get("/instances/999999").status_code == 404
    assert staff.post("/processes/nope/instances", {"data": {}}).status_code == 404
    # Malformed bodies and parameters: 400 with a message, never a traceback.
    raw = app.test_client().post(
        "/api/v1/processes/publishing/instances", data="{not json",
        headers={"Authorization": f"Bearer {staff.token}", "Content-Type": "application/json"})
    assert raw.status_code == 400 and raw.json["error"] == "invalid_data"
    assert staff.post("/processes/publishing/instances", {"data": [1]}).status_code == 400
    nested = '{"data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    deep = app.test_client().post(
        "/api/v1/processes/publishing/instances", data=nested,
        headers={"Authorization": f"Bearer {staff.token}", "Content-Type": "application/json"})
    assert deep.status_code == 400 and deep.json["error"] == "invalid_data"
    assert staff.get("/tasks", view="everything").status_code == 400
    assert staff.get("/tasks", limit="many").status_code == 400
    assert staff.get("/tasks", due_before="tomorrow").status_code == 400
    huge = staff.post("/processes/publishing/instances",
                      {"data": {**PUBLISHING_REQUEST, "details": "ก" * 2_000_000}})
    assert huge.status_code == 413 and huge.json["error"]
    assert staff.get("/nowhere").status_code == 404 and staff.get("/nowhere").json["error"]


def test_claim_conflict_is_409(api):
    started = api["legal_officer"].post("/processes/complaint/instances",
                                        {"data": COMPLAINT}).json
    task_id = started["tasks"][0]["id"]
    assert api["legal_officer"].post(f"/tasks/{task_id}/claim").status_code == 200
    lost = api["legal_officer2"].post(f"/tasks/{task_id}/claim")
    assert lost.status_code == 409 and lost.json["error"] == "conflict"


def test_personal_data_stays_with_privileged_roles(api):
    iid = api["legal_officer"].post("/processes/complaint/instances",
                                    {"data": COMPLAINT}).json["id"]
    for role in ("staff", "web_admin", "ict_head", "admin", "staff_other_unit"):
        response = api[role].get(f"/instances/{iid}")
        assert response.status_code == 404
        assert not any(s in response.get_data(as_text=True) for s in SECRETS)
        for view in ("mine", "group"):
            text = api[role].get("/tasks", view=view).get_data(as_text=True)
            assert not any(s in text for s in SECRETS)
    for role in ("legal_head", "director"):
        inbox = api[role].get("/tasks", view="all").get_data(as_text=True)
        assert not any(s in inbox for s in SECRETS)
        assert api[role].get(f"/instances/{iid}").json["personal_data"]["accused_name"] == \
            COMPLAINT["accused_name"]


def test_openapi_covers_every_route(app, api):
    spec = api["staff"].get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:instance_id>", "{id}")
              .replace("<task_id>", "{task_id}").replace("<key>", "{key}")
              .replace("<int:escalation_id>", "{escalation_id}")
              .replace("<int:version>", "{version}").replace("<code>", "{code}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    assert routes == documented
