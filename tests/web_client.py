"""A browser-like test client for the HTML tests (tests/test_web_*.py).

CSRF protection stays on: every POST carries the token the page itself rendered.
"""

from __future__ import annotations

import re
from html import unescape

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
#: The complaint form's one-time token, sent back as a browser sends every hidden field.
FILING_TOKEN = re.compile(r'name="filing_token" value="([^"]+)"')


class Browser:
    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()
        self.page = None

    def get(self, path: str, **kwargs):
        self.page = self.client.get(path, **kwargs)
        return self.page

    def token(self) -> str:
        """The CSRF token of the page last seen, or of a fresh page when that one had none."""
        page = self.page
        match = TOKEN.search(page.get_data(as_text=True)) if page is not None else None
        for path in ("/signin", "/inbox"):
            if match is not None:
                break
            match = TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert match, "no CSRF token on any page"
        return unescape(match.group(1))

    def post(self, path: str, data: dict | None = None, *, follow: bool = False, **kwargs):
        body = dict(data or {})
        body.setdefault("csrf_token", self.token())
        filing = FILING_TOKEN.search(self.page.get_data(as_text=True)) if self.page else None
        if filing is not None:
            body.setdefault("filing_token", unescape(filing.group(1)))
        self.page = self.client.post(path, data=body, follow_redirects=follow, **kwargs)
        return self.page

    def signin(self, username: str, password: str):
        self.get("/signin")
        response = self.post("/signin", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.get("/inbox")
        return response

    def text(self) -> str:
        return self.page.get_data(as_text=True)


def html(response) -> str:
    return response.get_data(as_text=True)




def form_of(data: dict) -> dict:
    """Sample JSON data as a browser would send it: checkboxes 'on' or absent."""
    out = {}
    for key, value in data.items():
        if value is True:
            out[key] = "on"
        elif value is False:
            continue
        else:
            out[key] = value
    return out
