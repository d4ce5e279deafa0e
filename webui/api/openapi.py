"""The OpenAPI 3.1 description of /api/v1: openapi.json beside this module, a data file
shipped with the package, kept next to the routes it describes."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def openapi_document() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document
