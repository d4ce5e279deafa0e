"""The six-monthly report page for Legal Affairs and the Director."""

from __future__ import annotations

from datetime import datetime

from engine.core import clock
from engine.services.inbox import instances
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT, SECRETS
from tests.web_client import html

pytest_plugins = ("tests.web_support",)


def test_report_page_and_csv(sqlite_runtime, web_people, browser):
    with clock.frozen(datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)):
        instances.start_instance(sqlite_runtime, web_people.legal_officer, "complaint", COMPLAINT)
    head = browser("legal_head")
    page = head.get("/reports/complaints?fiscal_year=2570&half=1")
    text = html(page)
    assert page.status_code == 200 and "ปีงบประมาณ พ.ศ. 2570" in text
    assert "อยู่ระหว่างดำเนินการ" in text and "4 ธันวาคม 2569" in text
    assert not any(secret in text for secret in SECRETS) and COMPLAINT["subject"] not in text
    csv = head.get("/reports/complaints?fiscal_year=2570&half=1&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).startswith("\ufeff")
    empty = html(head.get("/reports/complaints?fiscal_year=2571&half=2"))
    assert "ไม่มีเรื่องร้องเรียน" in empty
    assert head.get("/reports/complaints?fiscal_year=2026&half=1").status_code == 400
    assert browser("staff").get("/reports/complaints").status_code == 403
    assert browser("director").get("/reports/complaints").status_code == 200
