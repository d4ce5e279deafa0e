"""What the HTML blueprints share: the runtime, who is signed in, dates, safe redirects."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.routing import IntegerConverter

from engine.core.actors import Actor
from engine.core.errors import Conflict, InvalidData
from engine.core.models import MAX_DB_INT
from engine.core.roles import ROLE_NAMES_EN, ROLES
from engine.services.admin import processes
from engine.services.inbox import attachments
from engine.services.inbox.attachments import UploadedFile
from engine.thai.dates import be_year, format_thai_date, format_thai_datetime
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from webui.i18n import current_language, localize, localize_fields

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip

def rt() -> Runtime:
    """The runtime create_app put in the app, for every blueprint and the API alike."""
    runtime: Runtime = current_app.extensions["govflow"]
    return runtime


def actor() -> Actor:
    """The signed-in person as the engine knows them (views are behind login_required)."""
    signed_in: Actor = current_user.actor
    return signed_in


def roles_required(
        roles: Collection[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Pages for the holders of any of ``roles``: signed in, else to the sign-in page; other
    roles get 403. The engine checks the role again on every call."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if actor().roles.isdisjoint(roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


#: Pages for the role ``admin`` only.
admin_required = roles_required({"admin"})


def failure(error: InvalidData | Conflict) -> tuple[str, dict[str, str]]:
    """An engine refusal as a page shows it: the message and each field's, localized."""
    return localize(error.message), localize_fields(getattr(error, "fields", None))


def form_values(*names: str) -> dict[str, str]:
    """The named fields of the posted form, trimmed; a missing one is empty."""
    return {name: (request.form.get(name) or "").strip() for name in names}


def public_url_for(endpoint: str, **values: Any) -> str:
    """An absolute link (QR codes, feeds) under ``GOVFLOW_PUBLIC_URL``, never under the
    request's Host header, which whoever sends the request chooses."""
    base = urlsplit(rt().settings.public_url)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def role_name(role: str | None) -> str:
    if not role:
        return ""
    if current_language() == "en":
        return ROLE_NAMES_EN.get(role, role)
    return ROLES.get(role, role)


def _as_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=BANGKOK)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BANGKOK)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(BANGKOK).date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    moment = _as_datetime(text)
    return moment.astimezone(BANGKOK).date() if moment else None


def show_date(value: Any) -> str:
    """A date in the Buddhist Era: '11 ธันวาคม 2569' or '11 Dec 2569 BE'."""
    day = _as_date(value)
    if day is None:
        return "" if value in (None, "") else str(value)
    if current_language() == "en":
        return f"{day.day} {EN_MONTHS[day.month - 1]} {be_year(day)} BE"
    return format_thai_date(day, "long")


def show_datetime(value: Any) -> str:
    """A moment in Bangkok time, Buddhist Era: '11 ธันวาคม 2569 16:30 น.'."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if current_language() == "en":
        local = moment.astimezone(BANGKOK)
        return f"{show_date(local.date())}, {local:%H:%M}"
    return format_thai_datetime(moment)


def countdown(days_left: int | None, overdue: bool = False) -> str:
    """Working days to the deadline, or past it."""
    if days_left is None:
        return _("เกินกำหนด") if overdue else ""
    if overdue and days_left >= 0:
        return _("เกินกำหนดแล้ว")
    if days_left > 0:
        return ngettext("อีก %(num)d วันทำการ", "อีก %(num)d วันทำการ", days_left)
    if days_left == 0:
        return _("ครบกำหนดวันนี้")
    return ngettext("เกินกำหนด %(num)d วันทำการ", "เกินกำหนด %(num)d วันทำการ", -days_left)


def chosen_files(field: str) -> list[UploadedFile]:
    """The files chosen in a multiple-file input; an empty input arrives as a part with no
    name. One byte over the limit is read, enough for the engine to say a file is too
    large without reading all of it."""
    return [UploadedFile(upload.filename or "", upload.mimetype or "",
                         upload.read(attachments.MAX_BYTES + 1))
            for upload in request.files.getlist(field) if upload.filename]


#: The furthest page a list accepts (far beyond any real list).
MAX_PAGE = 10_000


def page_arg(max_page: int = MAX_PAGE) -> int:
    """The ``page`` query parameter; 1 when it is missing, not a number or out of range."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdecimal() and 0 < int(raw) <= max_page else 1


def pages_of(endpoint: str, page: int, total: int, size: int, *,
             max_page: int | None = None, **kept: Any) -> dict[str, Any]:
    """Where a paged list is: its page, last page, row range and the links to the pages
    around it, keeping the list's filters (``kept``, empty ones left out)."""
    kept = {k: v for k, v in kept.items() if v}
    last = max(1, -(-total // size))
    if max_page is not None:
        last = min(last, max_page)
    return {
        "page": page,
        "last": last,
        "first_row": (page - 1) * size + 1 if total else 0,
        "last_row": min(page * size, total),
        "previous": url_for(endpoint, **kept, page=page - 1) if page > 1 else None,
        "next": url_for(endpoint, **kept, page=page + 1) if page < last else None,
    }


def safe_next(target: str | None, default: str) -> str:
    """Only paths on this site: never '//host', 'http://…' or backslash tricks."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return default
    return target


def startable_processes(who: Actor) -> list[dict[str, Any]]:
    return [p for p in processes.list_processes(rt())
            if p.get("start_form") and p.get("start_role") in who.roles]


def current_path() -> str:
    """Where to come back to after the language switch: this page, if it can be fetched."""
    if request.method == "GET":
        return request.full_path.rstrip("?") if request.query_string else request.path
    try:
        current_app.url_map.bind("").match(request.path, method="GET")
    except Exception:  # noqa: BLE001 - a POST-only address: go to the inbox instead
        return url_for("inbox.inbox")
    return request.path


def _start_links(me: Actor | None) -> list[dict[str, Any]]:
    if me is None or request.blueprint == "api":
        return []
    try:
        return startable_processes(me)
    except Exception:  # noqa: BLE001 - an error page must render even when the database cannot
        return []


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` matching only ids the database can hold: a larger number in a URL is a
    404 like any missing id, not an overflow inside the database driver."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(url_map, *args, **kwargs)


def init(app: Flask) -> None:
    # Before any blueprint is registered: rules take their converters when added.
    app.url_map.converters["int"] = BoundedIntConverter
    app.jinja_env.filters.update(
        thai_date=show_date, thai_datetime=show_datetime, countdown=countdown,
        role_name=role_name,
    )

    @app.context_processor
    def _shell() -> dict[str, Any]:
        try:
            me = current_user.actor if current_user.is_authenticated else None
        except Exception:  # noqa: BLE001 - the 500 page must render even when users cannot load
            me = None
        return {
            "me": me,
            "is_admin": bool(me and "admin" in me.roles),
            "start_links": _start_links(me),
            "here": current_path(),
            # The office's own name (processes/office.toml), not a generic one.
            "office_name": rt().office.name,
        }
