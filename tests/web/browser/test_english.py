"""With English chosen in a real chromium, no Thai is left on a page except data.

Data (what people typed, BPMN names, the office's name) sits inside an element marked
``lang="th"``; the check walks the rendered document's text nodes the way a screen reader
meets them, after the browser has parsed the page (the Flask-client twin of this test is
tests/web/test_english_pages.py, which covers every main page).
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.samples import COMPLAINT
from tests.web.browser.support import shot, sign_in

pytestmark = pytest.mark.browser

#: Each text node with Thai whose nearest ``lang`` is not "th", and the title if Thai
#: shows in its own part (after the last " · ", the part that is not data).
LEFT_OVER = r"""() => {
  const thai = /[\u0E00-\u0E7F]/, left = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, owner = node.parentElement;
    if (!owner || ["SCRIPT", "STYLE", "TEXTAREA"].includes(owner.tagName)) continue;
    if (!thai.test(node.textContent)) continue;
    const holder = owner.closest("[lang]");
    if (!holder || holder.getAttribute("lang") !== "th") {
      left.push(owner.tagName + ": " + node.textContent.trim().slice(0, 80));
    }
  }
  if (thai.test(document.title.split(" · ").pop())) left.push("TITLE: " + document.title);
  return left;
}"""


def field(page: Page, label: str):
    """The input labelled ``label`` in English; a required one's label adds "* (required)"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?(\s*\(required\))?$"))


def to_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def assert_no_thai_outside_data(page: Page, where: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    left = page.evaluate(LEFT_OVER)
    assert not left, f"{where} shows Thai outside data: {left}"


def test_complaint_form_with_errors_is_english_but_data(page: Page) -> None:
    page.goto("/complaint")
    to_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("File a corruption complaint")
    assert_no_thai_outside_data(page, "/complaint")
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator(".alert-error").first).to_be_visible()
    # A whole sentence: a capital first and a full stop last, never a cut-off fragment.
    expect(page.locator(".alert-error p").first).to_have_text(re.compile(r"^⚠ [A-Z].*\.$"))
    shot(page, "english-01-complaint-errors")
    assert_no_thai_outside_data(page, "/complaint with errors")


def test_start_and_task_forms_are_english_but_data(page: Page) -> None:
    sign_in(page, "nitikorn")
    to_english(page)
    page.goto("/start/complaint")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a corruption complaint")
    page.get_by_role("button", name="Save and start the case").click()
    wanted = "Please fill in “Subject”."
    expect(page.locator("#errors").get_by_role("link", name=wanted, exact=True)).to_be_visible()
    expect(page.locator("#f-subject-error")).to_contain_text(wanted)
    assert_no_thai_outside_data(page, "the start form with errors")

    field(page, "Subject").fill(COMPLAINT["subject"])
    field(page, "Facts or conduct").fill(COMPLAINT["details"])
    field(page, "Kind of complaint").select_option(label="Corruption in procurement")
    page.get_by_role("group", name=re.compile("^Received through")).get_by_role(
        "radio", name="Letter", exact=True).check()
    # Today, as a Thai clerk types it: a received date may not lie in the future.
    today = datetime.now(ZoneInfo("Asia/Bangkok")).date()
    field(page, "Date received").fill(f"{today:%d/%m}/{today.year + 543}")
    page.get_by_role("button", name="Save and start the case").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPLAINT["subject"])
    assert_no_thai_outside_data(page, "the case page")

    page.get_by_role("region", name="Open tasks").get_by_role("link").first.click()
    page.get_by_role("button", name="Claim this task").click()
    page.get_by_role("button", name="Save and complete").click()
    expect(page.get_by_text("Please choose “Screening outcome”.").first).to_be_visible()
    shot(page, "english-02-task-errors")
    assert_no_thai_outside_data(page, "the task form with errors")
