"""The publication log (the evidence of each step): who requested, approved (an acting Director
included), checked, decided and published each request, when, and the outcome; the page,
its CSV and ``govflow report publications``."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.core import clock
from engine.core.errors import Forbidden, InvalidData
from engine.services.admin import staff as admin
from engine.services.admin import users
from engine.services.admin.users import add_user
from engine.services.inbox import instances
from engine.services.publishing.register import (
    LOG_COLUMNS,
    Period,
    log_csv,
    log_csv_bytes,
    period_from,
    publication_log,
)
from engine.thai.workdays import BANGKOK
from tests.integration.test_procedures import do
from tests.samples import PUBLISHING_REQUEST, REVISED, SOURCE
from tests.web_client import html

pytest_plugins = ("tests.web_support",)

DEPUTY = "นายรอง รักษาการ"
DEPUTY_POSITION = "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษา"
ACTING = "รักษาราชการแทน ผู้อำนวยการ สพป."
RETURN = {"director_decision": "return", "director_reason": "ข้อมูลไม่ครบ"}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BANGKOK)


def request(rt, who, title: str) -> int:
    return instances.start_instance(rt, who, "publishing",
                                    {**PUBLISHING_REQUEST, "title": title})["id"]


def known_run(rt, people) -> dict[str, int]:
    """Seven requests with known outcomes and times, two either side of a Bangkok midnight;
    one approved by an acting Director."""
    add_user(rt, "deputy", ["staff"], "DIR", display_name=DEPUTY, position=DEPUTY_POSITION)
    ids = {}
    with clock.frozen(at(30, 23, 30, month=11)) as moving:  # 16:30 UTC: still 30 Nov here
        ids["late_november"] = request(rt, people.staff, "คำขอคืนวันที่ 30")
        moving.move_to(at(1, 0, 30))  # 30 Nov 17:30 UTC: already 1 Dec here
        ids["early_december"] = request(rt, people.staff, "คำขอหลังเที่ยงคืน")
        moving.move_to(at(1, 9))
        admin.appoint_acting(rt, people.admin, "deputy", "director", date(2026, 12, 1),
                             date(2026, 12, 4), "คำสั่ง สพป. ที่ 45/2569")
        ids["published"] = request(rt, people.staff, "แผนปฏิบัติการ")
        moving.move_to(at(1, 10, 15))
        do(rt, users.actor_by_username(rt, "deputy"), ids["published"],
           {"director_decision": "approve"})
        moving.move_to(at(1, 11))
        do(rt, people.web_admin, ids["published"], SOURCE)
        moving.move_to(at(2, 13, 45))
        do(rt, people.ict_head, ids["published"], {"ict_decision": "approve"})
        moving.move_to(at(2, 14))
        do(rt, people.web_admin, ids["published"], {})
        moving.move_to(at(3, 9))
        ids["returned"] = request(rt, people.staff, "ข่าวประชาสัมพันธ์")
        do(rt, people.director, ids["returned"], RETURN)
        ids["rejected"] = request(rt, people.staff, "ประกาศจัดซื้อ")
        do(rt, people.director, ids["rejected"], {"director_decision": "approve"})
        do(rt, people.web_admin, ids["rejected"], SOURCE)
        do(rt, people.ict_head, ids["rejected"], {"ict_decision": "reject",
                                                   "ict_reason": "ขัดมาตรา 9"})
        ids["withdrawn"] = request(rt, people.staff, "ภาพกิจกรรม")
        do(rt, people.director, ids["withdrawn"], RETURN)
        do(rt, people.staff, ids["withdrawn"], {"revise_action": "withdraw"})
        ids["resubmitted"] = request(rt, people.staff, "โครงสร้างหน่วยงาน")
        do(rt, people.director, ids["resubmitted"], {"director_decision": "approve"})
        do(rt, people.web_admin, ids["resubmitted"], {"check_result": "return",
                                                      "check_reason": "ไม่เป็นปัจจุบัน"})
        do(rt, people.staff, ids["resubmitted"], {**REVISED, "title": "โครงสร้างหน่วยงาน 2570",
                                                  "revise_action": "resubmit"})
    return ids


def by_id(log):
    return {r.instance_id: r for r in log.records}


def test_log_rows_on_a_known_run(runtime, people):
    ids = known_run(runtime, people)
    records = by_id(publication_log(runtime, people.web_admin, Period()))
    assert set(records) == set(ids.values())
    published = records[ids["published"]]
    assert published.outcome == "published" and published.finished_at == at(2, 14)
    assert published.title == "แผนปฏิบัติการ" and published.unit == PUBLISHING_REQUEST["unit"]
    assert published.requester.name == "เจ้าหน้าที่แผน" and published.requester.at == at(1, 9)
    approve = published.steps["approve"]
    assert (approve.name, approve.position, approve.at) == (DEPUTY, DEPUTY_POSITION, at(1, 10, 15))
    assert approve.acting_for == "director" and approve.acting_text == ACTING
    assert approve.signed_name == f"{DEPUTY} ({ACTING})" and approve.decision == "อนุมัติ"
    assert published.steps["check"].username == "web_admin"
    assert published.steps["check"].decision == "ผ่าน"
    assert published.steps["decide"].username == "ict_head"
    assert published.steps["decide"].acting_for is None
    assert published.steps["publish"].username == "web_admin"
    assert published.steps["publish"].at == at(2, 14)

    returned = records[ids["returned"]]
    assert returned.outcome == "returned" and returned.returned_by == "approve"
    assert returned.steps["approve"].decision == "ส่งคืน" and returned.signed("approve") is None
    rejected = records[ids["rejected"]]
    assert rejected.outcome == "rejected" and rejected.steps["decide"].decision == "ไม่อนุญาต"
    assert rejected.signed("approve") is not None and rejected.signed("decide") is None
    withdrawn = records[ids["withdrawn"]]
    assert withdrawn.outcome == "withdrawn" and withdrawn.steps["approve"].decision == "ส่งคืน"
    # Resubmitted: the latest round has not been approved yet, whatever the first round did.
    resubmitted = records[ids["resubmitted"]]
    assert resubmitted.outcome == "in_progress" and resubmitted.steps == {}
    assert resubmitted.title == "โครงสร้างหน่วยงาน 2570"
    assert records[ids["late_november"]].outcome == "in_progress"
    assert records[ids["early_december"]].requester.at == at(1, 0, 30)


def test_csv_has_a_bom_thai_headings_and_buddhist_era_times(runtime, people):
    ids = known_run(runtime, people)
    log = publication_log(runtime, people.director, Period())
    raw = log_csv_bytes(log)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["ทะเบียนการเผยแพร่ข้อมูลผ่านเว็บไซต์ (ทุกช่วงเวลา)"]
    assert tuple(rows[1]) == LOG_COLUMNS
    line = {r[0]: dict(zip(LOG_COLUMNS, r, strict=True)) for r in rows[2:]}
    published = line[str(ids["published"])]
    assert published["ผู้อนุมัติ (ผู้อำนวยการ สพป.)"] == f"{DEPUTY} ({ACTING})"
    assert published["ตำแหน่งผู้อนุมัติ"] == DEPUTY_POSITION
    assert published["วันเวลาที่พิจารณาอนุมัติ"] == "1 ธันวาคม 2569 10:15 น."
    assert published["วันเวลาที่ขอ"] == "1 ธันวาคม 2569 09:00 น."
    assert published["ผู้นำข้อมูลขึ้นเผยแพร่"] == "web_admin"
    assert published["วันเวลาที่เผยแพร่"] == "2 ธันวาคม 2569 14:00 น."
    assert published["ผลการพิจารณา"] == "อนุญาต" and published["ผลลัพธ์"] == "เผยแพร่แล้ว"
    assert line[str(ids["rejected"])]["ผลลัพธ์"] == "ไม่อนุญาต"
    assert line[str(ids["withdrawn"])]["ผลลัพธ์"] == "ถอนเรื่อง"
    assert line[str(ids["returned"])]["ผลการพิจารณาอนุมัติ"] == "ส่งคืน"
    assert line[str(ids["resubmitted"])]["ผู้อนุมัติ (ผู้อำนวยการ สพป.)"] == ""
    assert log_csv(log) == raw.decode("utf-8-sig")


def test_period_is_bangkok_days_and_input_is_checked(runtime, people):
    ids = known_run(runtime, people)

    def listed(start: str, end: str = "") -> set[int]:
        return set(by_id(publication_log(runtime, people.ict_head, period_from(start, end))))

    # 30 Nov 23:30 in Bangkok is 30 Nov, and 1 Dec 00:30 is 1 Dec, though both are 30 Nov
    # in UTC.
    first_of_december = {ids["early_december"], ids["published"]}
    assert listed("2026-11-30", "2026-11-30") == {ids["late_november"]}
    assert ids["late_november"] not in listed("2026-12-01")
    assert listed("2026-12-01", "2026-12-01") == first_of_december
    assert listed("01/12/2569", "๐๑/๑๒/๒๕๖๙") == first_of_december  # typed in the BE
    with pytest.raises(InvalidData) as be_as_iso:
        period_from("2569-12-01", "")  # a BE year in ISO order is refused, never converted
    assert "อ่านได้เป็น 1 ธันวาคม 3112" in be_as_iso.value.fields["date_from"]
    assert Period(date(2026, 12, 1), date(2026, 12, 3)).title == \
        "ตั้งแต่ 1 ธันวาคม 2569 ถึง 3 ธันวาคม 2569"
    with pytest.raises(InvalidData) as bad:
        period_from("2026-13-01", "")
    assert set(bad.value.fields) == {"date_from"} and "ปปปป-ดด-วว" in bad.value.fields["date_from"]
    with pytest.raises(InvalidData) as backwards:
        period_from("2026-12-05", "2026-12-01")
    assert set(backwards.value.fields) == {"date_to"}


def test_only_web_admins_the_ict_head_and_the_director_read_it(runtime, people):
    for reader in (people.web_admin, people.ict_head, people.director):
        assert publication_log(runtime, reader, Period()).records == []
    for outsider in (people.staff, people.legal_head, people.legal_officer, people.admin):
        with pytest.raises(Forbidden):
            publication_log(runtime, outsider, Period())


def test_page_csv_and_roles(sqlite_runtime, web_people, browser):
    ids = known_run(sqlite_runtime, web_people)
    web_admin = browser("web_admin")
    page = web_admin.get("/reports/publications?date_from=2026-12-01&date_to=2026-12-03")
    text = html(page)
    assert page.status_code == 200
    assert "ตั้งแต่ 1 ธันวาคม 2569 ถึง 3 ธันวาคม 2569" in text
    assert DEPUTY in text and "รักษาราชการแทน" in text and "1 ธันวาคม 2569 10:15" in text
    assert f'href="/cases/{ids["published"]}/request-form.pdf"' in text
    assert "คำขอคืนวันที่ 30" not in text  # made on 30 Nov, Bangkok time
    download = web_admin.get("/reports/publications?date_from=2026-12-01&format=csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.get_data().startswith(b"\xef\xbb\xbf")
    assert "publications-2026-12-01.csv" in download.headers["Content-Disposition"]
    assert DEPUTY_POSITION in download.get_data(as_text=True)
    bad = web_admin.get("/reports/publications?date_from=2026-02-30")
    assert bad.status_code == 400 and "วันที่ไม่ถูกต้อง" in html(bad)
    assert web_admin.get("/reports/publications?format=xlsx").status_code == 400
    for reader in ("ict_head", "director"):
        assert browser(reader).get("/reports/publications").status_code == 200
    for outsider in ("staff", "legal_head", "legal_officer", "admin"):
        assert browser(outsider).get("/reports/publications").status_code == 403


def test_no_dates_lists_this_fiscal_year_and_shows_it_in_the_fields(sqlite_runtime, web_people,
                                                                    browser):
    """An empty form lists the current Thai fiscal year (1 October to 30 September), not
    every request ever made; the fields carry that period as it would be typed."""
    ids = known_run(sqlite_runtime, web_people)  # 30 Nov to 3 Dec 2026: fiscal year 2570
    with clock.frozen(datetime(2026, 9, 30, 23, 30, tzinfo=BANGKOK)):  # last day of 2569
        last_year = request(sqlite_runtime, web_people.staff, "คำขอปีงบประมาณก่อน")
    web_admin = browser("web_admin")
    with clock.frozen(at(4, 9)):
        page = web_admin.get("/reports/publications")
        download = web_admin.get("/reports/publications?format=csv")
    text = html(page)
    assert page.status_code == 200
    assert 'value="01/10/2569"' in text and 'value="30/09/2570"' in text
    assert "จึงแสดงปีงบประมาณ พ.ศ. 2570 (01/10/2569 ถึง 30/09/2570)" in text
    assert "ตั้งแต่ 1 ตุลาคม 2569 ถึง 30 กันยายน 2570" in text
    assert "คำขอคืนวันที่ 30" in text and "คำขอปีงบประมาณก่อน" not in text
    assert f"ทั้งหมด {len(ids)} เรื่อง" in text
    assert f'href="/cases/{last_year}"' not in text
    # The CSV link carries the period shown, and the CSV of an empty query is the same year.
    csv_link = re.search(r'href="([^"]*format=csv[^"]*)"', text).group(1)
    assert "date_from=01/10/2569" in csv_link and "date_to=30/09/2570" in csv_link
    assert "publications-2026-10-01-2027-09-30.csv" in download.headers["Content-Disposition"]
    assert "คำขอปีงบประมาณก่อน" not in download.get_data(as_text=True)
    web_admin.post("/language", {"lang": "en", "next": "/inbox"})
    with clock.frozen(at(4, 9)):
        english = html(web_admin.get("/reports/publications"))
    assert "so this is fiscal year 2570 B.E. (01/10/2569 to 30/09/2570)" in english
    # A typed period lists what it did: the older year alone, or a range as wide as asked.
    with clock.frozen(at(4, 9)):
        typed = html(web_admin.get("/reports/publications?date_from=01/09/2569"
                                   "&date_to=30/09/2569"))
        wide = html(web_admin.get("/reports/publications?date_from=01/01/2500"))
    assert "คำขอปีงบประมาณก่อน" in typed and "คำขอคืนวันที่ 30" not in typed
    assert 'value="01/09/2569"' in typed and "fiscal year" not in typed
    assert "คำขอปีงบประมาณก่อน" in wide and "คำขอคืนวันที่ 30" in wide
    assert f"{len(ids) + 1} request(s)" in wide


def test_cli_writes_the_log(sqlite_runtime, web_people, tmp_path, monkeypatch):
    ids = known_run(sqlite_runtime, web_people)
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")
    from webui.cli import main

    out = tmp_path / "log.csv"
    result = CliRunner().invoke(main, ["report", "publications", "--from", "2026-12-01",
                                       "--to", "2026-12-02", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    written = out.read_text(encoding="utf-8-sig")
    assert f"{DEPUTY} ({ACTING})" in written and "แผนปฏิบัติการ" in written
    assert "ข่าวประชาสัมพันธ์" not in written  # made on 3 Dec
    shown = CliRunner().invoke(main, ["report", "publications"])
    assert shown.exit_code == 0 and shown.output.count("\n") == 2 + len(ids)
    wrong = CliRunner().invoke(main, ["report", "publications", "--from", "tomorrow"])
    assert wrong.exit_code != 0 and "วันที่ไม่ถูกต้อง" in wrong.output


def test_an_item_taken_down_after_publication_says_so(runtime, people):
    from engine.core.models import Publication
    from engine.services.publishing import requests as publications

    ids = known_run(runtime, people)
    with runtime.db.read() as session:
        number = session.scalar(select(Publication.id).where(
            Publication.instance_id == ids["published"]))
    publications.withdraw(runtime, people.web_admin, number, "ข้อมูลหมดอายุ")
    record = by_id(publication_log(runtime, people.web_admin, Period()))[ids["published"]]
    assert record.outcome == "taken_down"
    assert record.outcome_th == "เผยแพร่แล้ว และถอนออกจากเว็บไซต์ภายหลัง"
