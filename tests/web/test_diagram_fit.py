"""The case page's diagram: drawn inline, fitted to its box, the current step marked, a
focusable scroll region with zoom buttons for the script, and the steps as a list."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from tests.web.publication_support import TO_PUBLISH, drive, open_task, start
from tests.web_client import html
from webui import CONTENT_SECURITY_POLICY

pytest_plugins = ("tests.web_support",)


def _case_page(sqlite_runtime, web_people, browser):
    iid = start(sqlite_runtime, web_people)
    drive(sqlite_runtime, web_people, iid, TO_PUBLISH[:2])  # director, then web admin
    response = browser("ict_head").get(f"/cases/{iid}")
    assert response.status_code == 200
    return iid, response, lxml_html.fromstring(html(response))


def test_the_diagram_fits_and_marks_the_current_step(sqlite_runtime, web_people, browser):
    _, response, doc = _case_page(sqlite_runtime, web_people, browser)
    [svg] = doc.xpath("//div[@class='diagram-canvas']/svg")
    assert svg.get("width") == "100%" and svg.get("height") is None
    assert re.fullmatch(r"[-\d.]+ [-\d.]+ [\d.]+ [\d.]+", svg.get("viewbox") or svg.get("viewBox"))
    [current] = doc.xpath("//*[@id='diagram-current']")
    assert current.get("data-element-id") == "ict_head_decision"
    assert "state-active" in current.get("class").split()
    # No <style> or script inside: the page's policy allows neither inline.
    assert not svg.xpath(".//style|.//script")
    assert doc.xpath("//a[@href='#diagram-current']")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_the_scroll_box_is_a_focusable_region_with_zoom_buttons(sqlite_runtime, web_people,
                                                                 browser):
    _, _, doc = _case_page(sqlite_runtime, web_people, browser)
    [box] = doc.xpath("//div[contains(@class, 'diagram-box')]")
    assert box.get("tabindex") == "0" and box.get("role") == "region"
    assert box.get("aria-label")
    tools = doc.xpath("//div[@class='diagram-tools']")[0]
    assert tools.get("hidden") is not None  # shown by the script only: they need it
    zooms = {b.get("data-zoom"): b.get("aria-controls") for b in tools.xpath(".//button")}
    assert zooms == {"in": box.get("id"), "out": box.get("id"), "fit": box.get("id")}
    scripts = doc.xpath("//script")
    assert [s.get("src") for s in scripts].count("/static/diagram.js") == 1
    assert all(s.get("src", "").startswith("/static/") and not (s.text or "").strip()
               for s in scripts), "every script is a file govflow serves, never inline"


def test_the_steps_are_listed_with_their_state(sqlite_runtime, web_people, browser):
    _, _, doc = _case_page(sqlite_runtime, web_people, browser)
    steps = doc.xpath("//ol[@class='steps']/li")
    states = [" ".join(li.xpath(".//span[@class='step-state']//text()")).strip()
              for li in steps]
    names = [li.xpath("string(.//span[@class='step-name'])") for li in steps]
    assert states[:4] == ["เสร็จแล้ว", "เสร็จแล้ว", "ขั้นตอนปัจจุบัน", "ยังไม่ถึง"]
    assert names[2].startswith("ผู้อำนวยการกลุ่ม ICT")
    assert [li.get("aria-current") for li in steps].count("step") == 1
    done_meta = steps[0].xpath("string(.//span[@class='step-meta'])")
    assert re.search(r"25\d\d", done_meta)  # the Buddhist Era year of completion
    assert "ยังไม่มีผู้รับ" in steps[2].xpath("string(.//span[@class='step-meta'])")


def test_the_diagram_file_and_the_page_agree(sqlite_runtime, web_people, browser):
    iid, _, doc = _case_page(sqlite_runtime, web_people, browser)
    svg = browser("ict_head").get(f"/cases/{iid}/diagram.svg")
    assert svg.status_code == 200 and 'id="diagram-current"' in svg.get_data(as_text=True)
    assert doc.xpath(f"//a[@href='/cases/{iid}/diagram.svg']")


def test_names_from_the_file_stay_text_in_the_page(sqlite_runtime, web_people, browser):
    from engine.core.models import Task

    iid = start(sqlite_runtime, web_people)
    task = open_task(sqlite_runtime, web_people.director, iid)
    with sqlite_runtime.db.write() as session:
        session.get(Task, task["id"]).name = "<img src=x onerror=alert(1)>"
    page = html(browser("director").get(f"/cases/{iid}"))
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_finished_case_lists_the_steps_it_skipped(sqlite_runtime, web_people, browser):
    from tests.samples import SCENARIOS

    iid = start(sqlite_runtime, web_people)
    drive(sqlite_runtime, web_people, iid, SCENARIOS["publishing_approved"][3])
    doc = lxml_html.fromstring(html(browser("web_admin").get(f"/cases/{iid}")))
    states = {li.xpath("string(.//span[@class='step-name'])"):
              li.xpath("string(.//span[@class='step-state'])").strip()
              for li in doc.xpath("//ol[@class='steps']/li")}
    assert states["นำข้อมูลขึ้นเผยแพร่บนเว็บไซต์"] == "เสร็จแล้ว"
    assert states["แก้ไขและส่งใหม่ หรือถอนเรื่อง"] == "ไม่ได้ผ่านขั้นตอนนี้"
    assert not doc.xpath("//*[@id='diagram-current']")
    assert not doc.xpath("//a[@href='#diagram-current']")
