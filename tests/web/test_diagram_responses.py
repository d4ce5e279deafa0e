"""Every diagram govflow serves (the API's, a case's, the owner pages') carries one
Content-Security-Policy: drawn from a process file's text, nothing in it may run."""

from __future__ import annotations

import pytest

from engine.services.admin.users import issue_token
from engine.services.inbox import instances
from tests.account_support import known_password
from tests.samples import COMPLAINT
from tests.web_client import Browser
from webui import create_app
from webui.diagrams import DIAGRAM_CSP

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

#: What the owner pages' diagram has always carried.
OWNER_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def test_the_api_diagram_carries_the_owner_pages_policy(runtime, people):
    client = create_app(runtime=runtime).test_client()
    headers = {"Authorization": f"Bearer {issue_token(runtime, people.legal_head.username)}"}
    response = client.get("/api/v1/processes/complaint/versions/1/diagram.svg", headers=headers)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == OWNER_PAGE_CSP == DIAGRAM_CSP
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_case_diagram_carries_the_same_policy(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    app = create_app(runtime=runtime)
    app.testing = True
    browser = Browser(app)
    browser.signin("legal_head", known_password(runtime, people.admin, "legal_head"))
    response = browser.get(f"/cases/{case['id']}/diagram.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == OWNER_PAGE_CSP
    assert response.headers["Cache-Control"] == "no-store"
