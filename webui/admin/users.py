"""Administration pages (role ``admin``): users, units, acting appointments.

The engine checks the role on every call too; these pages only refuse earlier.
Passwords and API tokens are shown once, on the page the POST that made them redirects
to (POST → redirect → GET, so a reload never issues another): the session carries them
for that one hop encrypted with the data key, never in clear in the signed cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from engine.core.errors import Conflict, InvalidData
from engine.core.roles import ROLES
from engine.services.admin import staff as admin
from webui.confirmations import Confirmation, confirmed
from webui.forms_render import typed_date
from webui.web import actor, admin_required, failure, form_values, rt

bp = Blueprint("admin", __name__, url_prefix="/admin")


# ---- users -----------------------------------------------------------------------------

def _users_page(*, status: int = 200, values: Mapping[str, Any] | None = None,
                errors: Mapping[str, str] | None = None, message: str = "",
                secret: Mapping[str, str] | None = None) -> tuple[str, int]:
    me = actor()
    return render_template(
        "admin/users.html",
        users=admin.list_users(rt(), me), units=admin.list_units(rt(), me),
        roles=list(ROLES), values=values or {"roles": []}, errors=errors or {},
        message=message, secret=secret,
    ), status


@bp.get("/")
@admin_required
def home() -> Response:
    return redirect(url_for("admin.users"))


#: Where the session holds a new password or token, sealed, until the next page shows it.
SHOWN_ONCE = "admin_secret"


def _show_once(secret: Mapping[str, str]) -> Response:
    sealed = rt().cipher.encrypt(secret)
    session[SHOWN_ONCE] = sealed.decode("ascii") if sealed else ""
    return redirect(url_for("admin.users"), code=303)


def _taken_secret() -> dict[str, Any] | None:
    sealed = session.pop(SHOWN_ONCE, "")
    return rt().cipher.decrypt(sealed.encode("ascii")) if isinstance(sealed, str) and sealed \
        else None


@bp.get("/users")
@admin_required
def users() -> tuple[str, int]:
    return _users_page(secret=_taken_secret())


@bp.post("/users")
@admin_required
def add_user() -> Response | tuple[str, int]:
    values: dict[str, Any] = form_values("username", "display_name", "unit_code")
    values["roles"] = [r for r in request.form.getlist("roles") if r in ROLES]
    password = request.form.get("password") or ""
    errors = {}
    if not values["username"]:
        errors["username"] = _("กรุณากรอกชื่อผู้ใช้")
    if not values["display_name"]:
        errors["display_name"] = _("กรุณากรอกชื่อ–สกุล")
    if not values["roles"]:
        errors["roles"] = _("กรุณาเลือกบทบาทอย่างน้อยหนึ่งบทบาท")
    if not values["unit_code"]:
        errors["unit_code"] = _("กรุณาเลือกหน่วยงาน")
    if not password:
        errors["password"] = _("กรุณากำหนดรหัสผ่านเริ่มต้น")
    if errors:
        return _users_page(status=400, values=values, errors=errors,
                           message=_("ข้อมูลผู้ใช้ไม่ครบ กรุณาแก้ไขช่องที่ระบุ"))
    try:
        admin.add_user(rt(), actor(), values["username"], values["display_name"],
                       values["roles"], values["unit_code"], password)
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        if "role" in fields:
            fields["roles"] = fields.pop("role")
        status = error.status
        return _users_page(status=status, values=values, errors=fields, message=message)
    flash(_("เพิ่มผู้ใช้ %(user)s แล้ว", user=values["username"]), "success")
    return redirect(url_for("admin.users"))


def _deactivation(username: str) -> Confirmation:
    """The page that asks before an account is deactivated, with what that leaves behind."""
    user = admin.deactivation_summary(rt(), actor(), username)
    facts = [
        _("%(name)s (%(user)s) จะเข้าสู่ระบบไม่ได้ และการเข้าระบบที่ค้างไว้จะใช้ไม่ได้",
          name=user["display_name"], user=username),
        ngettext("โทเคน API %(num)d รายการของผู้ใช้จะใช้ไม่ได้ระหว่างระงับ",
                 "โทเคน API %(num)d รายการของผู้ใช้จะใช้ไม่ได้ระหว่างระงับ",
                 user["live_tokens"]) if user["live_tokens"] else _("ผู้ใช้ไม่มีโทเคน API"),
        ngettext("งานที่ผู้ใช้รับไว้ %(num)d งานจะค้างอยู่กับผู้ใช้ จนกว่าหัวหน้าจะมอบหมายให้ผู้อื่น",
                 "งานที่ผู้ใช้รับไว้ %(num)d งานจะค้างอยู่กับผู้ใช้ จนกว่าหัวหน้าจะมอบหมายให้ผู้อื่น",
                 user["held_tasks"]) if user["held_tasks"] else
        _("ผู้ใช้ไม่มีงานที่รับไว้ค้างอยู่"),
        _("เปิดใช้งานบัญชีอีกครั้งได้ทุกเมื่อจากหน้าผู้ใช้"),
    ]
    return Confirmation(
        title=_("ระงับบัญชี %(user)s", user=username), facts=facts,
        button=_("ยืนยัน ระงับบัญชี %(user)s", user=username),
        action=url_for("admin.set_active", username=username),
        cancel=url_for("admin.users"), hidden={"active": "0"})


@bp.get("/users/<username>/deactivate")
@admin_required
def confirm_deactivate(username: str) -> tuple[str, int]:
    return _deactivation(username).page()


@bp.post("/users/<username>/active")
@admin_required
def set_active(username: str) -> Response | tuple[str, int]:
    """Turn an account on, or off once confirmed (a confirmation page asks first)."""
    active = request.form.get("active") == "1"
    if not active and not confirmed():
        return _deactivation(username).page(unconfirmed=True)
    admin.set_active(rt(), actor(), username, active)
    if active:
        flash(_("เปิดใช้งานบัญชี %(user)s แล้ว", user=username), "success")
    else:
        flash(_("ระงับบัญชี %(user)s แล้ว", user=username), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/roles")
@admin_required
def set_roles(username: str) -> Response | tuple[str, int]:
    roles = [r for r in request.form.getlist("roles") if r in ROLES]
    if not roles:
        return _users_page(status=400, message=_("กรุณาเลือกบทบาทอย่างน้อยหนึ่งบทบาท"))
    try:
        admin.set_roles(rt(), actor(), username, roles)
    except InvalidData as error:
        return _users_page(status=400, message=failure(error)[0])
    flash(_("ปรับบทบาทของ %(user)s แล้ว", user=username), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/password")
@admin_required
def reset_password(username: str) -> Response:
    password = admin.reset_password(rt(), actor(), username)
    return _show_once({"username": username, "kind": "password", "value": password})


@bp.post("/users/<username>/token")
@admin_required
def issue_token(username: str) -> Response | tuple[str, int]:
    name = (request.form.get("name") or "").strip()
    field = f"token-name-{username}"
    if not name:
        message = _("กรุณาตั้งชื่อโทเคน เช่น ชื่อระบบที่จะใช้")
        return _users_page(status=400, message=message, errors={field: message},
                           values={"roles": [], field: name, "open_tokens": username})
    try:
        token = admin.issue_token(rt(), actor(), username, name)
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        return _users_page(status=error.status, message=message,
                           errors={field: fields.get("name", message)},
                           values={"roles": [], field: name, "open_tokens": username})
    return _show_once({"username": username, "kind": "token", "value": token,
                       "name": name.strip()})


@bp.post("/users/<username>/tokens/revoke")
@admin_required
def revoke_tokens(username: str) -> Response | tuple[str, int]:
    """One token (``token_id``) or, with ``all``, every live token of the user."""
    raw = request.form.get("token_id", "")
    if request.form.get("all") == "1":
        token_id = None
    elif raw.isdecimal() and len(raw) < 19:
        token_id = int(raw)
    else:
        return _users_page(status=400, message=_("กรุณาเลือกโทเคนที่จะยกเลิก"))
    count = admin.revoke_tokens(rt(), actor(), username, token_id)
    flash(_("ยกเลิกโทเคนของ %(user)s แล้ว %(count)d รายการ", user=username, count=count),
          "success")
    return redirect(url_for("admin.users"))


# ---- units -----------------------------------------------------------------------------

def _units_page(*, status: int = 200, values: Mapping[str, Any] | None = None,
                errors: Mapping[str, str] | None = None, message: str = "") -> tuple[str, int]:
    return render_template(
        "admin/units.html", units=admin.list_units(rt(), actor()), values=values or {},
        errors=errors or {}, message=message,
    ), status


@bp.get("/units")
@admin_required
def units() -> tuple[str, int]:
    return _units_page()


@bp.post("/units")
@admin_required
def add_unit() -> Response | tuple[str, int]:
    values = form_values("code", "name")
    errors = {}
    if not values["code"]:
        errors["code"] = _("กรุณากรอกรหัสหน่วยงาน")
    if not values["name"]:
        errors["name"] = _("กรุณากรอกชื่อหน่วยงาน")
    if errors:
        return _units_page(status=400, values=values, errors=errors,
                           message=_("ข้อมูลหน่วยงานไม่ครบ กรุณาแก้ไขช่องที่ระบุ"))
    try:
        admin.add_unit(rt(), actor(), values["code"], values["name"])
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        status = error.status
        return _units_page(status=status, values=values, errors=fields, message=message)
    flash(_("เพิ่มหน่วยงาน %(name)s แล้ว", name=values["name"]), "success")
    return redirect(url_for("admin.units"))


@bp.post("/units/<code>/name")
@admin_required
def rename_unit(code: str) -> Response | tuple[str, int]:
    name = (request.form.get("name") or "").strip()
    if not name:
        return _units_page(status=400, message=_("กรุณากรอกชื่อหน่วยงาน"),
                           errors={f"rename-{code}": _("กรุณากรอกชื่อหน่วยงาน")})
    try:
        admin.rename_unit(rt(), actor(), code, name)
    except InvalidData as error:
        return _units_page(status=400, message=failure(error)[0])
    flash(_("เปลี่ยนชื่อหน่วยงานเป็น %(name)s แล้ว", name=name), "success")
    return redirect(url_for("admin.units"))


# ---- appointments (รักษาราชการแทน, ปฏิบัติราชการแทน) ---------------------------------------

def _acting_page(*, status: int = 200, values: Mapping[str, Any] | None = None,
                 errors: Mapping[str, str] | None = None, message: str = "") -> tuple[str, int]:
    me = actor()
    return render_template(
        "admin/acting.html", appointments=admin.list_acting(rt(), me),
        users=admin.list_users(rt(), me), roles=list(ROLES), kinds=admin.APPOINTMENT_KINDS,
        values=values or {"kind": "acting"},
        errors=errors or {}, message=message,
    ), status


@bp.get("/acting")
@admin_required
def acting() -> tuple[str, int]:
    return _acting_page()


def _date_field(values: Mapping[str, str], name: str, errors: dict[str, str]) -> date | None:
    raw = values.get(name, "")
    if not raw:
        errors[name] = _("กรุณากรอกวันที่")
        return None
    day, problem = typed_date(raw)
    if problem:
        errors[name] = problem
    return day


@bp.post("/acting")
@admin_required
def appoint() -> Response | tuple[str, int]:
    values = form_values("username", "role", "kind", "starts_on", "ends_on", "reference")
    errors: dict[str, str] = {}
    # The form always sends one of its two choices; a client that sends none means the
    # kind every appointment had before there were two.
    values["kind"] = values["kind"] or "acting"
    if values["kind"] not in admin.APPOINTMENT_KINDS:
        errors["kind"] = _("กรุณาเลือกประเภทการแต่งตั้ง: รักษาราชการแทน หรือ ปฏิบัติราชการแทน")
    if not values["username"]:
        errors["username"] = _("กรุณาเลือกผู้ได้รับแต่งตั้ง")
    if values["role"] not in ROLES:
        errors["role"] = _("กรุณาเลือกบทบาท")
    starts_on = _date_field(values, "starts_on", errors)
    ends_on = _date_field(values, "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น")
    if not values["reference"]:
        errors["reference"] = _("กรุณาระบุคำสั่งแต่งตั้ง (เลขที่/วันที่)")
    # A missing or invalid date is always in errors; the None checks say so to mypy.
    if errors or starts_on is None or ends_on is None:
        return _acting_page(status=400, values=values, errors=errors,
                            message=_("ข้อมูลการแต่งตั้งไม่ครบ กรุณาแก้ไขช่องที่ระบุ"))
    try:
        admin.appoint_acting(rt(), actor(), values["username"], values["role"], starts_on,
                             ends_on, values["reference"], kind=values["kind"])
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        status = error.status
        return _acting_page(status=status, values=values, errors=fields, message=message)
    if values["kind"] == "delegated":
        flash(_("แต่งตั้ง %(user)s ปฏิบัติราชการแทนแล้ว", user=values["username"]), "success")
    else:
        flash(_("แต่งตั้ง %(user)s รักษาราชการแทนแล้ว", user=values["username"]), "success")
    return redirect(url_for("admin.acting"))


@bp.post("/acting/<int:appointment_id>/end")
@admin_required
def end_acting(appointment_id: int) -> Response:
    admin.end_acting(rt(), actor(), appointment_id)
    flash(_("สิ้นสุดการแต่งตั้งแล้ว"), "success")
    return redirect(url_for("admin.acting"))
