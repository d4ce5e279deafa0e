"""Issue 13 items 6, 7 and 9 (headers): links come from GOVFLOW_PUBLIC_URL and never from
the Host header, X-Forwarded-* is believed only from trusted proxies, an oversized body is
refused before it is read (waitress, and the middleware for gunicorn), and production
sends HSTS."""

from __future__ import annotations

import dataclasses
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from lxml import etree

from engine.core.config import REPO_ROOT
from engine.core.errors import ConfigurationError
from engine.core.passwords import DEFAULT_PROFILE
from engine.workflow.runtime import Runtime
from tests.mail_support import free_port
from tests.samples import COMPLAINT
from tests.web.publication_support import PDF, published
from tests.web_client import Browser, form_of, html
from webui import create_app
from webui.body_limit import LARGEST_BODY_BYTES, BodyLimit

pytest_plugins = ("tests.web_support",)

EVIL = "evil.example"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
UNKNOWN_CASE = "/api/v1/public/complaints/GF69-AAAA-AAAA?secret=x"
BIN = Path(sys.executable).parent


def _app(runtime: Runtime, **settings: str):
    app = create_app(runtime=Runtime(dataclasses.replace(runtime.settings, **settings)))
    app.testing = True
    return app


# ---- item 6: absolute links from GOVFLOW_PUBLIC_URL ------------------------------------

def test_the_receipt_qr_code_follows_the_public_url_not_the_host_header(sqlite_runtime):
    from webui.public.complaints import _qr

    app = _app(sqlite_runtime, public_url="https://govflow.example.go.th/eservice")
    citizen = Browser(app)
    evil = {"base_url": f"http://{EVIL}"}
    assert citizen.get("/complaint", **evil).status_code == 200
    receipt = citizen.post("/complaint", {**form_of(WEB), "notice_acknowledged": "on"},
                           headers={"Host": EVIL}, follow=True, **evil)
    assert receipt.status_code == 200
    text = html(receipt)
    code = text.split('<code class="receipt-code">', 1)[1].split("<", 1)[0]
    expected = f"https://govflow.example.go.th/eservice/track?code={code}"
    with app.test_request_context():
        assert str(_qr(expected)) in text  # the QR code encodes exactly this address
        assert str(_qr(f"http://{EVIL}/track?code={code}")) not in text
    assert EVIL not in text


def test_feed_links_follow_the_public_url_not_the_host_header(sqlite_runtime, web_people):
    _, pid = published(sqlite_runtime, web_people, {"title": "แผนปฏิบัติการ"})
    app = _app(sqlite_runtime, public_url="https://govflow.example.go.th/eservice/")
    response = app.test_client().get("/public/1.1.1/feed.atom", base_url=f"http://{EVIL}",
                                     headers={"Host": EVIL, "X-Forwarded-Host": EVIL})
    assert response.status_code == 200 and EVIL.encode() not in response.get_data()
    feed = etree.fromstring(response.get_data())
    base = "https://govflow.example.go.th/eservice"
    assert feed.xpath("a:link[@rel='self']/@href", namespaces=ATOM) == [
        f"{base}/public/1.1.1/feed.atom"]
    assert feed.xpath("a:link[@rel='alternate']/@href", namespaces=ATOM) == [
        f"{base}/public/1.1.1"]
    assert feed.xpath("a:entry/a:link/@href", namespaces=ATOM) == [f"{base}/public/items/{pid}"]


def test_redirects_never_name_the_host_header(app):
    client = app.test_client()
    for path, target in (("/admin", "/admin/"), ("/owner", "/owner/")):
        response = client.get(path, base_url=f"http://{EVIL}", headers={"Host": EVIL})
        assert response.status_code == 308 and response.headers["Location"] == target


def _statuses(client, forwarded_for: list[str]) -> list[int]:
    return [client.get(UNKNOWN_CASE, environ_base={"REMOTE_ADDR": "10.0.0.9"},
                       headers={"X-Forwarded-For": address}).status_code
            for address in forwarded_for]


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(sqlite_runtime):
    spoofed = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    default = _app(sqlite_runtime, public_rate_limit="2/minute").test_client()
    assert _statuses(default, spoofed) == [404, 404, 429]  # keyed on the socket's address
    behind_proxy = _app(sqlite_runtime, public_rate_limit="2/minute",
                        trusted_proxies="1").test_client()
    assert _statuses(behind_proxy, spoofed) == [404, 404, 404]  # three real clients
    assert _statuses(behind_proxy, ["198.51.100.7"] * 3) == [404, 404, 429]


@pytest.mark.parametrize(("setting", "value", "named"), [
    ("trusted_proxies", "one", "GOVFLOW_TRUSTED_PROXIES"),
    ("trusted_proxies", "-1", "GOVFLOW_TRUSTED_PROXIES"),
    ("trusted_proxies", "99", "GOVFLOW_TRUSTED_PROXIES"),
    ("public_url", "govflow.example.go.th", "GOVFLOW_PUBLIC_URL"),
])
def test_a_bad_proxy_or_address_setting_stops_start_up_naming_it(sqlite_runtime, setting,
                                                                  value, named):
    with pytest.raises(ConfigurationError) as caught:
        _app(sqlite_runtime, **{setting: value})
    assert named in caught.value.message and value in caught.value.message


def test_govflow_serve_names_a_bad_setting_without_a_traceback(sqlite_runtime, monkeypatch):
    from webui.cli import main

    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(sqlite_runtime.settings.instance_dir))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")
    monkeypatch.setenv("GOVFLOW_TRUSTED_PROXIES", "all")
    monkeypatch.setattr("waitress.create_server", lambda *args, **kwargs: None)  # never serve
    result = CliRunner().invoke(main, ["serve", "--no-scheduler", "--port", str(free_port())])
    assert result.exit_code == 1 and "GOVFLOW_TRUSTED_PROXIES" in result.output
    assert "Traceback" not in result.output


def test_trusted_proxies_is_read_from_the_environment(monkeypatch):
    from engine.core.config import Settings

    monkeypatch.setenv("GOVFLOW_TRUSTED_PROXIES", "2")
    assert Settings.from_env().trusted_proxies == "2"
    monkeypatch.delenv("GOVFLOW_TRUSTED_PROXIES")
    assert Settings.from_env().trusted_proxies == "0"


# ---- item 7: bodies refused before they are read ---------------------------------------

class _Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def _echo(environ, start_response):
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"%d" % len(body)]


def _call(app, environ: dict) -> tuple[str, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    body = b"".join(app({"PATH_INFO": "/complaint", **environ}, start_response))
    return seen["status"], body


def test_the_middleware_refuses_a_declared_oversize_without_reading_it():
    app = BodyLimit(_echo, limit=100)
    status, body = _call(app, {"CONTENT_LENGTH": "101", "wsgi.input": _Unreadable()})
    assert status.startswith("413") and "ใหญ่เกิน".encode() in body
    status, body = _call(app, {"CONTENT_LENGTH": str(10**12), "wsgi.input": _Unreadable(),
                               "PATH_INFO": "/api/v1/public/complaints"})
    assert status.startswith("413") and b'"error": "request_entity_too_large"' in body


def test_the_middleware_bounds_a_chunked_body_while_reading():
    app = BodyLimit(_echo, limit=100)
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    status, _ = _call(app, {**chunked, "wsgi.input": io.BytesIO(b"x" * 101)})
    assert status.startswith("413")
    status, body = _call(app, {**chunked, "wsgi.input": io.BytesIO(b"x" * 100)})
    assert status.startswith("200") and body == b"100"
    status, body = _call(app, {"CONTENT_LENGTH": "100", "wsgi.input": io.BytesIO(b"x" * 100)})
    assert status.startswith("200") and body == b"100"


def test_the_app_answers_a_chunked_oversize_with_its_own_413(app):
    big = io.BytesIO(b"x" * (LARGEST_BODY_BYTES + 1))
    response = app.test_client().post(
        "/api/v1/public/complaints", input_stream=big, content_type="application/json",
        headers={"Transfer-Encoding": "chunked"}, environ_overrides={
            "wsgi.input_terminated": True})
    assert response.status_code == 413
    assert big.tell() <= LARGEST_BODY_BYTES + 1


def test_the_largest_body_is_the_largest_upload_and_serve_says_so():
    from webui.cli import main

    five_files = 5 * 10 * 1024 * 1024
    assert five_files < LARGEST_BODY_BYTES <= five_files + 2 * 1024 * 1024
    shown = CliRunner().invoke(main, ["serve", "--help"])
    assert f"{LARGEST_BODY_BYTES // 2**20} MB" in " ".join(shown.output.split())


def _server(command: list[str], runtime: Runtime, log: Path):
    """A server subprocess on a free loopback port (``{port}`` in ``command``) over the
    test's database: its port."""
    port = free_port()
    env = {**os.environ, "GOVFLOW_INSTANCE_DIR": str(runtime.settings.instance_dir),
           "GOVFLOW_DATABASE_URL": "", "GOVFLOW_LOG_LEVEL": "WARNING"}
    with log.open("wb") as out:
        server = subprocess.Popen([arg.format(port=port) for arg in command], env=env,
                                  cwd=REPO_ROOT, stdout=out, stderr=out)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/complaint", timeout=2)
                break
            except urllib.error.HTTPError:  # it answers
                break
            except OSError:  # refused, or not answering yet
                assert server.poll() is None, log.read_text()
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def served(sqlite_runtime, tmp_path):
    """`govflow serve` (waitress), as `make run` starts it."""
    yield from _server([str(BIN / "govflow"), "serve", "--no-scheduler", "--port", "{port}"],
                       sqlite_runtime, tmp_path / "serve.log")


@pytest.fixture
def gunicorn(sqlite_runtime, tmp_path):
    """gunicorn on webui.wsgi:app, as the README's production section runs it."""
    yield from _server([str(BIN / "gunicorn"), "-w", "1", "--threads", "2", "webui.wsgi:app",
                        "-b", "127.0.0.1:{port}"], sqlite_runtime, tmp_path / "gunicorn.log")


def _declare_600_mb(port: int, path: bytes) -> bytes:
    """Headers announcing 600 MB and three bytes of body; then the answer's first bytes.
    A server that waited for the body would time out here."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
        conn.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: multipart/form-data; boundary=x\r\n"
                     b"Content-Length: 600000000\r\n\r\nabc")
        return conn.recv(4096)


def test_govflow_serve_refuses_an_oversized_body_before_reading_it(served):
    """600 MB declared, three bytes sent: the 413 arrives although the body never does
    (today waitress waits for the whole body, up to its default of 1 GB)."""
    assert _declare_600_mb(served, b"/complaint").startswith(b"HTTP/1.1 413")


def test_gunicorn_refuses_an_oversized_body_before_reading_it(gunicorn):
    """The middleware answers, even on a page that would never read its body."""
    for path in (b"/complaint", b"/public", b"/api/v1/public/complaints"):
        assert _declare_600_mb(gunicorn, path).startswith(b"HTTP/1.1 413"), path


def test_govflow_serve_still_takes_a_normal_request(served):
    request = urllib.request.Request(f"http://127.0.0.1:{served}/track",
                                     data=b"code=GF69-AAAA-AAAA&secret=x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:  # no CSRF token: 400, not 413
        urllib.request.urlopen(request, timeout=20)
    assert refused.value.code == 400


def test_a_full_size_upload_still_passes_the_middleware(app):
    """A complaint with a file at the 10 MB limit is read through the counting input."""
    from engine.services.inbox.attachments import MAX_BYTES

    citizen = Browser(app)
    citizen.get("/complaint")
    scan = PDF + b"0" * (MAX_BYTES - len(PDF))
    filed = citizen.post("/complaint", {**form_of(WEB), "notice_acknowledged": "on",
                                        "evidence": (io.BytesIO(scan), "หลักฐาน.pdf")},
                         content_type="multipart/form-data", follow=True)
    assert filed.status_code == 200, html(filed)[:500]
    assert "หลักฐาน.pdf" in html(filed)


# ---- item 9: HSTS in production only ---------------------------------------------------

def _production(runtime: Runtime):
    return _app(runtime, environment="production", password_profile=DEFAULT_PROFILE,
                data_key=Fernet.generate_key().decode(),
                name_index_key=Fernet.generate_key().decode(), secret_key="s" * 40)


def test_production_sends_hsts_on_every_response(sqlite_runtime):
    client = _production(sqlite_runtime).test_client()
    for path in ("/public", "/signin", "/no-such-page", "/api/v1/processes", "/static/govflow.css"):
        response = client.get(path)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"), path
    refused = client.post("/complaint", environ_overrides={"CONTENT_LENGTH": str(10**10)})
    assert refused.status_code == 413 and "Strict-Transport-Security" in refused.headers


def test_development_sends_no_hsts(app):
    client = app.test_client()
    for path in ("/public", "/signin", "/no-such-page"):
        assert "Strict-Transport-Security" not in client.get(path).headers, path
