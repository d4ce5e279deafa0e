"""Language: Thai first (the source language of every message), English second.

The English catalogue lives in ``webui/translations/en/LC_MESSAGES/messages.po``; its
compiled ``.mo`` is not kept in git but built here when missing or older than the ``.po``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import Babel, get_locale
from markupsafe import Markup

from engine.bpmn.forms import translated

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


def compile_catalogs(root: Path = TRANSLATIONS) -> list[Path]:
    """Write each ``messages.mo`` that is missing or older than its ``.po``; return those."""
    written = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Write aside and rename, so workers starting together never read half a file.
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(tmp, mo_path)
        written.append(mo_path)
    return written


def select_language() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def localize(message: str | None) -> str:
    """Engine messages read 'Thai / English': show the half in the reader's language."""
    if not message:
        return ""
    thai, sep, english = message.partition(" / ")
    if not sep:
        return message
    return as_sentence(english) if current_language() == "en" else thai.strip()


def as_sentence(text: str) -> str:
    """An English half as a page shows it: a capital first and a full stop last (engine
    messages keep lowercase halves that read well after a field's name or in the CLI)."""
    text = text.strip()
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "."
    return text


def localize_fields(fields: Mapping[str, str] | None) -> dict[str, str]:
    """An error's message per field (``InvalidData.fields``) in the reader's language."""
    return {name: localize(text) for name, text in (fields or {}).items()}


def with_data(message: str, data: Mapping[str, object], **plain: object) -> Markup:
    """A translated ``message`` filled with ``data`` (what people typed, BPMN names), each
    marked ``lang="th"`` so an English page reads it as Thai; everything is escaped.

    The result is Markup, which a flashed message keeps through the session."""
    values: dict[str, object] = {
        name: Markup('<span lang="th">{}</span>').format(value) for name, value in data.items()
    }
    return Markup.escape(message) % {**values, **plain}


def form_text(node: Mapping[str, object] | None, key: str = "title") -> str:
    """A form's (or field's) title or description in the reader's language: the English
    the form gives beside it (``x-title-en``), else its Thai."""
    if not node:
        return ""
    return (translated(node, key, current_language())
            or str(node.get(key) or ""))


def init(app: Flask) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Bangkok")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_language)
    app.jinja_env.filters["localize"] = localize
    app.jinja_env.filters["form_text"] = form_text
    app.jinja_env.globals["current_language"] = current_language
