"""Two owners edit the same process (issue 17, point 5): each is told of the other, the
second save, made from the version both opened, is refused with a message naming the
first owner, and nothing is lost: the first draft is kept, and the second owner still
holds their own text to save deliberately over it.

Two browser contexts (two people, two sessions) call the drafts API from an owner page
with the page's own CSRF token, as the editor's script does (fetch, X-CSRFToken): the
API's side of it, both ways round and with a deliberate save over the newer draft. The
same story through the editor's buttons is tests/web/browser/test_editor_page.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.core.config import REPO_ROOT, Settings
from engine.services.admin.users import add_user
from engine.workflow.runtime import Runtime
from tests.web.browser.support import Server, app_page

pytestmark = pytest.mark.browser

OWNERS = {"owner_a": "เอ ผู้ดูแลกระบวนงาน", "owner_b": "บี ผู้ดูแลกระบวนงาน"}
API = "/owner/api/processes/complaint"
OLD_NAME = 'name="ผู้อำนวยการ สพป. สั่งการ"'

#: What the editor's script does: JSON with the page's CSRF token, the answer and status.
CALL = """async ([method, url, body]) => {
  const token = document.querySelector('input[name="csrf_token"]').value;
  const response = await fetch(url, {
    method, credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'Accept': 'application/json',
              'X-CSRFToken': token},
    body: body === null ? undefined : JSON.stringify(body),
  });
  return {status: response.status, body: await response.json()};
}"""


def password(username: str) -> str:
    return f"pw-{username}-2569-ทดสอบ"


@pytest.fixture(scope="module")
def owners(server: Server) -> dict[str, str]:
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        for username, display in OWNERS.items():
            add_user(rt, username, ["process_owner"], "PLAN", password=password(username),
                     display_name=display)
    finally:
        rt.close()
    return OWNERS


@pytest.fixture
def two_pages(chromium: Browser, server: Server, owners) -> Iterator[tuple[Page, Page]]:
    with app_page(chromium, server) as first, app_page(chromium, server) as second:
        for page, username in ((first, "owner_a"), (second, "owner_b")):
            page.goto("/signin")
            page.get_by_label("ชื่อผู้ใช้", exact=True).fill(username)
            page.get_by_label("รหัสผ่าน", exact=True).fill(password(username))
            page.get_by_role("button", name="เข้าสู่ระบบ").click()
            expect(page.get_by_text(f"ยินดีต้อนรับ {owners[username]}")).to_be_visible()
            page.goto("/owner/processes/complaint")
        yield first, second


def call(page: Page, method: str, url: str, body: dict | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = page.evaluate(CALL, [method, url, body])
    return answer


def edited(name: str) -> str:
    text = (REPO_ROOT / "processes" / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(OLD_NAME) == 1
    return text.replace(OLD_NAME, f'name="{name}"')


def test_two_owners_edit_the_same_process(two_pages):
    first, second = two_pages
    # Both open the editor: each page says it is open and hears of the other.
    assert call(first, "POST", f"{API}/presence")["body"]["editors"] == []
    seen_by_second = call(second, "POST", f"{API}/presence")["body"]["editors"]
    assert [e["user"] for e in seen_by_second] == ["เอ ผู้ดูแลกระบวนงาน"]
    seen_by_first = call(first, "POST", f"{API}/presence")["body"]["editors"]
    assert [e["user"] for e in seen_by_first] == ["บี ผู้ดูแลกระบวนงาน"]
    loaded = [call(page, "GET", f"{API}/draft")["body"] for page in two_pages]
    assert [d["revision"] for d in loaded] == [None, None]
    assert [e["user"] for e in loaded[1]["editors"]] == ["เอ ผู้ดูแลกระบวนงาน"]

    saved = call(first, "PUT", f"{API}/draft", {"bpmn": edited("สั่งการ (เอ)"), "revision": None})
    assert saved["status"] == 200 and saved["body"]["revision"] == 1
    mine = edited("สั่งการ (บี)")
    refused = call(second, "PUT", f"{API}/draft", {"bpmn": mine, "revision": None})
    assert refused["status"] == 409
    assert refused["body"]["saved_by"] == "เอ ผู้ดูแลกระบวนงาน"
    assert refused["body"]["error"].startswith("เอ ผู้ดูแลกระบวนงาน บันทึกฉบับร่างที่ใหม่กว่า")
    assert "nothing was overwritten" in refused["body"]["error_en"]

    # Nothing is lost: the first owner's draft is what both now load.
    for page in two_pages:
        kept = call(page, "GET", f"{API}/draft")["body"]
        assert kept["revision"] == 1 and 'name="สั่งการ (เอ)"' in kept["bpmn"]
        assert kept["saved_by"] == "เอ ผู้ดูแลกระบวนงาน"
    # The second owner, told, saves over it on purpose, naming the revision now seen.
    over = call(second, "PUT", f"{API}/draft", {"bpmn": mine, "revision": 1})
    assert over["status"] == 200 and over["body"]["revision"] == 2
    assert 'name="สั่งการ (บี)"' in call(first, "GET", f"{API}/draft")["body"]["bpmn"]
    # And the first owner's next save from revision 1 is refused in turn.
    late = call(first, "PUT", f"{API}/draft", {"bpmn": edited("x"), "revision": 1})
    assert late["status"] == 409 and late["body"]["saved_by"] == "บี ผู้ดูแลกระบวนงาน"
    assert call(first, "DELETE", f"{API}/draft", {"revision": 2})["status"] == 200
