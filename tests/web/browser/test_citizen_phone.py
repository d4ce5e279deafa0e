"""Issue 15 points 2 and 4 in Debian's chromium: a citizen's complaint is filed once, however
the browser is used, and a refused send shows its errors first on a phone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine.core.config import Settings
from engine.core.models import ProcessInstance
from engine.workflow.runtime import Runtime
from tests.web.browser.support import Server, field, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
SUBJECT = "ร้องเรียนการเบิกค่าวัสดุเกินจริง"
DETAILS = "มีการเบิกค่าวัสดุสำนักงานเกินจริงในเดือนพฤศจิกายน ใบเสร็จไม่ตรงกับของที่ได้รับ"


def _cases(server: Server) -> int:
    """The complaints in the server's own database, counted there, not on a page."""
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        with rt.db.read() as session:
            return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0
    finally:
        rt.close()


def _fill(page: Page) -> None:
    page.get_by_role("checkbox", name=re.compile(
        r"^ข้าพเจ้าได้อ่านและรับทราบประกาศความเป็นส่วนตัวแล้ว")).check()
    field(page, "เรื่อง").fill(SUBJECT)
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(DETAILS)
    field(page, "ประเภทเรื่องร้องเรียน").select_option(index=1)


def _send(page: Page) -> None:
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()


def test_reloading_the_receipt_and_sending_again_from_back_file_one_case(
        page: Page, server: Server) -> None:
    before = _cases(server)
    page.goto("/complaint")
    token = page.locator("input[name=filing_token]").input_value()
    _fill(page)
    _send(page)
    expect(page).to_have_url(re.compile(r"/complaint/receipt$"))
    expect(page.get_by_text("สำนักงานได้รับเรื่องร้องเรียนของท่านแล้ว")).to_be_visible()
    code = page.locator("#receipt-code").inner_text().strip()
    expect(page.locator("#receipt-secret")).to_be_visible()
    assert _cases(server) == before + 1

    # A reload is a GET: the same receipt, without the secret, and nothing filed.
    page.reload()
    expect(page.locator("#receipt-code")).to_have_text(code)
    expect(page.locator("#secret-shown")).to_be_visible()
    expect(page.locator("#receipt-secret")).to_have_count(0)
    assert _cases(server) == before + 1

    # Back to the form and send it again. A browser that kept the page sends the same
    # token; one that fetched it again (this one, with Playwright's back-forward cache
    # off) sends a new token with the same words it refilled: one case either way.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/complaint$"))
    if page.locator("input[name=filing_token]").input_value() != token:
        expect(field(page, "เรื่อง")).to_have_value(SUBJECT)
    _fill(page)
    _send(page)
    expect(page).to_have_url(re.compile(r"/complaint/receipt$"))
    expect(page.locator("#receipt-again")).to_be_visible()
    expect(page.locator("#receipt-code")).to_have_text(code)
    assert _cases(server) == before + 1


def test_the_receipt_prints_from_a_button_and_names_the_office(page: Page,
                                                               server: Server) -> None:
    page.goto("/complaint")
    _fill(page)
    _send(page)
    expect(page.locator(".receipt-office-name")).to_contain_text("สำนักงานเขตพื้นที่การศึกษา")
    logo = page.locator("img.receipt-logo")
    expect(logo).to_be_visible()
    assert page.evaluate("document.querySelector('img.receipt-logo').naturalWidth") > 0
    # The served script shows the button and hands the press to the browser's printing.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button = page.get_by_role("button", name="พิมพ์หรือบันทึกเป็น PDF")
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.printed") == 1
    # On paper: the receipt, without the site's header, menus or the button.
    page.emulate_media(media="print")
    expect(page.locator("header.bar")).to_be_hidden()
    expect(button).to_be_hidden()
    expect(page.locator("#receipt-code")).to_be_visible()
    page.emulate_media(media="screen")
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert page.locator("link[rel=icon]").get_attribute("href") == "/favicon.ico"


def test_on_a_phone_the_errors_come_first_and_take_the_focus(page: Page,
                                                              server: Server) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/complaint")
    expect(page.locator("header.bar img.brand-logo")).to_be_visible()
    phone = page.locator("#f-complainant_phone")
    assert phone.get_attribute("type") == "tel" and phone.get_attribute("inputmode") == "tel"
    assert phone.get_attribute("autocomplete") == "tel"
    assert page.locator("#f-complainant_name").get_attribute("autocomplete") == "name"
    assert page.locator("#f-complainant_address").get_attribute(
        "autocomplete") == "street-address"
    assert page.locator("#f-complainant_email").get_attribute("autocomplete") == "email"
    expect(page.locator("label[for=f-notice_acknowledged] .req")).to_have_text("*")

    before = _cases(server)
    _send(page)  # nothing filled in
    summary = page.locator("#errors")
    expect(summary).to_be_visible()
    shot(page, "citizen-phone-errors")
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    assert page.evaluate("document.activeElement.id") == "errors"
    # Before the privacy notice, and each error a link to its field.
    assert page.evaluate(
        "document.getElementById('errors').compareDocumentPosition("
        "document.getElementById('privacy-title')) & Node.DOCUMENT_POSITION_FOLLOWING") > 0
    link = summary.locator("a[href='#f-subject']")
    expect(link).to_be_visible()
    link.click()
    assert page.evaluate("document.activeElement.id") == "f-subject"
    assert _cases(server) == before
