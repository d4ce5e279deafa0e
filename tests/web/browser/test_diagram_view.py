"""The case diagram in chromium: the current step of a publishing case is on screen at
1280 px, a phone shows the list of steps instead, and the keyboard zooms."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.core.config import Settings
from engine.services.admin.users import actor_by_username
from engine.services.inbox import instances, tasks
from engine.workflow.runtime import Runtime
from tests.samples import PUBLISHING_REQUEST, SCENARIOS
from tests.web.browser.support import Server, shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def publishing_case(server: Server) -> int:
    """A publishing request approved up to its last step, publishing it (far right)."""
    from pathlib import Path

    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        iid = instances.start_instance(rt, actor_by_username(rt, "somsri"), "publishing",
                                       PUBLISHING_REQUEST)["id"]
        users = {"director": "director", "web_admin": "webadmin", "ict_head": "icthead"}
        for role, data in SCENARIOS["publishing_approved"][3][:3]:
            who = actor_by_username(rt, users[role])
            (task,) = instances.get_instance(rt, who, iid)["tasks"]
            tasks.claim_task(rt, who, task["id"])
            tasks.complete_task(rt, who, task["id"], data)
        return iid
    finally:
        rt.close()


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] and inner["y"] >= outer["y"]
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


def test_the_current_step_is_in_the_visible_box(page: Page, publishing_case: int) -> None:
    sign_in(page, "webadmin")
    page.goto(f"/cases/{publishing_case}")
    box = page.get_by_role("region", name="แผนภาพกระบวนงานของเรื่องนี้ พร้อมสถานะของแต่ละขั้นตอน")
    box.scroll_into_view_if_needed()
    current = page.locator("#diagram-current")
    expect(current).to_have_attribute("data-element-id", "publish_item")
    expect(page.get_by_role("button", name="ขยาย")).to_be_visible()  # the script ran
    assert _inside(current.bounding_box(), box.bounding_box())
    # And the steps list is for screen readers only here: the drawing is what shows.
    steps = page.locator("ol.steps")
    assert steps.bounding_box()["width"] <= 1
    shot(page, "diagram-01-wide")


def test_keyboard_zooms_and_pans(page: Page, publishing_case: int) -> None:
    sign_in(page, "webadmin")
    page.goto(f"/cases/{publishing_case}")
    box = page.locator(".diagram-box")
    svg = page.locator(".diagram-canvas svg")
    fitted = svg.bounding_box()["width"]
    box.focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    zoomed = svg.bounding_box()["width"]
    assert zoomed > fitted * 1.4
    # Zoomed about the middle, so there is room to pan either way.
    left = box.evaluate("b => b.scrollLeft")
    assert 0 < left < box.evaluate("b => b.scrollWidth - b.clientWidth")
    page.keyboard.press("ArrowRight")
    assert box.evaluate("b => b.scrollLeft") > left
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert box.evaluate("b => b.scrollLeft") < left
    page.keyboard.press("0")
    assert svg.bounding_box()["width"] == pytest.approx(fitted, abs=2)
    page.get_by_role("button", name="ย่อ").click()
    assert svg.bounding_box()["width"] < fitted
    # With the Thai keyboard layout on, the "=" key types "ช": it zooms all the same.
    box.focus()
    page.keyboard.press("0")
    assert svg.bounding_box()["width"] == pytest.approx(fitted, abs=2)
    box.dispatch_event("keydown", {"key": "ช", "code": "Equal"})
    assert svg.bounding_box()["width"] > fitted * 1.2


def test_a_phone_lists_the_steps_instead(page: Page, publishing_case: int) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "webadmin")
    page.goto(f"/cases/{publishing_case}")
    steps = page.locator("ol.steps")
    expect(steps).to_be_visible()
    expect(page.locator(".diagram-box")).to_be_hidden()
    current = steps.locator("li[aria-current='step']")
    expect(current).to_contain_text("ขั้นตอนปัจจุบัน")
    expect(current).to_contain_text("นำข้อมูลขึ้นเผยแพร่บนเว็บไซต์")
    expect(steps.locator("li.step-done")).to_have_count(3)
    assert steps.bounding_box()["width"] <= 390
    shot(page, "diagram-02-phone")
