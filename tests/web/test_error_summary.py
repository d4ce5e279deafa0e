"""Issue 15 point 4: after a refused send the error summary comes first, takes the focus
(a script govflow serves under its CSP) and links each error to its field, on the public
complaint form and on the staff forms alike."""

from __future__ import annotations

import re

from tests.web_client import Browser, html

pytest_plugins = ("tests.web_support",)

LINK = re.compile(r'<a href="#([^"]+)">')


def _summary(text: str) -> str:
    start = text.index('id="errors"')
    return text[start:text.index("</div>", start)]


def _links_reach_fields(text: str) -> list[str]:
    targets = LINK.findall(_summary(text))
    for target in targets:
        assert f'id="{target}"' in text, target
    return targets


def test_the_complaint_summary_is_first_and_links_every_field(app):
    citizen = Browser(app)
    citizen.get("/complaint")
    refused = citizen.post("/complaint", {"subject": "", "details": ""})
    assert refused.status_code == 400
    text = html(refused)
    main = text[text.index('<main id="main"'):]
    assert main.index('id="errors"') < main.index("<h1>") < main.index('id="privacy-title"')
    (tag,) = re.findall(r'<div [^>]*id="errors"[^>]*>', text)
    assert 'tabindex="-1"' in tag and 'role="alert"' in tag
    targets = _links_reach_fields(text)
    assert {"f-notice_acknowledged", "f-subject", "f-details"} <= set(targets)


def test_the_phone_fields_get_their_keyboard_and_autofill(app):
    text = html(Browser(app).get("/complaint"))
    assert re.search(r'<input type="tel" id="f-complainant_phone"[^>]*inputmode="tel"', text)
    assert re.search(r'id="f-complainant_phone"[^>]*autocomplete="tel"', text)
    assert re.search(r'id="f-complainant_name"[^>]*autocomplete="name"', text)
    assert re.search(r'id="f-complainant_address"[^>]*autocomplete="street-address"', text)
    assert re.search(r'id="f-complainant_email"[^>]*autocomplete="email"', text)
    label = text[text.index('<label for="f-notice_acknowledged">'):]
    assert '<span class="req" aria-hidden="true">*</span>' in label[:label.index("</label>")]


def test_staff_forms_summarise_alike(browser):
    staff = browser("staff")
    staff.get("/start/publishing")
    refused = staff.post("/start/publishing", {"title": ""})
    assert refused.status_code == 400
    assert _links_reach_fields(html(refused))


def test_the_scripts_and_icons_are_served_by_govflow(app):
    client = app.test_client()
    page = html(client.get("/complaint"))
    assert '<script src="/static/error-focus.js" defer></script>' in page
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert 'src="/office-logo"' in page
    script = client.get("/static/error-focus.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "script-src 'self'" in client.get("/complaint").headers["Content-Security-Policy"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO
    logo = client.get("/office-logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data == app.extensions["govflow"].office.logo_bytes
