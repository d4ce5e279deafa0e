"""A page that asks "are you sure?" before an action that touches many cases or people.

Works without JavaScript: the GET of an action's address shows what will happen, with its
counts, and a button that POSTs the action back with ``confirm=yes`` and the CSRF token.
A POST without ``confirm=yes`` (an old form, a script, a double submit of the list page)
changes nothing: it gets the same page, status 400, saying to press the button.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import render_template, request
from flask_babel import gettext as _

__all__ = ["CONFIRM_FIELD", "Confirmation", "confirmed"]

#: The form field the confirm button sends.
CONFIRM_FIELD = "confirm"


@dataclass(frozen=True)
class Confirmation:
    """What the page says: a title, what will happen (one sentence each), where the
    confirm button posts (with ``hidden`` fields) and where cancelling goes back to."""

    title: str
    facts: Sequence[str]
    action: str
    button: str
    cancel: str
    hidden: Mapping[str, str] = field(default_factory=dict)

    def page(self, *, unconfirmed: bool = False) -> tuple[str, int]:
        """The confirmation page; ``unconfirmed``: the answer to a POST that lacked it."""
        error = _("ยังไม่ได้ยืนยัน จึงยังไม่มีการเปลี่ยนแปลงใด ๆ ตรวจสิ่งที่จะเกิดขึ้นด้านล่าง "
                  "แล้วกด “%(button)s” หรือยกเลิก", button=self.button) if unconfirmed else ""
        return render_template("confirm.html", confirm=self, error=error,
                               confirm_field=CONFIRM_FIELD), 400 if unconfirmed else 200


def confirmed() -> bool:
    """Whether this POST came from a confirmation page's button."""
    return request.form.get(CONFIRM_FIELD) == "yes"
