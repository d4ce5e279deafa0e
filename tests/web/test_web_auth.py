"""Signing in and out, CSRF, rate limiting, redirects, error pages and the language switch."""

from __future__ import annotations

import pytest

from tests.web_client import Browser, html
from webui import CONTENT_SECURITY_POLICY

pytest_plugins = ("tests.web_support",)


def test_anonymous_pages_redirect_to_signin(app):
    client = app.test_client()
    for path in ("/inbox", "/tasks/00000000-0000-0000-0000-000000000000", "/cases/1",
                 "/start/publishing", "/admin/users", "/admin/units", "/admin/acting"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/signin?next="), path


def test_front_page_is_public_and_thai(app):
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert 'lang="th"' in html(response) and "เข้าสู่ระบบ" in html(response)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_signin_and_signout(app, web_people, passwords):
    b = Browser(app)
    b.get("/signin")
    response = b.post("/signin", {"username": "director", "password": passwords["director"],
                                  "next": "/inbox?view=group"})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox?view=group"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = b.get("/inbox")
    assert page.status_code == 200 and "ออกจากระบบ" in html(page)
    # Sign-out is a POST with the token; a GET does nothing.
    assert b.client.get("/signout").status_code == 405
    out = b.post("/signout")
    assert out.status_code == 302 and out.headers["Location"] == "/signin"
    assert b.get("/inbox").status_code == 302


def test_signin_failure_keeps_the_username(app, web_people, passwords):
    b = Browser(app)
    b.get("/signin")
    response = b.post("/signin", {"username": "director", "password": "wrong password"})
    assert response.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in html(response)
    assert 'value="director"' in html(response)
    empty = b.post("/signin", {"username": "", "password": ""})
    assert empty.status_code == 400 and "กรุณากรอกชื่อผู้ใช้และรหัสผ่าน" in html(empty)


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(app, web_people, passwords, target):
    b = Browser(app)
    b.get("/signin")
    response = b.post("/signin", {"username": "director", "password": passwords["director"],
                                  "next": target})
    assert response.headers["Location"] == "/inbox"


def test_post_without_csrf_token_is_refused(app, web_people, passwords):
    assert app.config.get("WTF_CSRF_ENABLED", True)
    client = app.test_client()
    response = client.post("/signin", data={"username": "director",
                                             "password": passwords["director"]})
    assert response.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in html(response)
    # Signed in, a form POST without the token changes nothing either.
    b = Browser(app)
    b.signin("director", passwords["director"])
    refused = b.client.post("/signout", data={})
    assert refused.status_code == 400
    assert b.get("/inbox").status_code == 200  # still signed in


def test_api_is_exempt_from_csrf(app, sqlite_runtime, web_people):
    from engine.services.admin.users import issue_token

    token = issue_token(sqlite_runtime, "staff_plan")
    from tests.samples import PUBLISHING_REQUEST

    response = app.test_client().post(
        "/api/v1/processes/publishing/instances", json={"data": PUBLISHING_REQUEST},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_signin_is_rate_limited(app, web_people, passwords):
    b = Browser(app)
    b.get("/signin")
    statuses = [b.post("/signin", {"username": "director", "password": "nope"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert "ส่งคำขอบ่อยเกินไป" in b.text()
    # Even the right password waits; another user from the same address does not.
    assert b.post("/signin", {"username": "director",
                              "password": passwords["director"]}).status_code == 429
    assert b.post("/signin", {"username": "web_admin",
                              "password": passwords["web_admin"]}).status_code == 302


def test_deactivated_user_is_signed_out(app, sqlite_runtime, web_people, passwords, browser):
    from engine.services.admin import staff as admin

    director = browser("director")
    admin.set_active(sqlite_runtime, web_people.admin, "director", False)
    assert director.get("/inbox").status_code == 302


def test_error_pages_are_for_people(app, browser):
    staff = browser("staff")
    missing = staff.get("/no-such-page")
    assert missing.status_code == 404 and "ไม่พบหน้าที่ต้องการ" in html(missing)
    forbidden = staff.get("/admin/users")
    assert forbidden.status_code == 403 and "ไม่มีสิทธิ์เข้าถึง" in html(forbidden)
    assert "Traceback" not in html(forbidden)


def test_500_page(app, browser, monkeypatch):
    from engine.services.inbox import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("boom with secret data")

    monkeypatch.setattr(tasks, "count_tasks", broken)
    staff = browser("staff")
    page = staff.get("/inbox")
    assert page.status_code == 500 and "ระบบขัดข้อง" in html(page)
    assert "boom" not in html(page)


def test_language_switch(app, browser):
    staff = browser("staff")
    assert "งานของฉัน" in staff.get("/inbox").get_data(as_text=True)
    response = staff.post("/language", {"lang": "en", "next": "/inbox"})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    page = staff.get("/inbox")
    text = html(page)
    assert 'lang="en"' in text and "My tasks" in text and "Sign out" in text
    staff.post("/language", {"lang": "th", "next": "https://evil.example/"})
    assert staff.page.headers["Location"] == "/"
    assert "งานของฉัน" in html(staff.get("/inbox"))
    # The choice survives signing in again.
    anon = Browser(app)
    anon.get("/signin")
    anon.post("/language", {"lang": "en", "next": "/signin"})
    assert "Sign in" in html(anon.get("/signin"))
