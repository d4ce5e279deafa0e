"""With English chosen, no Thai is left on a page except data, and data is marked Thai.

Data is what people typed, the names the BPMN files give to processes and tasks, and the
office's name and address: each sits inside an element marked ``lang="th"``, so a screen
reader reads it in Thai and this test can tell it from a string left untranslated.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from flask import session

from engine.services.admin.users import add_user
from engine.services.inbox import instances, tasks
from tests.account_support import known_password
from tests.samples import COMPLAINT
from tests.web.publication_support import TO_PUBLISH, drive, open_task, published, start
from tests.web_client import Browser, form_of, html
from webui.forms_render import fields_for

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

THAI = re.compile("[\u0e00-\u0e7f]")
#: Attributes a person reads or hears, besides the text of elements.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
#: Not text for people (an inline ``<script>`` is refused by the CSP anyway), or by its
#: nature what a person typed: a text area shows back what was sent.
UNREAD = {"script", "style", "textarea"}
WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}


def _language_of(element) -> str:
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return str(node.get("lang"))
    return ""


def thai_outside_data(page: str) -> list[str]:
    """Each piece of Thai text on ``page`` that no ``lang="th"`` element holds."""
    tree = lxml.html.document_fromstring(page)
    assert tree.get("lang") == "en", "the page is not marked English"
    left = []
    for text in tree.xpath("//text()"):
        owner = text.getparent()
        if text.is_tail:
            owner = owner.getparent()
        if owner is None or owner.tag in UNREAD or not THAI.search(text):
            continue
        if owner.tag == "title":
            # A page's title may lead with data (an item's title) and cannot mark it
            # inside; what follows the last " · " is the site's own name.
            text = text.rsplit(" · ", 1)[-1]
            if not THAI.search(text):
                continue
        if _language_of(owner) != "th":
            left.append(f"<{owner.tag}> {text.strip()[:80]}")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        for name in READ_ATTRIBUTES:
            value = element.get(name) or ""
            if THAI.search(value) and _language_of(element) != "th":
                left.append(f"<{element.tag} {name}> {value[:80]}")
    return left


def english(browser: Browser) -> Browser:
    browser.post("/language", {"lang": "en", "next": "/"})
    return browser


class Pages:
    """The pages seen in a test, checked all together so one run lists every leftover."""

    def __init__(self) -> None:
        self.left: list[str] = []

    def check(self, response, where: str) -> None:
        assert response.status_code in (200, 201, 400), f"{where}: {response.status_code}"
        self.left += [f"{where}: {text}" for text in thai_outside_data(html(response))]

    def assert_all_english(self) -> None:
        assert not self.left, "Thai outside data:\n" + "\n".join(self.left)


def test_the_checker_sees_thai_left_outside_data() -> None:
    # Why: a checker that passes everything would pass every page below.
    page = ('<html lang="en"><body><p lang="th">ข้อมูล</p><p>Case <b>เรื่อง</b></p>'
            '<a title="ชื่อ" lang="en">x</a><script>var t = "ไทย";</script></body></html>')
    assert thai_outside_data(page) == ["<b> เรื่อง", "<a title> ชื่อ"]


@pytest.fixture
def cases(sqlite_runtime, web_people) -> dict[str, object]:
    """A complaint at its triage task, and a published request with its item."""
    rt, people = sqlite_runtime, web_people
    complaint = instances.start_instance(rt, people.legal_officer, "complaint", dict(COMPLAINT))
    (task,) = instances.get_instance(rt, people.legal_officer, complaint["id"])["tasks"]
    tasks.claim_task(rt, people.legal_officer, task["id"])
    request, publication = published(rt, people)
    return {"complaint": complaint["id"], "task": task["id"], "publication": publication,
            "request": request}


def test_public_pages_in_english_keep_thai_only_in_data(app, cases) -> None:
    pages, citizen = Pages(), english(Browser(app))
    for path in ("/", "/signin", "/complaint", "/track", "/public", "/public/1.1.1",
                 f"/public/items/{cases['publication']}"):
        pages.check(citizen.get(path), path)
    refused = citizen.post("/complaint", {**form_of(WEB), "subject": "", "email": "x@"})
    assert refused.status_code == 400
    pages.check(refused, "/complaint with errors")
    citizen.get("/complaint")
    receipt = citizen.post("/complaint", {**form_of(WEB), "notice_acknowledged": "on"},
                           follow=True)
    assert "receipt-code" in html(receipt)
    pages.check(receipt, "the receipt")
    pages.assert_all_english()


def test_staff_pages_in_english_keep_thai_only_in_data(
        app, browser, cases, sqlite_runtime, web_people) -> None:
    pages, legal = Pages(), english(browser("legal_officer"))
    for path in ("/inbox", "/inbox?view=group", f"/tasks/{cases['task']}",
                 f"/cases/{cases['complaint']}", "/start/complaint", "/search",
                 "/search?q=%E0%B8%A3%E0%B9%89%E0%B8%AD%E0%B8%87", "/my-requests"):
        pages.check(legal.get(path), path)
    refused = legal.post(f"/tasks/{cases['task']}/complete", {})
    assert refused.status_code == 400
    pages.check(refused, "the task form with errors")
    head = english(browser("legal_head"))
    pages.check(head.get("/inbox?view=all"), "/inbox?view=all")
    pages.check(head.get("/escalations"), "/escalations")
    add_user(sqlite_runtime, "owner", ["process_owner"], "ICT")
    owner = Browser(app)
    owner.signin("owner", known_password(sqlite_runtime, web_people.admin, "owner"))
    pages.check(english(owner).get("/owner/processes"), "/owner/processes")
    pages.check(english(browser("admin")).get("/admin/users"), "/admin/users")
    staff = english(browser("staff"))
    pages.check(staff.get("/start/publishing"), "/start/publishing")
    pages.check(staff.get(f"/cases/{cases['request']}"), "a published request's case page")
    pages.assert_all_english()


def test_case_pages_label_values_and_hide_internal_variables(browser, cases) -> None:
    legal = browser("legal_officer")
    thai = html(legal.get(f"/cases/{cases['complaint']}"))
    assert "<dt>ประเภทเรื่องร้องเรียน</dt>" in thai and "<dd>ทุจริตในการจัดซื้อจัดจ้าง</dd>" in thai
    for internal in ("triage_days", "follow_up_days", "complainant_identified", "<code>"):
        assert internal not in thai
    text = html(english(legal).get(f"/cases/{cases['complaint']}"))
    assert "<dt>Kind of complaint</dt>" in text and "<dd>Corruption in procurement</dd>" in text
    assert '<dd lang="th">ร้องเรียนการจัดซื้อจัดจ้างโรงเรียน</dd>' in text  # typed: data
    assert "triage_days" not in text and "complainant_identified" not in text


def test_a_missing_choice_asks_to_choose_in_each_language(browser, cases) -> None:
    legal = browser("legal_officer")
    legal.get(f"/tasks/{cases['task']}")
    thai = html(legal.post(f"/tasks/{cases['task']}/complete", {}))
    assert "กรุณาเลือก ผลการคัดกรอง" in thai and "กรุณากรอก ผลการคัดกรอง" not in thai
    text = html(english(legal).post(f"/tasks/{cases['task']}/complete", {}))
    assert "Please choose “Screening outcome”." in text
    assert "Some fields are not filled in correctly. Please correct each field named." in text


def test_publishing_words_fit_publishing(browser, sqlite_runtime, web_people) -> None:
    iid = start(sqlite_runtime, web_people)
    drive(sqlite_runtime, web_people, iid, TO_PUBLISH)
    web_admin = browser("web_admin")
    task = open_task(sqlite_runtime, web_people.web_admin, iid)
    tasks.claim_task(sqlite_runtime, web_people.web_admin, task["id"])
    publish = html(web_admin.get(f"/tasks/{task['id']}"))
    assert "หมวดหมู่ที่เผยแพร่" in publish and "ต้องกรอก" not in publish  # nothing required
    request_form = html(browser("staff").get("/start/publishing"))
    assert "ต้องกรอก" in request_form and "หนังสือร้องเรียน" not in request_form
    assert "หนังสือร้องเรียน" in html(browser("legal_officer").get("/start/complaint"))


def test_a_field_without_english_shows_its_thai_marked_thai(app) -> None:
    schema = {"properties": {
        "note": {"type": "string", "title": "หมายเหตุ"},
        "done": {"type": "boolean", "title": "เสร็จแล้ว", "x-title-en": "Done"},
    }}
    with app.test_request_context():
        session["lang"] = "en"
        fields = fields_for(schema)
    assert [(f.label, f.lang) for f in fields] == [("หมายเหตุ", "th"), ("Done", "")]
