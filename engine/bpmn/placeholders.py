"""Filling ``{name}`` placeholders in a process's words (ตัวแทนค่า) from a case's data.

A task's instructions and the names of its steps, timers and escalations may quote a
value the process itself sets, e.g. "ภายใน {triage_days} วันทำการ", so that a process
owner who changes the setting ``triage_days`` (processes.toml, the settings page) changes
every word that states it.

This is text substitution, never evaluation: only a bare name in braces is replaced,
and only by a number or a short text held under that name. Anything else (an unknown
name, a value that is a list, a flag or a long text) leaves the placeholder as written,
so a mistake stays visible on the page instead of turning into an empty or a wrong word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: The longest value quoted: a name is a short label, not a place for a paragraph.
MAX_VALUE = 40


def fill_placeholders(text: str, data: Mapping[str, Any], *, texts: bool = True) -> str:
    """``text`` with each ``{name}`` replaced by the case's number or short text of that
    name; an unknown or unsuitable one is left as it is. ``texts=False`` quotes numbers
    only (see ``fill_name``)."""
    if "{" not in text:
        return text
    kinds: tuple[type, ...] = (int, float, str) if texts else (int, float)

    def value(match: re.Match[str]) -> str:
        found = data.get(match.group(1))
        if isinstance(found, bool) or not isinstance(found, kinds):
            return match.group(0)
        shown = str(found)
        return shown if len(shown) <= MAX_VALUE else match.group(0)

    return PLACEHOLDER.sub(value, text)


def fill_name(name: str, data: Mapping[str, Any]) -> str:
    """A step's, timer's or escalation's name filled from the case: numbers only. Names
    travel in notifications and e-mail subjects, which name a complaint by its number
    because its subject is the complainant's own words; a ``{subject}`` in a name stays
    as written rather than carry them there."""
    return fill_placeholders(name, data, texts=False)


#: The texts of a form that describe it as a whole, in each language it carries.
FORM_TEXTS = ("title", "description", "x-title-en", "x-description-en")


def fill_form_texts(form: Mapping[str, Any] | None, data: Mapping[str, Any]
                    ) -> Mapping[str, Any] | None:
    """A task form whose title and description quote the case's numbers, as its step's
    name does ("ภายใน {triage_days} วันทำการ"); the version's own form is left as it is."""
    if not form or not any("{" in str(form.get(key) or "") for key in FORM_TEXTS):
        return form
    return {**form, **{key: fill_name(str(form[key]), data)
                       for key in FORM_TEXTS if isinstance(form.get(key), str)}}


def fill_element_names(tree: etree._ElementTree, data: Mapping[str, Any]) -> None:
    """Fill the ``name`` of every element of a parsed BPMN file in place, so a case's
    diagram labels say what its inbox says."""
    for element in tree.getroot().iter(etree.Element):  # not comments
        name = element.get("name")
        if name and "{" in name:
            element.set("name", fill_name(name, data))
