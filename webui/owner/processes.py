"""Process owners' pages (roles ``process_owner`` and ``admin``): processes, versions, uploads.

An upload is checked and compared before anything goes live: the first POST shows the
validation report and the diff, and only a file that passed every check is kept (on the
server, under the instance folder, never in the session cookie) for the confirm step.
The engine checks the role on every call too; these pages only refuse earlier.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from engine.core.errors import Conflict, DiagramError, InvalidData
from engine.services.admin import drafts, processes, versions
from webui import diagrams
from webui.confirmations import Confirmation, confirmed
from webui.i18n import localize
from webui.web import actor, failure, roles_required, rt

bp = Blueprint("owner", __name__, url_prefix="/owner")

OWNER_ROLES = versions.OWNER_ROLES
#: Room for the rest of the multipart form around a BPMN file at the engine's size limit.
UPLOAD_OVERHEAD = 64 * 1024
UPLOAD_BODY_BYTES = versions.MAX_UPLOAD + UPLOAD_OVERHEAD
#: How long an uploaded file waits for its confirmation.
UPLOAD_TTL_SECONDS = 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_QUOTED = re.compile(r"'([^']*)'")
_THAI = re.compile(r"[\u0E00-\u0E7F]")


owner_required = roles_required(OWNER_ROLES)


def allow_large_upload() -> None:
    """Runs before CSRF parsing: the BPMN upload may be larger than other requests."""
    if request.endpoint == "owner.upload":
        request.max_content_length = UPLOAD_BODY_BYTES


@bp.app_context_processor
def _owner_link() -> dict[str, Any]:
    try:
        me = current_user.actor if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - an error page must render even when users cannot load
        me = None
    return {"is_process_owner": bool(me and me.has_any(OWNER_ROLES))}


@bp.app_template_filter("thai_names")
def _thai_names(text: str) -> Markup:
    """An English change sentence with the Thai names it quotes marked ``lang="th"``, so a
    screen reader reads each in its own language. Everything stays escaped."""
    parts, last = [], 0
    for match in _QUOTED.finditer(text):
        parts.append(escape(text[last:match.start()]))
        name = match.group(1)
        parts.append(Markup("'<span lang=\"th\">{}</span>'").format(name)
                     if _THAI.search(name) else escape(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


# ---- uploads kept for the confirm step ------------------------------------------------

def _uploads_dir() -> Path:
    folder = rt().settings.instance_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_TTL_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue  # another worker got there first


def _keep_upload(file_name: str, data: bytes, warnings: int = 0) -> str:
    """Store a checked file for its confirmation; the token names it, nothing else does.
    ``warnings`` is how many warnings the owner was shown: the confirm needs them
    acknowledged."""
    folder = _uploads_dir()
    _purge_old_uploads(folder)
    token = secrets.token_hex(16)
    (folder / f"{token}.bpmn").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(
        {"file_name": file_name, "username": actor().username, "warnings": warnings}),
        encoding="utf-8")
    return token


def _kept_paths(token: str) -> tuple[Path, Path]:
    folder = _uploads_dir()
    return folder / f"{token}.bpmn", folder / f"{token}.json"


def _take_upload(token: str) -> tuple[str, bytes, int] | None:
    """The file kept under this token for this user, if it is still there and fresh, with
    the number of warnings its preview showed."""
    if not _TOKEN.match(token):
        return None
    _purge_old_uploads(_uploads_dir())
    data_path, meta_path = _kept_paths(token)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("username") != actor().username:
        return None
    return str(meta.get("file_name") or ""), data, int(meta.get("warnings") or 0)


def _drop_upload(token: str) -> None:
    if _TOKEN.match(token):
        for path in _kept_paths(token):
            path.unlink(missing_ok=True)


# ---- processes and upload -------------------------------------------------------------

def _processes_page(*, status: int = 200, errors: Mapping[str, str] | None = None,
                    message: str = "") -> tuple[str, int]:
    return render_template(
        "owner/processes.html", processes=processes.list_processes(rt()),
        errors=errors or {}, message=message,
    ), status


@bp.get("/")
@owner_required
def home() -> BaseResponse:
    return redirect(url_for("owner.process_list"))


@bp.get("/processes")
@owner_required
def process_list() -> tuple[str, int]:
    return _processes_page()


@bp.post("/processes/upload")
@owner_required
def upload() -> tuple[str, int]:
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _processes_page(status=400, errors={"file": _("กรุณาเลือกไฟล์ .bpmn")},
                               message=_("ยังไม่ได้เลือกไฟล์"))
    file_name = upload_file.filename.replace("\\", "/").rsplit("/", 1)[-1]
    data = upload_file.read(versions.MAX_UPLOAD + 1)
    return preview_page(file_name, data)


def _warning_count(preview: dict[str, Any]) -> int:
    return sum(1 for problem in preview["problems"] if problem["severity"] == "warning")


def preview_page(file_name: str, data: bytes, *, unacknowledged: bool = False
                 ) -> tuple[str, int]:
    """The report and diff of a file about to be deployed: an upload, or a saved draft.
    ``unacknowledged``: shown again because its warnings were not acknowledged."""
    try:
        preview = versions.preview_upload(rt(), actor(), file_name, data)
    except InvalidData as error:
        message, fields = failure(error)
        return _processes_page(status=400, errors={"file": fields.get("file", message)},
                               message=message)
    # Only a file that passed every check is kept for the confirm step.
    warnings = _warning_count(preview)
    token = _keep_upload(file_name, data, warnings) if preview["ok"] else ""
    compared = {
        entry["process_key"]: diagrams.comparison(
            actor(), entry["process_key"], entry["current_version"], data,
            entry["highlight"], prefix=f"p{index}-")
        for index, entry in enumerate(preview["processes"]) if entry["current_version"]
    }
    return render_template("owner/preview.html", preview=preview, token=token,
                           compared=compared, warnings=warnings,
                           unacknowledged=unacknowledged,
                           diff_lines=_diff_lines(preview["text_diff"])), \
        400 if unacknowledged else 200


def _diff_lines(text: str) -> list[tuple[str, str]]:
    """Each line of a unified diff with its kind, for styling; the text stays escaped."""
    lines = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        lines.append((kind, line))
    return lines


@bp.post("/processes/upload/confirm")
@owner_required
def confirm_upload() -> BaseResponse | tuple[str, int]:
    token = (request.form.get("token") or "").strip()
    kept = _take_upload(token)
    if kept is None:
        return _processes_page(status=400, message=_(
            "ไม่พบไฟล์ที่รอติดตั้ง (อาจเกิน 1 ชั่วโมงหรือติดตั้งไปแล้ว) กรุณาอัปโหลดใหม่"))
    file_name, data, warnings = kept
    if warnings and request.form.get("acknowledge") != "yes":
        # Deploying past warnings is the owner's call, made knowingly: show them again.
        _drop_upload(token)
        return preview_page(file_name, data, unacknowledged=True)
    try:
        # A saved draft's lane roles go in with it, and the draft goes once it is live.
        result = drafts.deploy_file(rt(), actor(), file_name, data)
    except (InvalidData, Conflict) as error:
        message, fields = failure(error)
        detail = fields.get("file", "")
        return _processes_page(status=error.status,
                               errors={"file": detail} if detail else {}, message=message)
    finally:
        _drop_upload(token)
    for key, version in result["deployed"]:
        flash(_("ติดตั้ง %(key)s ฉบับที่ %(version)d แล้ว เรื่องใหม่จะใช้ฉบับนี้",
                key=key, version=version), "success")
    if not result["deployed"]:
        flash(_("ไฟล์นี้เหมือนฉบับที่ใช้อยู่ ไม่มีการเปลี่ยนแปลง"), "info")
    if len(result["deployed"]) == 1:
        return redirect(url_for("owner.version_list", key=result["deployed"][0][0]))
    return redirect(url_for("owner.process_list"))


@bp.post("/processes/upload/cancel")
@owner_required
def cancel_upload() -> BaseResponse:
    _drop_upload((request.form.get("token") or "").strip())
    flash(_("ยกเลิกการติดตั้งแล้ว ไม่มีการเปลี่ยนแปลง"), "info")
    return redirect(url_for("owner.process_list"))


# ---- versions -------------------------------------------------------------------------

def _versions_page(key: str, *, status: int = 200,
                   migration: Mapping[str, Any] | None = None,
                   migrated_from: int | None = None) -> tuple[str, int]:
    listed = versions.list_versions(rt(), key, actor())
    current = next((v for v in listed if v["is_current"]), None)
    return render_template(
        "owner/versions.html", key=key, versions=listed, current=current,
        name=(current or listed[0])["name"], migration=migration,
        migrated_from=migrated_from,
    ), status


@bp.get("/processes/<key>")
@owner_required
def version_list(key: str) -> tuple[str, int]:
    return _versions_page(key)


def _compared(key: str, old: int, new: int) -> dict[str, Any]:
    """What the comparison partial needs: the diff with its sentences, both drawings
    marked, and the XML text diff."""
    diff = versions.diff_versions(rt(), key, old, new, actor())
    svgs = diagrams.comparison(actor(), key, old, versions.version_bpmn(rt(), key, new, actor()),
                               diff["highlight"])
    return {"diff": diff, "svgs": svgs, "diff_lines": _diff_lines(diff["text_diff"])}


@bp.get("/processes/<key>/versions/<int:version>")
@owner_required
def version_page(key: str, version: int) -> tuple[str, int]:
    _listed, this, current = _versions_of(key, version)
    compared: dict[str, Any] = {"diff": None}
    if current is not None and current["version"] != version:
        low, high = sorted((version, current["version"]))
        compared = _compared(key, low, high)
    return render_template(
        "owner/version.html", key=key, this=this, current=current, **compared,
    ), 200


def _version_arg(name: str) -> int | None:
    value = (request.args.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.get("/processes/<key>/compare")
@owner_required
def compare(key: str) -> tuple[str, int]:
    """Any two deployed versions side by side: ?from=<old>&to=<new>. Without either, the
    form alone, proposing the latest change; a choice that cannot be compared, the form
    again with what to fix (400)."""
    listed = versions.list_versions(rt(), key, actor())
    if "from" not in request.args and "to" not in request.args:
        latest = [v["version"] for v in listed[:2]]
        return _compare_page(key, listed, latest[-1], latest[0], "", {"diff": None}), 200
    numbers = {v["version"] for v in listed}
    old, new = _version_arg("from"), _version_arg("to")
    if old is None or new is None or old not in numbers or new not in numbers:
        problem = _("เลือกฉบับที่จะเทียบทั้งสองช่องจากรายการฉบับที่ติดตั้งแล้ว")
    elif old == new:
        problem = _("เลือกสองฉบับที่ต่างกัน ฉบับเดียวกันไม่มีความแตกต่าง")
    else:
        return _compare_page(key, listed, old, new, "", _compared(key, old, new)), 200
    return _compare_page(key, listed, old, new, problem, {"diff": None}), 400


def _compare_page(key: str, listed: list[dict[str, Any]], old: int | None, new: int | None,
                  problem: str, compared: Mapping[str, Any]) -> str:
    current = next((v for v in listed if v["is_current"]), None)
    return render_template(
        "owner/compare.html", key=key, versions=listed, current=current,
        name=(current or listed[0])["name"], old=old, new=new, problem=problem, **compared)


@bp.get("/processes/<key>/versions/<int:version>/diagram.svg")
@owner_required
def diagram(key: str, version: int) -> Response:
    try:
        return diagrams.version_diagram(actor(), key, version)
    except DiagramError as error:
        return Response(_("แผนภาพนี้วาดไม่ได้: %(reason)s", reason=str(error)), status=422,
                        mimetype="text/plain")


def _versions_of(key: str, version: int) -> tuple[list[dict[str, Any]], dict[str, Any],
                                                 dict[str, Any] | None]:
    """Every version of ``key``, the one asked for (404 when there is none) and the
    current one."""
    listed = versions.list_versions(rt(), key, actor())
    this = next((v for v in listed if v["version"] == version), None)
    if this is None:
        abort(404)
    return listed, this, next((v for v in listed if v["is_current"]), None)


def _make_current_confirmation(key: str, version: int) -> Confirmation:
    listed, this, current = _versions_of(key, version)
    running = sum(v["running"] for v in listed)
    facts = [
        _("เรื่องใหม่จะเริ่มที่ฉบับที่ %(version)d แทนฉบับที่ %(current)d",
          version=version, current=current["version"]) if current and current is not this
        else _("เรื่องใหม่จะเริ่มที่ฉบับที่ %(version)d", version=version),
        _("ไฟล์ %(file)s ของฉบับที่ %(version)d จะถูกเขียนกลับไปในโฟลเดอร์ processes "
          "แทนไฟล์ที่ใช้อยู่", file=this["file_name"], version=version),
        ngettext("เรื่องที่ดำเนินการอยู่ %(num)d เรื่องไม่เปลี่ยน ยังอยู่ในฉบับเดิมจนกว่าจะย้าย",
                 "เรื่องที่ดำเนินการอยู่ %(num)d เรื่องไม่เปลี่ยน ยังอยู่ในฉบับเดิมจนกว่าจะย้าย",
                 running),
        _("ผู้บังคับบัญชาของกระบวนงานจะได้รับแจ้งในระบบและทางอีเมล พร้อมสรุปสิ่งที่เปลี่ยน"),
    ]
    return Confirmation(
        title=_("ใช้ %(key)s ฉบับที่ %(version)d กับเรื่องใหม่", key=key, version=version),
        facts=facts, button=_("ยืนยัน ใช้ฉบับที่ %(version)d กับเรื่องใหม่", version=version),
        action=url_for("owner.make_current", key=key, version=version),
        cancel=url_for("owner.version_list", key=key))


@bp.get("/processes/<key>/versions/<int:version>/make-current")
@owner_required
def confirm_make_current(key: str, version: int) -> tuple[str, int]:
    return _make_current_confirmation(key, version).page()


@bp.post("/processes/<key>/versions/<int:version>/make-current")
@owner_required
def make_current(key: str, version: int) -> BaseResponse | tuple[str, int]:
    if not confirmed():
        return _make_current_confirmation(key, version).page(unconfirmed=True)
    versions.make_current(rt(), actor(), key, version)
    flash(_("ตั้ง %(key)s ฉบับที่ %(version)d เป็นฉบับที่ใช้อยู่แล้ว เรื่องใหม่จะใช้ฉบับนี้",
            key=key, version=version), "success")
    return redirect(url_for("owner.version_list", key=key))


def _migrate_confirmation(key: str, version: int) -> Confirmation | None:
    """The page that asks before moving every running case of ``version`` to the current
    one, or None when there is no other current version to move them to."""
    _listed, this, current = _versions_of(key, version)
    if current is None or current is this:
        return None
    to = current["version"]
    on_changed = versions.diff_versions(rt(), key, version, to, actor())["instances_on_changed"]
    waiting = len({row["instance_id"] for row in on_changed})
    facts = [
        ngettext("เรื่องที่ดำเนินการอยู่ %(num)d เรื่องของฉบับที่ %(version)d จะย้ายไปฉบับที่ %(to)d",
                 "เรื่องที่ดำเนินการอยู่ %(num)d เรื่องของฉบับที่ %(version)d จะย้ายไปฉบับที่ %(to)d",
                 this["running"], version=version, to=to),
        *([ngettext("%(num)d เรื่องรออยู่ที่ขั้นตอนที่ฉบับที่ %(to)d เปลี่ยนหรือลบ จะตรวจทีละเรื่อง "
                    "และอาจย้ายไม่ได้",
                    "%(num)d เรื่องรออยู่ที่ขั้นตอนที่ฉบับที่ %(to)d เปลี่ยนหรือลบ จะตรวจทีละเรื่อง "
                    "และอาจย้ายไม่ได้", waiting, to=to)] if waiting else []),
        _("เรื่องที่ย้ายไม่ปลอดภัยจะไม่ถูกย้าย และจะแสดงเหตุผล กำหนดเวลาที่รออยู่คงเดิม"),
    ]
    return Confirmation(
        title=_("ย้ายเรื่องของ %(key)s ฉบับที่ %(version)d ไปฉบับที่ %(to)d",
                key=key, version=version, to=to),
        facts=facts,
        button=ngettext("ยืนยัน ย้าย %(num)d เรื่อง", "ยืนยัน ย้าย %(num)d เรื่อง",
                        this["running"]),
        action=url_for("owner.migrate", key=key, version=version),
        cancel=url_for("owner.version_list", key=key), hidden={"to": str(to)})


def _nothing_to_migrate(key: str) -> BaseResponse:
    flash(_("ไม่มีฉบับที่ใช้อยู่ฉบับอื่นให้ย้ายเรื่องไป ไม่มีการเปลี่ยนแปลง"), "info")
    return redirect(url_for("owner.version_list", key=key))


@bp.get("/processes/<key>/versions/<int:version>/migrate")
@owner_required
def confirm_migrate(key: str, version: int) -> BaseResponse | tuple[str, int]:
    confirmation = _migrate_confirmation(key, version)
    return confirmation.page() if confirmation else _nothing_to_migrate(key)


@bp.post("/processes/<key>/versions/<int:version>/migrate")
@owner_required
def migrate(key: str, version: int) -> BaseResponse | tuple[str, int]:
    confirmation = _migrate_confirmation(key, version)
    if confirmation is None:
        return _nothing_to_migrate(key)
    # Confirmed for a move to the version current when the page was shown: if another has
    # become current since, ask again, naming it.
    to = confirmation.hidden["to"]
    if not confirmed() or request.form.get("to") != to:
        return confirmation.page(unconfirmed=True)
    result = versions.migrate_version(rt(), actor(), key, version, int(to))
    migration = {
        "migrated": result["migrated"],
        "refused": [{"instance_id": r["instance_id"], "reason": localize(r["reason"])}
                    for r in result["refused"]],
    }
    flash(ngettext("ย้ายไปฉบับที่ใช้อยู่แล้ว %(num)d เรื่อง", "ย้ายไปฉบับที่ใช้อยู่แล้ว %(num)d เรื่อง",
                   len(migration["migrated"])), "success")
    if migration["refused"]:
        flash(ngettext("ย้ายไม่ได้ %(num)d เรื่อง ดูเหตุผลด้านล่าง",
                       "ย้ายไม่ได้ %(num)d เรื่อง ดูเหตุผลด้านล่าง",
                       len(migration["refused"])), "error")
    return _versions_page(key, migration=migration, migrated_from=version)
