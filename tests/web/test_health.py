"""Observability: the scheduler's heartbeat, /healthz and /metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.core import clock
from engine.core.config import Settings
from engine.core.models import DueTimer, Escalation, OutboxMessage, SchedulerHeartbeat, Task
from engine.jobs.scheduler import tick
from engine.services.admin.users import issue_token
from engine.services.inbox import instances
from engine.services.ops.health import HEARTBEAT_EVERY, record_heartbeat
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from tests.conftest import PROCESSES
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SECRETS
from webui import create_app

T0 = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # a Friday, 10:00 in Bangkok


@pytest.fixture
def client(runtime):
    app = create_app(runtime=runtime)
    app.testing = True
    return app.test_client()


def beats(rt) -> dict[str, datetime]:
    with rt.db.read() as session:
        return {row.scheduler_id: row.beat_at
                for row in session.scalars(select(SchedulerHeartbeat))}


def parse_metrics(body: str) -> dict[tuple[str, frozenset], float]:
    samples = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        series, value = line.rsplit(" ", 1)
        name, _, labels = series.partition("{")
        pairs = frozenset(
            (key, value.strip('"'))
            for key, _, value in (part.partition("=") for part in labels.rstrip("}").split(","))
            if key
        )
        samples[(name, pairs)] = float(value)
    return samples


def metric(samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


# The heartbeat -----------------------------------------------------------------------------


def test_each_scheduler_keeps_one_heartbeat_row(runtime):
    with clock.frozen(T0):
        tick(runtime, "sched-a")
        tick(runtime, "sched-b")
    assert beats(runtime) == {"sched-a": T0, "sched-b": T0}
    with runtime.db.read() as session:
        figures = session.scalar(select(SchedulerHeartbeat.figures)
                                 .where(SchedulerHeartbeat.scheduler_id == "sched-a"))
    assert figures["fired"] == 0 and figures["errors"] == 0 and "duration_ms" in figures


def test_idle_passes_write_the_heartbeat_at_most_every_few_seconds(runtime):
    with clock.frozen(T0) as now:
        tick(runtime, "sched-a")
        for _ in range(3):  # idle passes within HEARTBEAT_EVERY: no write
            now.advance(timedelta(seconds=1))
            tick(runtime, "sched-a")
        assert beats(runtime) == {"sched-a": T0}
        now.move_to(T0 + HEARTBEAT_EVERY)
        tick(runtime, "sched-a")
        assert beats(runtime) == {"sched-a": T0 + HEARTBEAT_EVERY}
        # A pass that did work records its figures at once.
        now.advance(timedelta(seconds=1))
        assert record_heartbeat(runtime, "sched-a", {"fired": 1}, busy=True)
        assert not record_heartbeat(runtime, "sched-a", {}, busy=False)
        assert beats(runtime) == {"sched-a": T0 + HEARTBEAT_EVERY + timedelta(seconds=1)}


# /healthz ----------------------------------------------------------------------------------


def test_healthz_is_ok_after_a_tick(runtime, client):
    tick(runtime, "sched-a")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"]["ok"] is True and body["database"]["latency_ms"] >= 0
    assert body["scheduler"]["ok"] is True and body["scheduler"]["age_s"] < 30
    assert datetime.fromisoformat(body["scheduler"]["last_beat"]).tzinfo is not None


def test_healthz_is_503_without_a_scheduler(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded" and body["failing"] == ["scheduler"]
    assert body["database"]["ok"] is True
    assert body["scheduler"] == {"last_beat": None, "age_s": None, "ok": False,
                                 "max_age_s": 30.0}


def test_healthz_is_503_when_the_heartbeat_is_too_old(runtime, client):
    with clock.frozen(T0) as now:
        tick(runtime, "sched-a")
        now.advance(timedelta(seconds=29))
        assert client.get("/healthz").status_code == 200
        now.advance(timedelta(seconds=2))
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["failing"] == ["scheduler"] and body["scheduler"]["age_s"] == 31.0
        # The scheduler comes back: healthy again.
        tick(runtime, "sched-a")
        assert client.get("/healthz").status_code == 200


def test_heartbeat_max_age_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVFLOW_HEARTBEAT_MAX_AGE", "120")
    assert Settings.from_env().heartbeat_max_age == 120.0


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    # A directory is no SQLite database: every connection attempt fails.
    folder = tmp_path / "not-a-database"
    folder.mkdir()
    rt = Runtime(Settings(instance_dir=tmp_path / "instance", processes_dir=PROCESSES,
                          database_url=f"sqlite:///{folder}"))
    try:
        app = create_app(runtime=rt)
        app.testing = True
        response = app.test_client().get("/healthz")
    finally:
        rt.close()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down" and body["failing"] == ["database"]
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_healthz_needs_no_sign_in_and_is_not_rate_limited(runtime, client):
    tick(runtime, "sched-a")
    assert all(client.get("/healthz").status_code == 200 for _ in range(40))


# /metrics ----------------------------------------------------------------------------------


@pytest.fixture
def tokens(runtime, people):
    return {name: issue_token(runtime, actor.username) for name, actor in people.all().items()}


def scrape(client, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", headers=headers)


def test_metrics_need_an_admin_or_ict_head_token(client, tokens):
    assert scrape(client, None).status_code == 401
    assert "Bearer" in scrape(client, None).headers["WWW-Authenticate"]
    assert client.get("/metrics", headers={"Authorization": "Basic abc"}).status_code == 401
    assert scrape(client, "gft_not-a-token").status_code == 401
    for name in ("staff", "director", "legal_head", "web_admin"):
        assert scrape(client, tokens[name]).status_code == 403, name
    for name in ("admin", "ict_head"):
        response = scrape(client, tokens[name])
        assert response.status_code == 200, name
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert response.headers["Cache-Control"] == "no-store"


def test_metrics_count_what_happened(runtime, people, client, tokens):
    with clock.frozen(datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)) as now:
        before = parse_metrics(scrape(client, tokens["admin"]).get_data(as_text=True))
        assert metric(before, "govflow_timers", state="waiting") == 0
        assert metric(before, "govflow_outbox_unsent") == 0
        assert metric(before, "govflow_scheduler_heartbeat_age_seconds") != \
            metric(before, "govflow_scheduler_heartbeat_age_seconds")  # NaN: no beat yet

        for _ in range(2):
            instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
        # Past the complaints' screening deadline (3 working days, 16:30 on 11 December).
        now.move_to(datetime(2026, 12, 11, 16, 31, tzinfo=BANGKOK))
        report = tick(runtime, "sched-a")
        assert report.fired >= 2
        with runtime.db.write() as session:
            session.add(OutboxMessage(message_id="<m1@test>", recipient="x@example.org",
                                      subject="s", body="b", attempts=3, last_error="refused"))
            session.add(OutboxMessage(message_id="<m2@test>", recipient="y@example.org",
                                      subject="s", body="b", attempts=1, sent_at=clock.now()))
        now.advance(timedelta(seconds=7))
        response = scrape(client, tokens["ict_head"])
    text = response.get_data(as_text=True)
    samples = parse_metrics(text)

    with runtime.db.read() as session:
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where))
        open_complaints = count(Task, Task.state == "open", Task.process_key == "complaint")
        open_publishing = count(Task, Task.state == "open", Task.process_key == "publishing")
        fired = count(DueTimer, DueTimer.state == "fired")
        waiting = count(DueTimer, DueTimer.state == "waiting")
        escalations_open = count(Escalation, Escalation.status == "open")
        unsent = count(OutboxMessage, OutboxMessage.sent_at.is_(None))
        unsent_attempts = session.scalar(select(func.coalesce(func.sum(
            OutboxMessage.attempts), 0)).where(OutboxMessage.sent_at.is_(None)))

    assert open_complaints == 2 and open_publishing >= 1
    assert metric(samples, "govflow_tasks_open", process="complaint") == open_complaints
    assert metric(samples, "govflow_tasks_open", process="publishing") == open_publishing
    assert metric(samples, "govflow_tasks_overdue", process="complaint") == 2
    assert metric(samples, "govflow_timers", state="fired") == fired >= 2
    assert metric(samples, "govflow_timers", state="waiting") == waiting
    assert metric(samples, "govflow_timers_late") == 0
    assert metric(samples, "govflow_escalations", status="open") == escalations_open >= 2
    assert metric(samples, "govflow_outbox_unsent") == unsent >= 1
    assert metric(samples, "govflow_outbox_failing") == 1
    assert metric(samples, "govflow_outbox_failed_attempts") == unsent_attempts >= 3
    assert metric(samples, "govflow_letter_jobs_pending") == 0
    assert metric(samples, "govflow_scheduler_heartbeat_age_seconds") == 7
    assert metric(samples, "govflow_schedulers_alive") == 1
    # Counts only: no titles, no subjects, no personal data.
    for secret in (*SECRETS, COMPLAINT["subject"], PUBLISHING_REQUEST["title"]):
        assert secret not in text
