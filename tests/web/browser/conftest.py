"""Browser-test fixtures (server, chromium, page) for every module in this folder."""

from tests.web.browser.support import chromium, page, server  # noqa: F401
