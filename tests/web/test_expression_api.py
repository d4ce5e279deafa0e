"""The side panel's live check of an expression: POST /owner/api/expressions/check, by the
restricted evaluator that runs conditions and timers, for process owners only, with CSRF."""

from __future__ import annotations

import pytest

from tests.web.test_web_owner import signed_in
from tests.web_client import Browser
from webui import create_app

URL = "/owner/api/expressions/check"
FIELDS = ["screening_outcome", "received_at", "triage_days", "review_decision"]


@pytest.fixture
def owned(own_copy):
    rt, people, _owner, folder = own_copy
    app = create_app(runtime=rt)
    app.testing = True
    return rt, people, app


@pytest.fixture
def owner(owned) -> Browser:
    rt, people, app = owned
    return signed_in(rt, people, app, "owner")


def check(b: Browser, expression, variables=FIELDS, **headers):
    headers.setdefault("X-CSRFToken", b.token())
    return b.client.post(URL, json={"expression": expression, "variables": variables},
                         headers=headers)


def test_a_condition_on_a_form_field_is_ok(owner):
    response = check(owner, 'screening_outcome == "accept"')
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "message": "OK", "message_th": "ใช้ได้"}


def test_a_timer_with_the_working_day_helpers_is_ok(owner):
    for text in ("deadline_after(received_at, triage_days)",
                 "working_days_after(received_at, triage_days + 2)"):
        assert check(owner, text).get_json()["ok"] is True, text


def test_a_misspelt_field_is_named_with_a_suggestion(owner):
    answer = check(owner, 'screening_outcom == "accept"').get_json()
    assert answer["ok"] is False
    assert "screening_outcom" in answer["message_th"]
    assert "did you mean screening_outcome?" in answer["message"]
    assert "หรือหมายถึง screening_outcome" in answer["message_th"]


@pytest.mark.parametrize("text, english", [
    ("().__class__", "attribute access"),
    ("__import__('os')", "calls are allowed only to registered helpers"),
    ("_secret == 1", "names starting with '_'"),
    ("open('x')", "calls are allowed only to registered helpers"),
    ("screening_outcome ==", "syntax error"),
    ("[x for x in triage_days]", "list comprehensions"),
])
def test_what_the_evaluator_refuses_is_refused_in_both_languages(owner, text, english):
    answer = check(owner, text).get_json()
    assert answer["ok"] is False
    assert english in answer["message"]
    assert any("\u0e00" <= c <= "\u0e7f" for c in answer["message_th"])


def test_an_empty_expression_says_what_to_write(owner):
    answer = check(owner, "   ").get_json()
    assert answer["ok"] is False and "decision ==" in answer["message"]


def test_a_malformed_request_is_a_json_400(owner):
    response = owner.client.post(URL, data="not json", content_type="application/json",
                                 headers={"X-CSRFToken": owner.token()})
    assert response.status_code == 400
    assert response.get_json()["error_en"].startswith("send a JSON object")
    response = check(owner, 'a == 1', variables="a")
    assert response.status_code == 400 and "variables" in response.get_json()["fields"]
    response = check(owner, 12)
    assert response.status_code == 400


def test_without_the_csrf_token_nothing_is_checked(owner):
    response = owner.client.post(URL, json={"expression": "1 == 1", "variables": []})
    assert response.status_code == 400
    assert response.get_json() is None or response.get_json().get("ok") is None


def test_other_roles_are_refused_as_json(owned):
    rt, people, app = owned
    legal = signed_in(rt, people, app, "legal_officer")
    response = check(legal, "1 == 1")
    assert response.status_code == 403
    assert response.get_json()["error_en"] == "process owners only"
    anonymous = Browser(app)
    response = anonymous.client.post(URL, json={"expression": "1 == 1"},
                                     headers={"X-CSRFToken": anonymous.token()})
    assert response.status_code == 401
