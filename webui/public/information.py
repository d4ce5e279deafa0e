"""The public information pages (ข้อมูลสาธารณะ), no sign-in: the index shaped like the
ITA/OIT assessment's item 1, a page per category with search, item pages, published files
and an Atom feed per category. The engine decides what is public
(engine/services/publishing/website.py); these views only draw it.
"""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response as BaseResponse

from engine.core import clock
from engine.core.errors import Gone, InvalidData
from engine.documents.atom_feed import (
    CONTENT_TYPE,
    FEED_ID_DATE,
    Entry,
    build_feed,
    summary_of,
    tag_authority,
    tag_uri,
)
from engine.services.publishing import website as public_info
from engine.services.publishing.website import Moved
from webui.i18n import current_language, localize
from webui.web import MAX_PAGE, page_arg, pages_of, public_url_for, rt

bp = Blueprint("public_info", __name__, url_prefix="/public")

#: Pages beyond this are not offered (a crawler's page=10**9 would only cost a query).
#: How much of a refused search text is shown back to the reader.
ECHO_CHARS = 1000


@bp.get("")
def index() -> str:
    return render_template("public_info/index.html", office=rt().office,
                           **public_info.index(rt(), current_language()))


@bp.get("/<category>")
def category(category: str) -> tuple[str, int]:
    typed = request.args.get("q", "")[:ECHO_CHARS]
    page = page_arg()
    try:
        found = public_info.category(rt(), category, q=typed, page=page,
                                     language=current_language())
    except InvalidData as error:
        found = public_info.category(rt(), category, page=page, language=current_language())
        return render_template("public_info/category.html", found=found, typed=typed,
                               message=localize(error.message),
                               error=localize(error.fields.get("q", "")), pages={}), 400
    return render_template("public_info/category.html", found=found, typed=typed,
                           message="", error="",
                           pages=pages_of("public_info.category", page, found["total"],
                                          public_info.PAGE_SIZE, max_page=MAX_PAGE,
                                          category=category, q=found["q"])), 200


@bp.get("/<category>/feed.atom")
def feed(category: str) -> Response:
    found = public_info.feed(rt(), category)
    authority = tag_authority(rt().settings.public_url)
    office = rt().office
    entries = [
        Entry(id=tag_uri(authority, item["published_at"].date(), f"publication/{item['id']}"),
              title=item["title"], updated=item["published_at"],
              url=public_url_for("public_info.item", publication_id=item["id"]),
              summary=summary_of(item["details"]))
        for item in found["items"]
    ]
    body = build_feed(
        feed_id=tag_uri(authority, FEED_ID_DATE, f"public/{category}"),
        title=f"{office.name} – {found['title']}",
        # A category with nothing ever published has changed "now" as far as a reader knows.
        updated=found["updated"] or clock.now(),
        self_url=public_url_for("public_info.feed", category=category),
        page_url=public_url_for("public_info.category", category=category),
        author=office.name,
        entries=entries,
    )
    return Response(body, content_type=CONTENT_TYPE)


@bp.get("/items/<int:publication_id>")
def item(publication_id: int) -> BaseResponse | tuple[str, int]:
    try:
        found = public_info.item(rt(), publication_id, current_language())
    except Gone:
        return render_template("public_info/gone.html", publication_id=publication_id), 410
    if isinstance(found, Moved):
        # Permanent: the replaced item's address is the new item's for good.
        return redirect(url_for("public_info.item", publication_id=found.to), code=301)
    return render_template("public_info/item.html", item=found), 200


@bp.get("/files/<int:file_id>")
def public_file(file_id: int) -> Response:
    meta, content = public_info.public_file(rt(), file_id)
    response = send_file(BytesIO(content), mimetype=meta["content_type"],
                         download_name=meta["filename"], as_attachment=False, max_age=0)
    # The file opens in the browser but can run nothing, whatever it holds.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response
