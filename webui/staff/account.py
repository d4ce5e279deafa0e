"""The signed-in user's own account: changing one's password, and the forced change after
an administrator's reset (every page but this one and sign-out waits for it)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from engine.core.errors import Conflict, InvalidData
from engine.services.admin import account
from engine.services.admin.users import MIN_PASSWORD_LENGTH
from webui.auth import MAX_PASSWORD, WebUser
from webui.i18n import localize, localize_fields
from webui.web import actor, rt

bp = Blueprint("account", __name__, url_prefix="/account")

#: What a user who must change their password may still reach: this page, signing out,
#: the language switch and static files. The API and /metrics take tokens, not sessions
#: (and a reset revoked the user's tokens).
OPEN_DURING_FORCED_CHANGE = frozenset({
    "account.change_password", "auth.signout", "auth.language", "static",
})
TOKEN_BLUEPRINTS = frozenset({"api", "health"})

FIELDS = ("current_password", "new_password", "new_password_again")


def _forced() -> bool:
    return bool(current_user.is_authenticated and current_user.actor.must_change_password)


def require_password_change() -> Response | None:
    """Before every request: send a user whose password was reset to the change page."""
    if (request.endpoint in OPEN_DURING_FORCED_CHANGE or request.blueprint in TOKEN_BLUEPRINTS
            or not _forced()):
        return None
    return redirect(url_for("account.change_password"))


def password_rate_key() -> str:
    """Wrong current passwords count per user, like sign-in attempts."""
    return f"account-password|{current_user.get_id() if current_user.is_authenticated else ''}"


def _page(status: int = 200, errors: dict[str, str] | None = None,
          message: str = "") -> tuple[str, int]:
    return render_template("account/password.html", forced=_forced(), errors=errors or {},
                           message=message, min_length=MIN_PASSWORD_LENGTH), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _page()
    given = {name: (request.form.get(name) or "")[:MAX_PASSWORD + 1] for name in FIELDS}
    if not given["current_password"]:
        return _page(400, {"current_password": _("กรุณากรอกรหัสผ่านปัจจุบัน")},
                     _("ยังไม่ได้เปลี่ยนรหัสผ่าน กรุณาแก้ไขช่องที่ระบุ"))
    try:
        epoch = account.change_password(rt(), actor(), given["current_password"],
                                        given["new_password"], given["new_password_again"])
    except (InvalidData, Conflict) as error:
        return _page(error.status, localize_fields(getattr(error, "fields", None)),
                     localize(error.message))
    # Every other session ended with the old epoch; this one carries on with the new one.
    login_user(WebUser(actor(), epoch))
    flash(_("เปลี่ยนรหัสผ่านแล้ว อุปกรณ์อื่นที่เข้าระบบไว้ต้องเข้าสู่ระบบใหม่"), "success")
    return redirect(url_for("inbox.inbox"))


def init(app: Flask) -> None:
    app.before_request(require_password_change)
