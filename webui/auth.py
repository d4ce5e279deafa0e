"""Signing in and out (Flask-Login over the engine's users service), and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_limiter.util import get_remote_address
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from werkzeug.wrappers import Response

from engine.core.actors import Actor
from engine.core.errors import NotAuthenticated, NotFound
from engine.services.admin import users
from webui.i18n import LANGUAGES, with_data
from webui.web import rt, safe_next

bp = Blueprint("auth", __name__)

MAX_USERNAME = 80
MAX_PASSWORD = 1024


class WebUser(UserMixin):
    """The Flask-Login wrapper around the engine's Actor, loaded fresh on every request.

    Its id in the session is "<user id>.<session epoch>": signing out raises the user's
    epoch, so a copy of the session cookie taken before sign-out signs no one in.
    """

    def __init__(self, actor: Actor, epoch: int) -> None:
        self.actor = actor
        self.epoch = epoch

    def get_id(self) -> str:
        return f"{self.actor.id}.{self.epoch}"


def _load_user(session_id: str) -> WebUser | None:
    # A bare user id (a session made before epochs) counts as epoch 0: the user's first
    # sign-out ends it like any other.
    user_id, _dot, epoch = session_id.partition(".")
    epoch = epoch or "0"
    try:
        return WebUser(users.session_actor(rt(), int(user_id), int(epoch)), int(epoch))
    except (NotFound, NotAuthenticated, ValueError):
        return None


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.signin"
    manager.login_message = lazy_gettext("กรุณาเข้าสู่ระบบก่อนใช้งาน")
    manager.login_message_category = "info"
    manager.user_loader(_load_user)


def signin_rate_key() -> str:
    """Count attempts per client address and user name, so one person cannot lock out all."""
    name = (request.form.get("username") or "").strip().lower()[:MAX_USERNAME]
    return f"{get_remote_address()}|{name}"


def _home() -> str:
    return url_for("inbox.inbox")


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Response | tuple[str, int] | str:
    next_url = safe_next(request.values.get("next"), _home())
    if current_user.is_authenticated:
        return redirect(next_url)
    if request.method == "GET":
        return render_template("signin.html", next_url=next_url, username="", error=None)
    username = (request.form.get("username") or "").strip()[:MAX_USERNAME]
    password = (request.form.get("password") or "")[:MAX_PASSWORD]
    if not username or not password:
        error = _("กรุณากรอกชื่อผู้ใช้และรหัสผ่าน")
        return render_template("signin.html", next_url=next_url, username=username,
                               error=error), 400
    try:
        actor = users.authenticate(rt(), username, password)
    except NotAuthenticated:
        error = _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
        return render_template("signin.html", next_url=next_url, username=username,
                               error=error), 401
    lang = session.get("lang")
    session.clear()  # a fresh session on every sign-in
    if lang:
        session["lang"] = lang
    login_user(WebUser(actor, users.session_epoch(rt(), actor.id)))
    flash(with_data(_("ยินดีต้อนรับ %(name)s"), {"name": actor.display_name}), "success")
    return redirect(next_url)


@bp.get("/login")
def login() -> Response:
    """The address people guess (and other systems use) for signing in: govflow's is
    /signin. A safe ``next`` goes along; anything else is dropped."""
    next_url = safe_next(request.args.get("next"), "")
    target = url_for("auth.signin", next=next_url) if next_url else url_for("auth.signin")
    return redirect(target, 301)


@bp.post("/signout")
@login_required
def signout() -> Response:
    lang = session.get("lang")
    users.end_sessions(rt(), current_user.actor.id)  # old copies of the cookie die too
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("ออกจากระบบแล้ว"), "info")
    return redirect(url_for("auth.signin"))


@bp.post("/language")
def language() -> Response:
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("pages.index")))
