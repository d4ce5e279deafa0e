"""Atom 1.0 (RFC 4287) feeds of the public information pages, built as an XML tree.

Ids are tag URIs (RFC 4151) on the host of ``GOVFLOW_PUBLIC_URL``, so an entry keeps its
id however the feed was fetched; links are the addresses the caller gives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
#: The year the office's public pages began on govflow: part of every feed's id.
FEED_ID_DATE = "2026"
SUMMARY_CHARS = 500
#: Characters XML 1.0 cannot carry at all; typed text may hold them (a pasted form feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    url: str
    summary: str


def tag_authority(public_url: str) -> str:
    """The host name a tag URI is minted under: the public address without port."""
    return (urlsplit(public_url).hostname or "localhost").lower()


def tag_uri(authority: str, day: date | str, specific: str) -> str:
    return f"tag:{authority},{day if isinstance(day, str) else day.isoformat()}:{specific}"


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def summary_of(details: str) -> str:
    flat = " ".join(details.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[:SUMMARY_CHARS - 1] + "…"


def build_feed(*, feed_id: str, title: str, updated: datetime, self_url: str,
               page_url: str, author: str, entries: Sequence[Entry], lang: str = "th"
               ) -> bytes:
    """The feed document, UTF-8 with its XML declaration."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang)

    def child(parent: etree._Element, tag: str, text: str | None = None,
              **attributes: str) -> etree._Element:
        node = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrib=attributes)
        if text is not None:
            node.text = _text(text)
        return node

    child(feed, "id", feed_id)
    child(feed, "title", title, type="text")
    child(feed, "updated", _stamp(updated))
    child(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    child(feed, "link", rel="alternate", type="text/html", href=page_url)
    child(child(feed, "author"), "name", author)
    child(feed, "generator", "govflow")
    for entry in entries:
        node = child(feed, "entry")
        child(node, "id", entry.id)
        child(node, "title", entry.title, type="text")
        child(node, "updated", _stamp(entry.updated))
        child(node, "published", _stamp(entry.updated))
        child(node, "link", rel="alternate", type="text/html", href=entry.url)
        child(node, "summary", entry.summary, type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8")
