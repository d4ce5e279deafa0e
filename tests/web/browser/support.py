"""What every browser test needs: a real `govflow serve`, Debian's chromium, a fresh
page in Thai and Bangkok time, and the steps a person takes (sign in, open a tab, claim).

Playwright never downloads a browser here: it launches /usr/bin/chromium (Debian's
package, installed by `make browser-deps` with the Thai fonts from fonts-thai-tlwg).
Without it the tests skip with the reason, except under CI, where they fail.
Each test module gets its own server and database (the fixtures are module-scoped).
"""

from __future__ import annotations

import os

os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"  # never fetch a browser of our own

import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from engine.core.config import Settings  # noqa: E402
from engine.services.admin.users import add_user  # noqa: E402
from engine.workflow.runtime import Runtime  # noqa: E402
from tests.conftest import TEST_PASSWORD_PROFILE, missing  # noqa: E402
from tests.samples import COMPLAINT  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
GOVFLOW = str(Path(sys.executable).with_name("govflow"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"  # tests/artifacts/
#: A broken page fails in seconds with Playwright's message, not after minutes.
TIMEOUT_MS = 15_000
THAI = re.compile(r"[\u0E00-\u0E7F]")

#: username → (role, unit, display name); one user per role the two processes need.
USERS = {
    "somsri": ("staff", "PLAN", "สมศรี ใจดี"),
    "director": ("director", "DIR", "ผู้อำนวยการ ทดสอบ"),
    "webadmin": ("web_admin", "ICT", "วีระ ดูแลเว็บ"),
    "icthead": ("ict_head", "ICT", "ไอซีที หัวหน้า"),
    "nitikorn": ("legal_officer", "LEGAL", "นิติกร ทดสอบ"),
    "legalhead": ("legal_head", "LEGAL", "หัวหน้ากฎหมาย ทดสอบ"),
}


def password_of(username: str) -> str:
    return f"pw-{username}-2569-ทดสอบ"


# ---- the server and the browser --------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    log: Path
    #: The environment `govflow serve` runs with: its instance directory, for `govflow tick`.
    env: dict[str, str]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[Server]:
    """`govflow init`, users with known passwords, then `govflow serve` on a free port.

    A module may define ``server_env(root) -> dict`` for settings of its own (e.g. its
    own copy of processes/ for a test that deploys a version)."""
    root = tmp_path_factory.mktemp("browser")
    instance = root / "instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVFLOW_")}
    env.update(GOVFLOW_INSTANCE_DIR=str(instance), GOVFLOW_ENV="development",
               GOVFLOW_PASSWORD_PROFILE=TEST_PASSWORD_PROFILE)
    own_env = getattr(request.module, "server_env", None)
    if own_env is not None:
        env.update(own_env(root))
    init = subprocess.run([GOVFLOW, "init"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert init.returncode == 0, f"govflow init failed:\n{init.stdout}\n{init.stderr}"

    # The same SQLite file the server will open (GOVFLOW_INSTANCE_DIR points both at it).
    rt = Runtime(Settings(instance_dir=instance, password_profile=TEST_PASSWORD_PROFILE))
    try:
        for username, (role, unit, display) in USERS.items():
            add_user(rt, username, [role], unit, password=password_of(username),
                     display_name=display)
    finally:
        rt.close()

    port = _free_port()
    log = root / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [GOVFLOW, "serve", "--port", str(port), "--no-scheduler"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"govflow serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/signin", timeout=2) as response:
                    if response.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"govflow serve did not answer on {url}:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(url=url, log=log, env=env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing("Debian chromium not installed: apt-get install chromium", "browser tests")
    ARTIFACTS.mkdir(exist_ok=True)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@contextmanager
def app_page(chromium: Browser, server: Server, **options: Any) -> Iterator[Page]:
    """A fresh browser profile (no cookies) on the server, in Thai and Bangkok time;
    ``options`` add to Playwright's context options (e.g. ``bypass_csp``).

    Every request must go to the app itself: no CDN, no web fonts from the internet.
    """
    context = chromium.new_context(
        base_url=server.url, locale="th-TH", timezone_id="Asia/Bangkok",
        viewport={"width": 1280, "height": 900}, **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    elsewhere: list[str] = []
    context.on("request", lambda request: None if request.url.startswith(server.url)
               or request.url.startswith("data:") else elsewhere.append(request.url))
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert not elsewhere, f"the pages fetched from outside the app: {elsewhere}"


@pytest.fixture
def page(chromium: Browser, server: Server) -> Iterator[Page]:
    """The page every browser test starts from (see :func:`app_page`)."""
    with app_page(chromium, server) as fresh:
        yield fresh


expect.set_options(timeout=TIMEOUT_MS)


# ---- what a person does ----------------------------------------------------------------

def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def field(page: Page, label: str):
    """The input labelled exactly ``label``; a required one's label adds "* (จำเป็น)"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?(\s*\(จำเป็น\))?$"))


def choose(page: Page, question: str, answer: str) -> None:
    """Tick the radio button ``answer`` in the group whose legend is ``question``."""
    group = page.get_by_role("group", name=re.compile(rf"^{re.escape(question)}"))
    group.get_by_role("radio", name=answer, exact=True).check()


def sign_in(page: Page, username: str) -> None:
    page.goto("/signin")
    expect(page.get_by_role("heading", name="เข้าสู่ระบบ")).to_be_visible()
    page.get_by_label("ชื่อผู้ใช้", exact=True).fill(username)
    page.get_by_label("รหัสผ่าน", exact=True).fill(password_of(username))
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="กล่องงาน", exact=True)).to_be_visible()
    expect(page.get_by_text(f"ยินดีต้อนรับ {USERS[username][2]}")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="ออกจากระบบ").click()
    expect(page.get_by_text("ออกจากระบบแล้ว")).to_be_visible()
    expect(page.get_by_role("heading", name="เข้าสู่ระบบ")).to_be_visible()


def main_menu(page: Page, link: str) -> None:
    menu = page.get_by_role("navigation", name="เมนูหลัก")
    menu.get_by_role("link", name=link, exact=True).click()


def inbox_tab(page: Page, tab: str) -> None:
    tabs = page.get_by_role("navigation", name="มุมมองกล่องงาน")
    tabs.get_by_role("link", name=re.compile(rf"^{re.escape(tab)}\s*\d+$")).click()
    expect(tabs.get_by_role("link", name=re.compile(rf"^{re.escape(tab)}"))).to_have_attribute(
        "aria-current", "page")


def task_row(page: Page, case_title: str, task_name: str):
    """The inbox row of ``task_name`` in the case titled ``case_title``."""
    row = page.get_by_role("row").filter(has_text=case_title).filter(has_text=task_name)
    expect(row).to_have_count(1)
    return row


def open_and_claim(page: Page, case_title: str, task_name: str) -> None:
    """From anywhere: the inbox, the unclaimed tab, the task, then claim it."""
    main_menu(page, "กล่องงาน")
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    task_row(page, case_title, task_name).get_by_role("link", name=task_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(task_name)
    page.get_by_role("button", name="รับงานนี้").click()
    expect(page.get_by_text("รับงานแล้ว")).to_be_visible()


def submit_task(page: Page, task_name: str) -> None:
    page.get_by_role("button", name="บันทึกและส่งงาน").click()
    expect(page.get_by_text(f"บันทึก “{task_name}” เรียบร้อยแล้ว")).to_be_visible()


def case_status(page: Page):
    return page.get_by_role("region", name="สถานะเรื่อง")


def scheduler_pass(server: Server) -> None:
    """One `govflow tick`, as cron runs it beside a server started with --no-scheduler:
    draws the letters steps have queued (and fires due timers: none in these tests)."""
    tick = subprocess.run([GOVFLOW, "tick"], env=server.env, capture_output=True, text=True,
                          timeout=60)
    assert tick.returncode == 0, f"govflow tick failed:\n{tick.stdout}\n{tick.stderr}"


#: A process owner, made by the tests that deploy (:func:`sign_in_owner`).
OWNER, OWNER_PASSWORD = "owner", "pw-owner-2569-ทดสอบ"


def sign_in_owner(page: Page, server: Server) -> None:
    """Make the process owner (once per server) and sign in as them."""
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        add_user(rt, OWNER, ["process_owner"], "PLAN", password=OWNER_PASSWORD,
                 display_name="ผู้ดูแลกระบวนงาน ทดสอบ")
    finally:
        rt.close()
    page.goto("/signin")
    page.get_by_label("ชื่อผู้ใช้", exact=True).fill(OWNER)
    page.get_by_label("รหัสผ่าน", exact=True).fill(OWNER_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()


def file_complaint(page: Page, received: str) -> str:
    """The signed-in legal officer registers tests/samples.py's COMPLAINT, received on
    ``received`` (ISO); returns the case page's address."""
    main_menu(page, "ลงทะเบียนเรื่องร้องเรียน")
    field(page, "เรื่อง").fill(COMPLAINT["subject"])
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(COMPLAINT["details"])
    field(page, "ประเภทเรื่องร้องเรียน").select_option(label="ทุจริตในการจัดซื้อจัดจ้าง")
    field(page, "ชื่อผู้ถูกร้องเรียน").fill(COMPLAINT["accused_name"])
    group = page.get_by_role("group", name=re.compile(r"^ช่องทางที่รับเรื่อง"))
    group.get_by_role("radio", name="หนังสือ", exact=True).check()
    field(page, "วันที่ได้รับเรื่อง").fill(received)
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    return page.url
