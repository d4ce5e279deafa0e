"""The process editor's page: who may open it, the context it hands the script (no inline
script), the current version it opens, the links to it, and its English."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from engine.services.admin import versions
from tests.web.test_english_pages import english, thai_outside_data
from tests.web.test_web_owner import signed_in
from tests.web_client import Browser, html
from webui import CONTENT_SECURITY_POLICY, create_app

EDIT = "/owner/processes/complaint/edit"


@pytest.fixture
def owned(own_copy):
    rt, people, _owner, folder = own_copy
    app = create_app(runtime=rt)
    app.testing = True
    return rt, people, app


def context_of(page: str) -> dict:
    tree = lxml.html.document_fromstring(page)
    (block,) = tree.xpath('//script[@id="editor-context"]')
    assert block.get("type") == "application/json"
    return json.loads(block.text)


def test_the_editor_page_hands_its_context_to_a_same_origin_script(owned):
    rt, people, app = owned
    owner = signed_in(rt, people, app, "owner")
    response = owner.get(EDIT)
    assert response.status_code == 200
    page = html(response)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert '<script type="module" src="/static/build/editor.js"></script>' in page
    assert '<link rel="stylesheet" href="/static/build/editor.css">' in page
    tree = lxml.html.document_fromstring(page)
    for script in tree.iter("script"):
        # Only files and data: the CSP refuses inline script, and so does this page.
        assert script.get("src") or script.get("type") == "application/json", \
            lxml.html.tostring(script)[:200]
    ctx = context_of(page)
    assert ctx["key"] == "complaint" and ctx["lang"] == "th" and ctx["version"] == 1
    assert re.fullmatch(r"[\w.-]{20,}", ctx["csrf"])
    assert ctx["lanes"] and set(ctx["lanes"].values()) <= {r["role"] for r in ctx["roles"]}
    assert "legal_officer" in ctx["lanes"].values()
    assert ctx["urls"]["current"] == "/owner/processes/complaint/edit/current"
    assert ctx["urls"]["deploy"] == "/owner/processes/complaint/draft/deploy"
    assert page.count('id="side-panel"') == 1 and page.count('id="canvas"') == 1
    for button in ("undo", "redo", "save", "discard", "download", "deploy"):
        assert re.search(rf'<button [^>]*id="{button}"[^>]*>[^<]*\S', page), button
    assert '<label class="button secondary small file-button" for="open-file">เปิดไฟล์' in page


def test_the_context_names_an_api_only_when_the_app_has_it(owned):
    rt, people, app = owned
    ctx = context_of(html(signed_in(rt, people, app, "owner").get(EDIT)))
    rules = {(rule.rule, method) for rule in app.url_map.iter_rules()
             for method in rule.methods or ()}
    expected = {
        "draft": ("/owner/api/processes/<key>/draft", "GET"),
        "presence": ("/owner/api/processes/<key>/presence", "POST"),
        "check": ("/owner/api/processes/<key>/check", "POST"),
        "forms": ("/owner/api/forms", "GET"),
    }
    for name, rule in expected.items():
        assert (ctx["urls"][name] is not None) == (rule in rules), name


def test_the_current_version_opens_as_the_drafts_api_would_answer_without_a_draft(owned):
    rt, people, app = owned
    owner = signed_in(rt, people, app, "owner")
    response = owner.get("/owner/processes/complaint/edit/current")
    assert response.status_code == 200
    body = response.get_json()
    assert body["bpmn"].encode("utf-8") == versions.version_bpmn(rt, "complaint", 1)
    assert body["revision"] is None and body["from_draft"] is False
    assert body["base_version"] == 1 and body["editors"] == []


def test_only_process_owners_and_admins_open_the_editor(owned):
    rt, people, app = owned
    for path in (EDIT, EDIT + "/current"):
        assert Browser(app).get(path).status_code == 302  # to the sign-in page
        assert signed_in(rt, people, app, "legal_officer").get(path).status_code == 403
        assert signed_in(rt, people, app, "admin").get(path).status_code == 200
    missing = signed_in(rt, people, app, "owner").get("/owner/processes/nothing/edit")
    assert missing.status_code == 404
    assert "nothing" in html(missing) and "Traceback" not in html(missing)


def test_the_processes_and_versions_pages_link_to_the_editor(owned):
    rt, people, app = owned
    owner = signed_in(rt, people, app, "owner")
    assert f'href="{EDIT}"' in html(owner.get("/owner/processes"))
    assert f'href="{EDIT}"' in html(owner.get("/owner/processes/complaint"))


def test_the_editor_page_reads_english_when_chosen(owned):
    rt, people, app = owned
    owner = english(signed_in(rt, people, app, "owner"))
    page = html(owner.get(EDIT))
    assert context_of(page)["lang"] == "en"
    assert "Edit the process" in page and "Save draft" in page and "Open file" in page
    assert thai_outside_data(page) == []
