"""The six-monthly complaints report on a known data set, across the fiscal-year boundary."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.core.errors import Forbidden, InvalidData
from engine.core.models import AuditEvent, ReportNote
from engine.documents.complaint_report import WHOLE_YEAR, report_csv
from engine.services.complaints.report_notes import save_report_notes
from engine.services.complaints.reports import complaint_report
from tests.samples import COMPLAINT, SECRETS

pytest_plugins = ("tests.integration.report_data",)  # the data_set fixture


def test_first_half_counts(runtime, people, data_set):
    report = complaint_report(runtime, people.legal_head, 2570, 1)
    assert [c.received_on.isoformat() for c in report.cases] == \
        ["2026-10-01", "2026-12-04", "2027-03-31"]
    assert report.counts == {"received": 3, "in_progress": 1, "completed": 0,
                             "not_considered": 1, "forwarded": 1}
    assert report.by("channel") == {"in_person": 1, "letter": 1, "website": 1}
    assert report.by("complaint_type") == {"bribery": 1, "procurement": 2}
    assert report.by_month == {"2026-10": 1, "2026-12": 1, "2027-03": 1}
    # 1 Oct → 5 Oct: 2 Oct (Fri) and 5 Oct (Mon) = 2; 4 Dec → 9 Dec: 8 and 9 Dec = 2.
    assert report.triage_days == {"screened": 2, "average": 2.0, "maximum": 2}
    text = report_csv(report)
    assert "ปีงบประมาณ พ.ศ. 2570" in text and "1 ตุลาคม 2569" in text
    assert "ไม่รับไว้พิจารณา,1" in text and "เว็บไซต์,1" in text
    assert not any(secret in text for secret in SECRETS) and COMPLAINT["subject"] not in text


def test_second_half_and_previous_year(runtime, people, data_set):
    second = complaint_report(runtime, people.director, 2570, 2)
    assert [c.received_on.isoformat() for c in second.cases] == ["2027-04-01"]
    assert second.counts["in_progress"] == 1
    previous = complaint_report(runtime, people.director, 2569, 2)
    assert [c.received_on.isoformat() for c in previous.cases] == ["2026-09-30"]


def test_no_complaints_is_said(runtime, people):
    report = complaint_report(runtime, people.legal_head, 2571, 1)
    assert report.counts["received"] == 0 and "ไม่มีเรื่องร้องเรียน" in report_csv(report)


def test_report_is_for_legal_affairs_and_the_director(runtime, people):
    with pytest.raises(Forbidden):
        complaint_report(runtime, people.staff, 2570, 1)
    with pytest.raises(InvalidData):
        complaint_report(runtime, people.legal_head, 2026, 1)  # a CE year by mistake


def test_report_cli_writes_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")
    from webui.cli import main as cli

    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(cli, ["report", "complaints", "--fiscal-year", "2570",
                                      "--half", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "ไม่มีเรื่องร้องเรียน" in out.read_text(encoding="utf-8-sig")


def test_the_twelve_month_report_covers_the_fiscal_year(runtime, people, data_set):
    report = complaint_report(runtime, people.director, 2570, WHOLE_YEAR)
    assert [c.received_on.isoformat() for c in report.cases] == \
        ["2026-10-01", "2026-12-04", "2027-03-31", "2027-04-01"]
    assert len(report.months) == 12 and report.months["2027-04"] == 1
    assert report.title.startswith("รายงานสรุปผลการดำเนินงานเรื่องร้องเรียนการทุจริต รอบ 12 เดือน "
                                   "ปีงบประมาณ พ.ศ. 2570 (1 ตุลาคม 2569 – 30 กันยายน 2570)")
    assert "รอบ 12 เดือน" in report_csv(report)
    with pytest.raises(InvalidData):
        complaint_report(runtime, people.director, 2570, 3)


def test_report_notes_are_the_head_of_legal_affairs_and_fit_their_columns(runtime, people):
    for who in (people.legal_officer, people.director, people.staff):
        with pytest.raises(Forbidden):
            save_report_notes(runtime, who, 2570, 1, "ปัญหา", "")
    with pytest.raises(InvalidData) as too_long:
        save_report_notes(runtime, people.legal_head, 2570, 1, "ก" * 1001, "ข")
    assert "ยาวเกิน 1,000 ตัวอักษร" in too_long.value.fields["problems"]
    with pytest.raises(InvalidData) as empty:
        save_report_notes(runtime, people.legal_head, 2570, 1, "  ", "")
    assert "อย่างน้อยหนึ่งช่อง" in empty.value.fields["problems"]
    with pytest.raises(InvalidData):
        save_report_notes(runtime, people.legal_head, 2026, 1, "ปัญหา", "")
    assert complaint_report(runtime, people.legal_head, 2570, 1).notes is None
    save_report_notes(runtime, people.legal_head, 2570, 1, "ปัญหาเดิม", "")
    save_report_notes(runtime, people.legal_head, 2570, 1, " ปัญหาใหม่ ", "ข้อเสนอ")
    notes = complaint_report(runtime, people.legal_head, 2570, 1).notes
    assert notes is not None and (notes.problems, notes.recommendations) == ("ปัญหาใหม่", "ข้อเสนอ")
    assert notes.written_by.name == people.legal_head.display_name
    # Per period: the other half and the whole year have their own.
    assert complaint_report(runtime, people.legal_head, 2570, 2).notes is None
    assert complaint_report(runtime, people.legal_head, 2570, WHOLE_YEAR).notes is None
    with runtime.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ReportNote)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "report_notes_saved")) == 2


def test_report_cli_whole_year(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")
    from webui.cli import main as cli

    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    result = CliRunner().invoke(cli, ["report", "complaints", "--fiscal-year", "2570",
                                      "--half", "year"])
    assert result.exit_code == 0, result.output
    assert "รอบ 12 เดือน" in result.output and "30 กันยายน 2570" in result.output
