"""The JSON Schema form renderer, form conversion, the catalogue compiler, and page hygiene."""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from werkzeug.datastructures import MultiDict

from engine.core.config import REPO_ROOT
from webui.forms_render import fields_for, parse_form
from webui.i18n import TRANSLATIONS, compile_catalogs

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

FORMS = REPO_ROOT / "processes" / "forms"

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "ชื่อ", "maxLength": 100},
        "story": {"type": "string", "title": "เรื่องราว", "description": "เล่ามา",
                  "maxLength": 5000},
        "day": {"type": "string", "title": "วันที่", "format": "date"},
        "mail": {"type": "string", "title": "อีเมล", "format": "email"},
        "link": {"type": "string", "title": "ลิงก์", "format": "uri"},
        "ok": {"type": "boolean", "title": "ยืนยัน"},
        "count": {"type": "integer", "title": "จำนวน"},
        "amount": {"type": "number", "title": "จำนวนเงิน"},
        "pick": {"type": "string", "title": "เลือก",
                 "oneOf": [{"const": "a", "title": "ก"}, {"const": "b", "title": "ข"}]},
        "many": {"type": "string", "title": "หลายตัวเลือก",
                 "oneOf": [{"const": str(i), "title": f"ข้อ {i}"} for i in range(6)]},
    },
    "required": ["name", "pick"],
}


def test_field_kinds_labels_and_required():
    fields = {f.name: f for f in fields_for(SCHEMA)}
    assert [f.kind for f in fields.values()] == [
        "text", "textarea", "date", "email", "url", "checkbox", "number", "number",
        "radio", "select"]
    assert fields["name"].label == "ชื่อ" and fields["name"].required
    assert not fields["story"].required and fields["story"].help == "เล่ามา"
    assert fields["pick"].options == [("a", "ก"), ("b", "ข")]
    assert fields["count"].step == "1" and fields["amount"].step == "any"


def test_values_and_errors_are_shown_back():
    fields = {f.name: f for f in fields_for(SCHEMA, {"name": "x", "ok": True, "count": 3},
                                            {"name": "ผิด"})}
    assert fields["name"].value == "x" and fields["name"].error == "ผิด"
    assert fields["ok"].checked and fields["count"].value == "3"


def test_parse_form_converts_to_json_types():
    form = MultiDict({"name": "  ชื่อ  ", "story": "บรรทัด 1\r\nบรรทัด 2\r\n", "day": "",
                      "ok": "on", "count": "12", "amount": "3.5", "pick": "a",
                      "csrf_token": "t", "unknown": "x"})
    data, typed, errors = parse_form(SCHEMA, form)
    assert data == {"name": "ชื่อ", "story": "บรรทัด 1\nบรรทัด 2", "ok": True, "count": 12,
                    "amount": 3.5, "pick": "a"}
    assert errors == {} and typed["day"] == "" and "unknown" not in typed
    data, typed, errors = parse_form(SCHEMA, MultiDict({"count": "สิบ", "amount": "x"}))
    assert data == {"ok": False} and set(errors) == {"count", "amount"}
    assert typed["count"] == "สิบ"


def test_every_process_form_renders(app):
    for path in sorted(FORMS.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        for field in fields_for(schema):
            assert field.label and field.kind, (path.name, field.name)


def test_catalogue_compiles_when_po_is_newer(tmp_path):
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    po.write_bytes((TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert compile_catalogs(tmp_path) == [folder / "messages.mo"]
    assert compile_catalogs(tmp_path) == []  # up to date
    later = time.time() + 10
    os.utime(po, (later, later))
    assert compile_catalogs(tmp_path) == [folder / "messages.mo"]


def test_catalogue_is_complete():
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []


def test_pages_have_labels_skip_link_and_no_external_resources(browser):
    staff = browser("staff")
    for path in ("/inbox", "/start/publishing", "/"):
        page = staff.get(path)
        text = page.get_data(as_text=True)
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert 'href="#main"' in text and 'id="main"' in text
        assert not re.search(r'(src|href)="(https?:)?//', text), path
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', text))
        hidden = set(re.findall(r'<input type="hidden"[^>]*\bid="([^"]+)"', text))
        labelled = set(re.findall(r'<label for="([^"]+)"', text))
        radios = set(re.findall(r'<input type="radio"[^>]*\bid="([^"]+)"', text))
        assert ids - hidden - radios <= labelled, (path, ids - hidden - radios - labelled)
    css = staff.get("/static/govflow.css").get_data(as_text=True)
    assert "Laksaman" in css and "@font-face" not in css and "url(" not in css


def test_english_dates_stay_buddhist_era(browser):
    from tests.samples import COMPLAINT
    from tests.web_client import form_of

    legal = browser("legal_officer")
    legal.get("/start/complaint")
    legal.post("/start/complaint", form_of(COMPLAINT))
    legal.post("/language", {"lang": "en", "next": "/inbox"})
    page = legal.get("/inbox?view=group").get_data(as_text=True)
    assert "11 Dec 2569 BE, 16:30" in page and "4 Dec 2569 BE" in page
    assert "working day" in page
