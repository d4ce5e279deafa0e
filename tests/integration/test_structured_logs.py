"""Structured logs with no personal data (issue "Prove it holds", part 6).

engine/core/logs.py writes one JSON object per line; webui/request_log.py writes one
``http_request`` line per request with the route rule, never the path or query; the
scheduler writes one line per pass that did work, counts only. A complaint filed on the
public page and moved through its first steps at DEBUG leaves no name, phone, e-mail,
address, tracking code or secret in any line.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from html import unescape

import pytest
from click.testing import CliRunner

from engine.core import clock, logs
from engine.core.errors import ConfigurationError
from engine.jobs.scheduler import tick
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT, SECRETS
from tests.web_client import Browser, form_of, html
from webui.cli import main as cli

pytest_plugins = ("tests.web_support",)

WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
#: Everything that identifies the complainant or the accused in the sample complaint.
PERSONAL = (*SECRETS, COMPLAINT["complainant_address"], COMPLAINT["accused_position"])


class Captured:
    """What govflow's handler wrote, as text and as parsed JSON lines."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def named(self, message: str) -> list[dict]:
        return [line for line in self.lines() if line["message"] == message]

    def everything(self) -> str:
        """The raw text and every line decoded (JSON escapes Thai as \\uXXXX)."""
        decoded = [json.dumps(line, ensure_ascii=False) for line in self.lines()]
        return "\n".join([self.text, *decoded])


@pytest.fixture
def configure_logs() -> Iterator[Callable[..., Captured]]:
    """configure_logs(level=..., fmt=...) → the lines govflow's handler writes; the root
    logger's handlers and levels (pytest's caplog included) are put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}

    def configure(level: str = "DEBUG", fmt: str = "json") -> Captured:
        stream = io.StringIO()
        logs.configure(level=level, fmt=fmt, stream=stream, environ={})
        return Captured(stream)

    yield configure
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, was in quiet.items():
        logging.getLogger(name).setLevel(was)


def _file_on_the_public_page(app) -> tuple[str, str]:
    citizen = Browser(app)
    assert citizen.get("/complaint").status_code == 200
    filed = citizen.post("/complaint", {**form_of(WEB), "notice_acknowledged": "on"},
                         follow=True)
    assert filed.status_code == 200, html(filed)[:2000]
    codes = re.findall(r'<code class="receipt-code">([^<]+)</code>', html(filed))
    return codes[0], unescape(codes[1])


# ---- the format ------------------------------------------------------------------------


def test_each_line_is_one_json_object_with_the_fields(configure_logs):
    captured = configure_logs(level="INFO")
    log = logging.getLogger("engine.test")
    log.info("case moved", extra={"instance_id": 7, "fired": 2})
    log.debug("not at INFO")
    log.warning("line\nbreak")  # a newline in a message cannot start a forged line
    first, second = captured.lines()
    assert len(captured.text.splitlines()) == 2
    assert list(first)[:5] == ["ts", "level", "logger", "message", "process"]
    assert first["level"] == "INFO" and first["logger"] == "engine.test"
    assert first["message"] == "case moved" and first["process"] == os.getpid()
    assert first["instance_id"] == 7 and first["fired"] == 2
    ts = datetime.fromisoformat(first["ts"])
    assert ts.utcoffset() == timedelta(0)
    assert abs(datetime.now(ts.tzinfo) - ts) < timedelta(minutes=1)
    assert second["message"] == "line\nbreak" and second["level"] == "WARNING"


def test_configuring_twice_keeps_one_handler(configure_logs):
    configure_logs()
    captured = configure_logs()
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_govflow_handler", False)]
    assert len(ours) == 1
    logging.getLogger("webui.test").info("once")
    assert len(captured.named("once")) == 1


def test_text_format_for_developers(configure_logs):
    captured = configure_logs(level="INFO", fmt="text")
    logging.getLogger("engine.test").info("hello", extra={"instance_id": 7})
    (line,) = captured.text.splitlines()
    assert not line.startswith("{")
    assert " INFO engine.test " in line and "hello" in line and "instance_id=7" in line
    assert f"[{os.getpid()}]" in line


def test_settings_come_from_the_environment_and_a_bad_value_is_a_clear_error():
    assert logs.settings_from({}) == ("INFO", "json")
    assert logs.settings_from({"GOVFLOW_LOG_LEVEL": "debug",
                               "GOVFLOW_LOG_FORMAT": "TEXT"}) == ("DEBUG", "text")
    with pytest.raises(ConfigurationError) as bad:
        logs.settings_from({"GOVFLOW_LOG_LEVEL": "verbose"})
    assert "GOVFLOW_LOG_LEVEL" in bad.value.message and "'verbose'" in bad.value.message
    assert "DEBUG, INFO, WARNING, ERROR, CRITICAL" in bad.value.message
    with pytest.raises(ConfigurationError) as bad:
        logs.settings_from({"GOVFLOW_LOG_FORMAT": "xml"})
    assert "GOVFLOW_LOG_FORMAT" in bad.value.message and "json, text" in bad.value.message


def test_the_long_running_commands_refuse_a_bad_log_level(configure_logs, tmp_path):
    env = {"GOVFLOW_LOG_LEVEL": "loud", "GOVFLOW_INSTANCE_DIR": str(tmp_path)}
    for command in (["tick"], ["scheduler"], ["serve", "--no-scheduler"]):
        result = CliRunner().invoke(cli, command, env=env)
        assert result.exit_code == 1, (command, result.output)
        assert "GOVFLOW_LOG_LEVEL='loud'" in result.output and "Traceback" not in result.output


def test_libraries_that_log_data_stay_at_warning_even_at_debug(configure_logs):
    configure_logs(level="DEBUG")
    for name in ("spiff", "spiff.task", "sqlalchemy.engine", "werkzeug", "apscheduler"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    assert logging.getLogger("engine.jobs.scheduler").getEffectiveLevel() == logging.DEBUG


def test_caplog_still_hears_records_while_configured(configure_logs, caplog):
    captured = configure_logs(level="INFO")
    logging.getLogger("engine.test").warning("both")
    assert [r.getMessage() for r in caplog.records] == ["both"]
    assert captured.named("both")


# ---- the filter and exceptions ---------------------------------------------------------


def test_the_filter_redacts_personal_keys_in_extra_and_arguments(configure_logs):
    captured = configure_logs()
    log = logging.getLogger("engine.test")
    log.info("slip", extra={
        "instance_id": 3,
        "complainant_name": COMPLAINT["complainant_name"],
        "reporter_phone": COMPLAINT["complainant_phone"],
        "tracking_secret": "ABCD-EFGH",
        "national_id": "1101700203451",
        "data": {"complainant_email": COMPLAINT["complainant_email"], "subject": "ok",
                 "people": [{"accused_name": COMPLAINT["accused_name"]}]},
    })
    log.info("mapping %(complainant_address)s", {"complainant_address": "99 หมู่ 1"})
    slip, mapping = captured.lines()
    assert slip["instance_id"] == 3 and slip["data"]["subject"] == "ok"
    for key in ("complainant_name", "reporter_phone", "tracking_secret", "national_id"):
        assert slip[key] == logs.REDACTED, key
    assert slip["data"]["complainant_email"] == logs.REDACTED
    assert slip["data"]["people"][0]["accused_name"] == logs.REDACTED
    assert mapping["message"] == f"mapping {logs.REDACTED}"
    text = captured.everything()
    assert not [v for v in (*PERSONAL, "ABCD-EFGH", "1101700203451", "99 หมู่ 1") if v in text]


def test_an_exception_is_logged_by_type_and_frames_never_its_message(configure_logs):
    captured = configure_logs()
    log = logging.getLogger("engine.test")
    try:
        try:
            raise KeyError(COMPLAINT["complainant_phone"])
        except KeyError as inner:
            raise ValueError(COMPLAINT["complainant_email"]) from inner
    except ValueError as exc:
        log.exception("failed")
        log.error("failed_fields", extra=logs.error_fields(exc))
    failed, fields = captured.lines()
    assert "builtins.KeyError" in failed["exc_info"] and "builtins.ValueError" in failed["exc_info"]
    assert "test_structured_logs.py" in failed["exc_info"]
    assert fields["error_type"] == "ValueError" and fields["error_chain"] == ["KeyError"]
    assert all(re.search(r"\.py:\d+ in ", frame) for frame in fields["error_frames"])
    text = captured.everything()
    assert COMPLAINT["complainant_phone"] not in text and COMPLAINT["complainant_email"] not in text


# ---- the request log -------------------------------------------------------------------


def test_the_request_log_has_the_rule_never_the_path_code_or_secret(app, configure_logs):
    code, secret = _file_on_the_public_page(app)
    captured = configure_logs(level="DEBUG")
    client = app.test_client()
    assert client.get("/track", query_string={"code": code, "secret": secret}).status_code == 200
    api = client.get(f"/api/v1/public/complaints/{code}", query_string={"secret": secret})
    assert api.status_code == 200
    assert client.get(f"/no/such/page/{code}").status_code == 404
    track, status, missing = captured.named("http_request")
    assert track["rule"] == "/track" and track["endpoint"] == "public_pages.track"
    assert track["method"] == "GET" and track["status"] == 200 and track["user_id"] is None
    assert isinstance(track["duration_ms"], float) and track["duration_ms"] >= 0
    assert status["rule"] == "/api/v1/public/complaints/<code>"
    assert status["endpoint"] == "api.track_complaint"
    assert missing["rule"] is None and missing["status"] == 404
    text = captured.everything()
    assert code not in text and secret not in text and "secret=" not in text
    assert "/track?" not in text and "/no/such/page" not in text


def test_the_request_id_is_kept_when_safe_and_echoed(app, configure_logs):
    captured = configure_logs(level="INFO")
    client = app.test_client()
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-42.a_B"})
    assert kept.headers["X-Request-ID"] == "edge-42.a_B"
    made = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    unsafe = ["a\nforged {\"level\": \"ERROR\"}", "x" * 500, "ab cd", "-starts-with-dash",
              "ก" * 8]
    echoed = []
    for offered in unsafe:
        response = client.get("/healthz", environ_overrides={"HTTP_X_REQUEST_ID": offered})
        echoed.append(response.headers["X-Request-ID"])
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in echoed)
    assert len(set(echoed)) == len(echoed)
    lines = captured.named("http_request")
    assert [line["request_id"] for line in lines] == [
        "edge-42.a_B", made.headers["X-Request-ID"], *echoed]
    assert "forged" not in captured.text and "x" * 100 not in captured.text
    assert len(captured.text.splitlines()) == len(captured.lines())


def test_a_signed_in_user_is_logged_by_id_not_name(browser, web_people, configure_logs):
    director = browser("director")
    captured = configure_logs(level="INFO")
    assert director.get("/inbox").status_code == 200
    (line,) = captured.named("http_request")
    assert line["user_id"] == web_people.director.id and line["rule"] == "/inbox"
    assert web_people.director.username not in captured.text


def test_an_unexpected_error_logs_its_type_and_request_id_not_its_message(
        sqlite_runtime, configure_logs):
    from webui import create_app

    app = create_app(runtime=sqlite_runtime)

    @app.get("/boom/<code>")
    def boom(code: str) -> str:
        raise ValueError(f"{COMPLAINT['complainant_name']} {code}")

    captured = configure_logs(level="INFO")
    response = app.test_client().get("/boom/GF69-SECR-ET00", headers={"X-Request-ID": "r-1"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "r-1"
    (error,) = captured.named("unhandled_error")
    assert error["level"] == "ERROR" and error["error_type"] == "ValueError"
    assert error["request_id"] == "r-1" and error["rule"] == "/boom/<code>"
    assert any("test_structured_logs.py" in frame for frame in error["error_frames"])
    (request,) = captured.named("http_request")
    assert request["status"] == 500 and request["request_id"] == "r-1"
    text = captured.everything()
    assert COMPLAINT["complainant_name"] not in text and "GF69-SECR-ET00" not in text


# ---- the scheduler ---------------------------------------------------------------------


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def test_one_line_per_pass_that_did_work_with_counts_only(runtime, people, configure_logs):
    captured = configure_logs(level="INFO")
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        tick(runtime, "test-scheduler")
        assert captured.named("scheduler_pass") == []  # an idle pass says nothing
        now.move_to(bkk("2026-12-11T08:31"))  # the triage reminder is due
        report = tick(runtime, "test-scheduler")
        assert report.fired == 1
        tick(runtime, "test-scheduler")
    (line,) = captured.named("scheduler_pass")
    assert line["level"] == "INFO" and line["logger"] == "engine.jobs.scheduler"
    assert line["scheduler_id"] == "test-scheduler"
    assert line["fired"] == 1 and line["claimed"] == 1 and line["errors"] == 0
    assert {"mail_sent", "mail_failed", "letters_drawn", "letters_failed", "reports_delivered",
            "duration_ms"} <= set(line)
    assert all(isinstance(v, int | float) for k, v in line.items()
               if k not in ("ts", "level", "logger", "message", "scheduler_id"))
    assert not [v for v in PERSONAL if v in captured.everything()]


def test_a_failing_timer_is_logged_by_ids_and_type_only(runtime, people, configure_logs,
                                                        monkeypatch):
    import engine.jobs.scheduler as scheduler

    def broken(rt, owner, timer_id, instance_id):
        raise RuntimeError(f"could not handle {COMPLAINT['complainant_email']}")

    monkeypatch.setattr(scheduler, "fire", broken)
    captured = configure_logs(level="INFO")
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = instances.start_instance(runtime, people.legal_officer, "complaint",
                                        COMPLAINT)
        now.move_to(bkk("2026-12-11T08:31"))
        report = tick(runtime, "test-scheduler")
    (timer_id,) = report.errors
    (failed,) = captured.named("timer_failed")
    assert failed["level"] == "ERROR" and failed["error_type"] == "RuntimeError"
    assert failed["timer_id"] == timer_id and failed["instance_id"] == case["id"]
    (line,) = captured.named("scheduler_pass")
    assert line["errors"] == 1
    assert COMPLAINT["complainant_email"] not in captured.everything()


# ---- a complaint end to end at DEBUG ---------------------------------------------------


def test_a_complaint_filed_and_handled_at_debug_leaves_no_personal_data_in_the_logs(
        app, browser, sqlite_runtime, web_people, configure_logs):
    captured = configure_logs(level="DEBUG")
    code, secret = _file_on_the_public_page(app)
    tracker = Browser(app)
    tracker.get(f"/track?code={code}")
    assert tracker.post("/track", {"code": code, "secret": secret}).status_code == 200

    legal = browser("legal_officer")
    (task,) = tasks.list_tasks(sqlite_runtime, web_people.legal_officer, "group")["tasks"]
    iid = task["instance_id"]
    page = html(legal.get(f"/cases/{iid}"))
    assert COMPLAINT["complainant_name"] in page  # Legal Affairs does see it: it was served
    assert legal.post(f"/tasks/{task['id']}/complete",
                      {"screening_outcome": "accept"}).status_code == 302
    director = browser("director")
    (task,) = instances.get_instance(sqlite_runtime, web_people.director, iid)["tasks"]
    assert director.post(f"/tasks/{task['id']}/complete", {
        "director_instruction": "สืบสวนข้อเท็จจริง", "action_type": "fact_finding",
    }).status_code == 302
    tick(sqlite_runtime, "test-scheduler")
    with clock.frozen(datetime.now(BANGKOK) + timedelta(days=30)):
        tick(sqlite_runtime, "test-scheduler")  # deadlines passed: reminders, escalations
    assert tracker.post("/track", {"code": code, "secret": secret}).status_code == 200

    lines = captured.lines()
    assert len(captured.named("http_request")) >= 10
    assert {line["logger"] for line in lines} >= {"webui.request_log"}
    text = captured.everything()
    leaked = [value for value in (*PERSONAL, code, secret) if value in text]
    assert leaked == []
