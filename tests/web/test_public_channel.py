"""The website channel: file without signing in, follow up with a code and a secret."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.core import clock
from engine.core.errors import InvalidData, NotFound
from engine.services.admin.users import issue_token
from engine.services.complaints import citizen as public
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT, SECRETS
from webui import create_app

WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}


def test_filed_on_the_website_and_tracked_through_screening(runtime, people):
    with clock.frozen(datetime(2026, 12, 5, 23, 30, tzinfo=BANGKOK)):  # a Saturday night
        receipt = public.submit_complaint(runtime, {**WEB, "notice_acknowledged": True})
    assert receipt["received_on"] == "2026-12-05" and receipt["tracking_code"].startswith("GF69-")
    (task,) = tasks.list_tasks(runtime, people.legal_officer, "group")["tasks"]
    case = instances.get_instance(runtime, people.legal_officer, task["instance_id"])
    assert case["data"]["channel"] == "website" and case["data"]["received_at"] == "2026-12-05"
    assert case["personal_data"]["complainant_name"] == COMPLAINT["complainant_name"]
    # Received on a Saturday: 8, 9 and 11 Dec are the working days (7 and 10 Dec are holidays).
    assert task["due_at"] == "2026-12-11T16:30:00+07:00"
    seen = public.track_complaint(runtime, receipt["tracking_code"], receipt["secret"])
    assert seen["status"] == "received" and seen["received_on"] == "2026-12-05"
    assert not any(secret in repr(seen) for secret in SECRETS)
    assert COMPLAINT["subject"] not in repr(seen)
    tasks.complete_task(runtime, people.legal_officer, task["id"],
                        {"screening_outcome": "forward", "forward_to": "สพฐ."})
    assert public.track_complaint(runtime, receipt["tracking_code"],
                                  receipt["secret"])["status"] == "forwarded"


def test_wrong_secret_is_the_same_answer_as_an_unknown_code(runtime):
    receipt = public.submit_complaint(runtime, {**WEB, "notice_acknowledged": True})
    with pytest.raises(NotFound) as wrong:
        public.track_complaint(runtime, receipt["tracking_code"], "not-the-secret")
    with pytest.raises(NotFound) as unknown:
        public.track_complaint(runtime, "GF69-AAAA-AAAA", receipt["secret"])
    assert wrong.value.message == unknown.value.message


def test_bad_submissions_change_nothing(runtime, people):
    with pytest.raises(InvalidData) as err:
        public.submit_complaint(runtime, dict(WEB))  # the privacy notice not acknowledged
    assert "notice_acknowledged" in err.value.fields
    with pytest.raises(InvalidData) as err:
        public.submit_complaint(runtime, {**WEB, "notice_acknowledged": True,
                                          "received_at": "2020-01-01", "channel": "letter"})
    assert {"received_at", "channel"} <= set(err.value.fields)
    with pytest.raises(InvalidData) as err:
        public.submit_complaint(runtime, {**WEB, "notice_acknowledged": True,
                                          "details": "ก" * 100_000, "complainant_email": "x"})
    assert {"details", "complainant_email"} <= set(err.value.fields)
    assert tasks.count_tasks(runtime, people.legal_officer)["group"] == 0


def test_public_api(runtime, people):
    client = create_app(runtime=runtime).test_client()
    filed = client.post("/api/v1/public/complaints", json={**WEB, "notice_acknowledged": True})
    assert filed.status_code == 201
    body = filed.json
    assert set(body) >= {"tracking_code", "secret"}
    seen = client.get(f"/api/v1/public/complaints/{body['tracking_code']}",
                      query_string={"secret": body["secret"]})
    assert seen.status_code == 200 and seen.json["status"] == "received"
    text = seen.get_data(as_text=True)
    assert not any(secret in text for secret in SECRETS)
    wrong = client.get(f"/api/v1/public/complaints/{body['tracking_code']}",
                       query_string={"secret": "x"})
    unknown = client.get("/api/v1/public/complaints/GF69-XXXX-XXXX",
                         query_string={"secret": body["secret"]})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json == unknown.json
    bad = client.post("/api/v1/public/complaints", json={**WEB})
    assert bad.status_code == 400 and "notice_acknowledged" in bad.json["fields"]
    # The signed-in API is unaffected: a token is still required there.
    assert client.get("/api/v1/tasks").status_code == 401
    token = {"Authorization": f"Bearer {issue_token(runtime, people.legal_officer.username)}"}
    assert client.get("/api/v1/tasks?view=group", headers=token).json["total"] == 1


def test_public_endpoints_are_rate_limited(tmp_path):
    from engine.core.config import Settings
    from engine.core.schema import upgrade
    from engine.services.admin.processes import deploy
    from engine.workflow.runtime import Runtime
    from tests.conftest import PROCESSES

    rt = Runtime(Settings(instance_dir=tmp_path / "i", processes_dir=PROCESSES,
                          public_rate_limit="3/minute"))
    upgrade(rt.db)
    deploy(rt)
    client = create_app(runtime=rt).test_client()
    answers = [client.get("/api/v1/public/complaints/GF69-AAAA-AAAA?secret=x").status_code
               for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    rt.close()


def test_evidence_upload_call(runtime, people):
    import io

    from engine.services.inbox import attachments

    client = create_app(runtime=runtime).test_client()
    filed = client.post("/api/v1/public/complaints",
                        json={**WEB, "notice_acknowledged": True}).json
    pdf = b"%PDF-1.4\n%%EOF\n"

    def send(data: bytes, secret: str, name: str = "หลักฐาน.pdf", kind: str = "application/pdf"):
        return client.post(f"/api/v1/public/complaints/{filed['tracking_code']}/attachments",
                           data={"secret": secret, "file": (io.BytesIO(data), name, kind)},
                           content_type="multipart/form-data")

    stored = send(pdf, filed["secret"])
    assert stored.status_code == 201 and stored.json["filename"] == "หลักฐาน.pdf"
    assert send(pdf, "wrong").status_code == 404
    assert send(b"<html>", filed["secret"], "x.pdf").status_code == 400  # content lies
    for _ in range(4):
        assert send(pdf, filed["secret"]).status_code == 201
    assert send(pdf, filed["secret"]).status_code == 400  # five files at most
    (task,) = tasks.list_tasks(runtime, people.legal_officer, "group")["tasks"]
    files = attachments.list_attachments(runtime, people.legal_officer, task["instance_id"])
    assert len(files) == 5 and {f["uploaded_by"] for f in files} == {"public"}


def test_the_secret_is_easy_to_copy_and_forgiving_to_type(runtime):
    import re

    receipt = public.submit_complaint(runtime, {**WEB, "notice_acknowledged": True})
    secret = receipt["secret"]
    assert re.fullmatch(r"([ACDEFGHJKLMNPQRTUVWXY3479]{4}-){3}[ACDEFGHJKLMNPQRTUVWXY3479]{4}",
                        secret)
    typed = " " + secret.lower().replace("-", " ") + " "
    assert public.track_complaint(runtime, receipt["tracking_code"], typed)["status"] == \
        "received"
    with pytest.raises(NotFound):
        public.track_complaint(runtime, receipt["tracking_code"], secret[:-1] + "A"
                               if secret[-1] != "A" else secret[:-1] + "C")
