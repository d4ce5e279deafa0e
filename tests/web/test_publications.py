"""Publications: made by the publish step, replaced by a newer request, withdrawn by a web
administrator; and the staff pages that list them with their history."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from engine.core.config import REPO_ROOT
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.core.models import AuditEvent, Publication, PublicationFile
from engine.services.inbox import attachments, instances, tasks
from engine.services.publishing import requests as publications
from engine.services.publishing import website as public_info
from tests.samples import PUBLISHING_REQUEST, SCENARIOS, SOURCE
from tests.web.publication_support import (
    PDF,
    PNG,
    PUBLISH,
    TO_PUBLISH,
    drive,
    open_task,
    pdf,
    publication,
    publication_of,
    published,
    start,
    step,
)
from tests.web_client import html

pytest_plugins = ("tests.web_support",)

FORMS = REPO_ROOT / "processes" / "forms"


def _count(rt, model) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


# ---- the publish step makes the publication ----------------------------------------------

def test_the_publish_step_publishes_the_request_with_its_files(runtime, people):
    iid = start(runtime, people, files=[pdf("แผน.pdf"), pdf("ภาคผนวก.pdf", PDF + b"2")])
    drive(runtime, people, iid, TO_PUBLISH)
    assert publication_of(runtime, iid) is None  # approved is not yet published
    step(runtime, people.web_admin, iid, PUBLISH[1])
    row = publication_of(runtime, iid)
    assert row is not None and row.status == "published"
    assert (row.category, row.title, row.details, row.external_link) == (
        "1.1.1", PUBLISHING_REQUEST["title"], PUBLISHING_REQUEST["details"],
        PUBLISHING_REQUEST["external_link"])
    assert row.legal_basis == "oia_s7"
    assert row.legal_basis_title == "มาตรา 7 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540"
    assert row.unit_name == PUBLISHING_REQUEST["unit"] and row.unit_id == people.staff.unit_id
    assert row.source_owner == SOURCE["source_owner"] and row.note == PUBLISH[1]["publish_note"]
    assert row.published_by == "web_admin" and row.published_by_id == people.web_admin.id
    view = publications.get_publication(runtime, people.staff, row.id)
    assert [f["filename"] for f in view["files"]] == ["แผน.pdf", "ภาคผนวก.pdf"]
    # A file attached to the case afterwards is not published by itself.
    attachments.add_attachment(runtime, people.staff, iid, "ใหม่.png", "image/png", PNG)
    later = publications.get_publication(runtime, people.staff, row.id)
    assert [f["filename"] for f in later["files"]] == ["แผน.pdf", "ภาคผนวก.pdf"]
    with runtime.db.read() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "publication_published")).one()
    assert event.actor_name == "web_admin"
    assert event.detail["publication_id"] == row.id and event.detail["case"] == iid


def test_the_web_administrator_may_change_the_category(runtime, people):
    iid = start(runtime, people)
    drive(runtime, people, iid, TO_PUBLISH)
    task = open_task(runtime, people.web_admin, iid)
    form = tasks.get_task(runtime, people.web_admin, task["id"])
    assert form["prefill"]["category"] == "1.1.1"  # prefilled from the request
    assert "published_url" not in form["form"]["properties"]
    step(runtime, people.web_admin, iid, {"category": "1.1.8"})
    assert publication_of(runtime, iid).category == "1.1.8"


def test_a_category_the_form_does_not_list_is_refused(runtime, people):
    iid = start(runtime, people)
    drive(runtime, people, iid, TO_PUBLISH)
    with pytest.raises(InvalidData) as refused:
        step(runtime, people.web_admin, iid, {"category": "9.9"})
    assert "category" in refused.value.fields
    assert publication_of(runtime, iid) is None
    assert "นำข้อมูลขึ้นเผยแพร่" in open_task(runtime, people.web_admin, iid)["name"]


@pytest.mark.parametrize("scenario", ["publishing_returned_withdrawn"])
def test_a_returned_and_withdrawn_request_publishes_nothing(runtime, people, scenario):
    _starter, _key, data, steps = SCENARIOS[scenario]
    iid = start(runtime, people, data)
    drive(runtime, people, iid, steps)
    assert instances.get_instance(runtime, people.staff, iid)["status"] == "completed"
    assert publication_of(runtime, iid) is None and _count(runtime, Publication) == 0


def test_a_rejected_request_publishes_nothing_until_resubmitted_and_approved(runtime, people):
    _starter, _key, data, steps = SCENARIOS["publishing_rejected_revised_resubmitted"]
    iid = start(runtime, people, data)
    drive(runtime, people, iid, steps[:3])  # the ICT head rejects it
    assert publication_of(runtime, iid) is None
    drive(runtime, people, iid, steps[3:])  # revised, resubmitted, approved, published
    row = publication_of(runtime, iid)
    assert row.title == "แผนปฏิบัติการ (ฉบับแก้ไข)" and row.status == "published"
    assert _count(runtime, Publication) == 1


def test_the_publish_form_lists_the_request_forms_categories():
    def categories(name: str) -> list:
        form = json.loads((FORMS / f"publishing-{name}.schema.json").read_text("utf-8"))
        return form["properties"]["category"]["oneOf"]

    # The request form holds the titles; the others must not drift from it.
    assert categories("publish") == categories("request") == categories("revise")


# ---- replacing -------------------------------------------------------------------------

def test_a_new_request_that_names_an_item_replaces_it(runtime, people):
    _iid, old = published(runtime, people)
    iid, new = published(runtime, people, {"title": "แผนปฏิบัติการ ฉบับปรับปรุง",
                                           "replaces": old})
    assert publication(runtime, old).status == "superseded"
    assert publication(runtime, old).superseded_by_id == new
    assert publication(runtime, new).replaces_id == old
    history = publications.get_publication(runtime, people.staff, old)["history"]
    assert [e["action"] for e in history] == ["published", "superseded"]
    assert history[1]["superseded_by_id"] == new and history[1]["who"]
    assert publications.get_publication(runtime, people.staff, new)["history"][0][
        "replaces_id"] == old
    assert publication_of(runtime, iid).id == new


def test_the_item_to_replace_must_exist_and_be_published(runtime, people):
    _iid, old = published(runtime, people)
    publications.withdraw(runtime, people.web_admin, old, "ข้อมูลไม่เป็นปัจจุบัน")
    for replaces, words in ((old, "ถูกถอน"), (99999, "ไม่มีรายการ")):
        iid = start(runtime, people, {"replaces": replaces})
        drive(runtime, people, iid, TO_PUBLISH)
        with pytest.raises(InvalidData) as refused:
            step(runtime, people.web_admin, iid, {})
        assert words in refused.value.fields["replaces"]
        assert publication_of(runtime, iid) is None  # nothing changed
        assert publication(runtime, old).status == "withdrawn"
    # The web administrator's way out: publish it as a new item.
    step(runtime, people.web_admin, iid, {"publish_as_new": True})
    assert publication_of(runtime, iid).replaces_id is None
    assert _count(runtime, Publication) == 2


def test_an_item_is_replaced_only_once(runtime, people):
    _iid, old = published(runtime, people)
    first = start(runtime, people, {"replaces": old})
    second = start(runtime, people, {"replaces": old})
    drive(runtime, people, first, [*TO_PUBLISH, PUBLISH])
    drive(runtime, people, second, TO_PUBLISH)
    with pytest.raises(InvalidData) as refused:
        step(runtime, people.web_admin, second, {})
    assert "ถูกแทนที่" in refused.value.fields["replaces"]
    assert publication(runtime, old).superseded_by_id == publication_of(runtime, first).id


def test_replaces_on_the_revise_form(runtime, people):
    _iid, old = published(runtime, people)
    iid = start(runtime, people)
    drive(runtime, people, iid, [("director", {"director_decision": "return",
                                               "director_reason": "ระบุรายการเดิม"})])
    revised = {k: v for k, v in PUBLISHING_REQUEST.items() if k not in ("unit", "request_date")}
    drive(runtime, people, iid, [("staff", {**revised, "revise_action": "resubmit",
                                            "replaces": old}), *TO_PUBLISH, PUBLISH])
    assert publication(runtime, old).status == "superseded"


# ---- withdrawing ------------------------------------------------------------------------

def test_withdrawing_is_for_web_administrators_with_a_reason(runtime, people):
    _iid, pid = published(runtime, people)
    for name in ("staff", "director", "ict_head", "admin"):
        with pytest.raises(Forbidden):
            publications.withdraw(runtime, people.all()[name], pid, "เหตุผล")
    for reason in ("", "   ", None, "x" * (publications.MAX_REASON + 1)):
        with pytest.raises(InvalidData) as refused:
            publications.withdraw(runtime, people.web_admin, pid, reason)
        assert "reason" in refused.value.fields
    assert publication(runtime, pid).status == "published"
    view = publications.withdraw(runtime, people.web_admin, pid, "พบข้อมูลส่วนบุคคล")
    assert view["status"] == "withdrawn" and not view["may_withdraw"]
    row = publication(runtime, pid)
    assert (row.withdrawn_by, row.withdrawn_reason) == ("web_admin", "พบข้อมูลส่วนบุคคล")
    assert [e["action"] for e in view["history"]] == ["published", "withdrawn"]
    assert view["history"][1]["reason"] == "พบข้อมูลส่วนบุคคล"
    with pytest.raises(Conflict):
        publications.withdraw(runtime, people.web_admin, pid, "อีกครั้ง")
    with runtime.db.read() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "publication_withdrawn")).all()
    assert [(e.actor_name, e.detail["publication_id"]) for e in events] == [("web_admin", pid)]
    assert "พบข้อมูลส่วนบุคคล" not in json.dumps(events[0].detail, ensure_ascii=False)


def test_files_are_linked_not_copied(runtime, people):
    _iid, pid = published(runtime, people, files=[pdf()])
    with runtime.db.read() as session:
        assert session.scalar(select(func.count()).select_from(PublicationFile).where(
            PublicationFile.publication_id == pid)) == 1


# ---- staff pages ------------------------------------------------------------------------

def test_staff_list_filters_and_history_page(sqlite_runtime, web_people, browser):
    rt, people = sqlite_runtime, web_people
    iid, first = published(rt, people, {"title": "ประกาศรับสมัครงาน", "category": "1.3.5"})
    _iid2, second = published(rt, people, {"title": "แผนงบประมาณ"})
    publications.withdraw(rt, people.web_admin, first, "ประกาศผิดฉบับ")
    staff = browser("staff_other_unit")
    page = html(staff.get("/publications"))
    assert "ข้อมูลที่เผยแพร่" in page and "ประกาศรับสมัครงาน" in page and "แผนงบประมาณ" in page
    assert "ถอนการเผยแพร่แล้ว" in page and "เผยแพร่อยู่" in page
    only_withdrawn = html(staff.get("/publications?status=withdrawn"))
    assert "ประกาศรับสมัครงาน" in only_withdrawn and "แผนงบประมาณ" not in only_withdrawn
    by_category = html(staff.get("/publications?category=1.3.5"))
    assert "ประกาศรับสมัครงาน" in by_category and "แผนงบประมาณ" not in by_category
    searched = html(staff.get("/publications?q=งบประมาณ"))
    assert "แผนงบประมาณ" in searched and "ประกาศรับสมัครงาน" not in searched
    for bad in ("status=nonsense", "category=9.9", "q=" + "ก" * 101):
        refused = staff.get(f"/publications?{bad}")
        assert refused.status_code == 400 and "alert" in html(refused), bad
    # History: who, when, why; the case link only for those who may see the case.
    detail = html(staff.get(f"/publications/{first}"))
    history = detail[detail.index('id="history"'):]
    assert re.search(r"web_admin</span>\s*<span class=\"what\">\s*ถอนการเผยแพร่", history)
    assert "ประกาศผิดฉบับ" in history and "ถอนการเผยแพร่แล้ว" in detail
    assert f'href="/cases/{iid}"' not in detail  # another unit's staff cannot see the case
    assert 'name="reason"' not in detail  # and may not withdraw
    owner = html(browser("staff").get(f"/publications/{first}"))
    assert f'href="/cases/{iid}"' in owner
    assert browser("director").get(f"/publications/{second}").status_code == 200
    assert staff.get("/publications/99999").status_code == 404
    assert staff.get(f"/publications/{2**40}").status_code == 404


def test_staff_pages_need_sign_in(app, sqlite_runtime, web_people):
    _iid, pid = published(sqlite_runtime, web_people)
    client = app.test_client()
    for path in ("/publications", f"/publications/{pid}"):
        response = client.get(path)
        assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_withdraw_through_the_page(sqlite_runtime, web_people, browser):
    _iid, pid = published(sqlite_runtime, web_people)
    for name in ("staff", "director", "ict_head"):
        other = browser(name)
        other.get(f"/publications/{pid}")
        assert other.post(f"/publications/{pid}/withdraw",
                          {"reason": "ไม่ควรเผยแพร่"}).status_code == 403
    web_admin = browser("web_admin")
    page = html(web_admin.get(f"/publications/{pid}"))
    assert 'name="reason"' in page and 'name="csrf_token"' in page
    empty = web_admin.post(f"/publications/{pid}/withdraw", {"reason": "  "})
    assert empty.status_code == 400 and "กรุณาระบุเหตุผล" in html(empty)
    assert publication(sqlite_runtime, pid).status == "published"
    # Without the CSRF token nothing happens either.
    forged = web_admin.client.post(f"/publications/{pid}/withdraw", data={"reason": "x"})
    assert forged.status_code == 400
    assert publication(sqlite_runtime, pid).status == "published"
    web_admin.get(f"/publications/{pid}")
    done = web_admin.post(f"/publications/{pid}/withdraw", {"reason": "ข้อมูลไม่ถูกต้อง"})
    assert done.status_code == 302
    after = html(web_admin.get(done.headers["Location"]))
    assert "ถอนรายการเลขที่" in after and "ข้อมูลไม่ถูกต้อง" in after
    assert publication(sqlite_runtime, pid).status == "withdrawn"
    again = web_admin.post(f"/publications/{pid}/withdraw", {"reason": "ซ้ำ"})
    assert again.status_code in (400, 409)


def test_publish_step_through_the_task_page(sqlite_runtime, web_people, browser):
    iid = start(sqlite_runtime, web_people)
    drive(sqlite_runtime, web_people, iid, TO_PUBLISH)
    web_admin = browser("web_admin")
    task_id = open_task(sqlite_runtime, web_people.web_admin, iid)["id"]
    page = html(web_admin.get(f"/tasks/{task_id}"))
    assert '<option value="1.1.1" selected' in page  # the request's category, prefilled
    assert "published_url" not in page and 'name="publish_note"' in page
    done = web_admin.post(f"/tasks/{task_id}/complete", {"category": "1.1.2"})
    assert done.status_code == 302, html(done)[:2000]
    row = publication_of(sqlite_runtime, iid)
    assert row.category == "1.1.2"
    listed = html(web_admin.get("/publications"))
    assert f'href="/publications/{row.id}"' in listed


# ---- the public reading side on both databases ------------------------------------------------

def test_public_reading_on_both_databases(runtime, people):
    _iid, pid = published(runtime, people, {"title": "Annual PLAN 100%", "category": "1.2"})
    _iid, gone = published(runtime, people, {"title": "Annual report", "category": "1.2"})
    publications.withdraw(runtime, people.web_admin, gone, "ผิดหมวด")
    found = public_info.category(runtime, "1.2", q="annual plan")
    assert [i["id"] for i in found["items"]] == [pid] and found["total"] == 1
    assert public_info.category(runtime, "1.2", q="100%")["total"] == 1
    assert public_info.category(runtime, "1.2", q="1_0")["total"] == 0
    assert public_info.category(runtime, "1.2", q="\x00annual")["total"] == 1
    feed = public_info.feed(runtime, "1.2")
    assert [i["id"] for i in feed["items"]] == [pid]
    assert isinstance(feed["updated"], datetime) and feed["updated"].tzinfo is not None
    assert feed["updated"] >= publication(runtime, gone).withdrawn_at  # the withdrawal counts
    index = public_info.index(runtime)
    group = next(g for g in index["groups"] if g["code"] == "1.2")
    assert group["count"] == 1 and index["total"] == 1
    with pytest.raises(public_info.Gone):
        public_info.item(runtime, gone)
    for missing in (99999, 2**40):
        with pytest.raises(NotFound):
            public_info.item(runtime, missing)


def test_the_case_page_links_the_request_form_and_the_published_item(sqlite_runtime,
                                                                      web_people, browser):
    instance_id, number = published(sqlite_runtime, web_people)
    page = html(browser("staff").get(f"/cases/{instance_id}"))
    assert f'href="/cases/{instance_id}/request-form.pdf"' in page
    assert f'href="/publications/{number}"' in page
    log = html(browser("web_admin").get("/inbox"))
    assert 'href="/reports/publications"' in log  # the log is in the web admin's menu
    assert 'href="/reports/publications"' not in html(browser("staff").get("/inbox"))
