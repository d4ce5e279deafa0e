"""The public information pages under /public, read without signing in: only published
items ever appear, on the index, the category pages, search, item pages, files and feeds."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from engine.core.models import PublicationFile
from engine.services.inbox import attachments
from engine.services.publishing import requests as publications
from tests.samples import PUBLISHING_REQUEST, SCENARIOS
from tests.web.publication_support import (
    PDF,
    PUBLISH,
    TO_PUBLISH,
    drive,
    pdf,
    publication_of,
    published,
    start,
)
from tests.web_client import Browser, html

pytest_plugins = ("tests.web_support",)

ATOM = {"a": "http://www.w3.org/2005/Atom"}
HREFS = re.compile(r'href="(/public[^"]*)"')


def anonymous(app) -> Browser:
    return Browser(app)


def feed_of(client: Browser, category: str) -> etree._Element:
    response = client.get(f"/public/{category}/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.get_data())


def entry_titles(feed: etree._Element) -> list[str]:
    return feed.xpath("a:entry/a:title/text()", namespaces=ATOM)


def file_ids(rt, publication_id: int) -> list[int]:
    with rt.db.read() as session:
        return list(session.scalars(PublicationFile.__table__.select()
                                    .with_only_columns(PublicationFile.id)
                                    .where(PublicationFile.publication_id == publication_id)))


# ---- a publication on every public page ------------------------------------------------

def test_a_publication_appears_on_the_index_its_category_search_and_feed(
        app, sqlite_runtime, web_people):
    iid, pid = published(sqlite_runtime, web_people,
                         {"title": "Annual PLAN ประจำปี 2570", "details": "รายละเอียดแผน\nบรรทัดสอง"},
                         files=[pdf("แผนปฏิบัติการ.pdf")])
    public = anonymous(app)
    index = html(public.get("/public"))
    assert public.page.status_code == 200
    assert sqlite_runtime.office.name in index
    for heading in ("1.1 ข้อมูลหน่วยงาน", "1.2 กฎหมาย", "1.3 ข่าว/ข่าวประกาศ", "1.4 ข้อมูลข่าวสารอื่น"):
        assert heading in index, heading
    assert re.search(r'href="/public/1\.1\.1">1\.1\.1 ข้อมูลหน่วยงาน – ประวัติความเป็นมา</a>'
                     r' <span class="muted">\(1 รายการ\)', index)
    assert re.search(r'href="/public/1\.1\.2">[^<]*</a> <span class="muted">\(0 รายการ\)', index)

    category = html(public.get("/public/1.1.1"))
    assert f'href="/public/items/{pid}"' in category and "Annual PLAN" in category
    assert ('<link rel="alternate" type="application/atom+xml" title="1.1.1 ข้อมูลหน่วยงาน – '
            'ประวัติความเป็นมา" href="/public/1.1.1/feed.atom">') in category
    for q in ("annual plan", "ANNUAL", "บรรทัดสอง", "ประจำปี"):  # title and details, any case
        assert f'href="/public/items/{pid}"' in html(public.get("/public/1.1.1", query_string={
            "q": q})), q
    missed = html(public.get("/public/1.1.1", query_string={"q": "ไม่มีคำนี้"}))
    assert f'href="/public/items/{pid}"' not in missed and "ไม่พบรายการที่ตรงกับ" in missed

    item = html(public.get(f"/public/items/{pid}"))
    assert "Annual PLAN" in item and "รายละเอียดแผน\nบรรทัดสอง" in item
    assert f'href="{PUBLISHING_REQUEST["external_link"]}"' in item
    assert "มาตรา 7 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540" in item
    assert PUBLISHING_REQUEST["unit"] in item
    published_at = publication_of(sqlite_runtime, iid).published_at
    assert re.search(rf">\d+ [ก-๙]+ {published_at.year + 543}</time>", item)  # Buddhist Era
    (file_id,) = file_ids(sqlite_runtime, pid)
    assert f'href="/public/files/{file_id}"' in item and "/attachments/" not in item
    download = public.get(f"/public/files/{file_id}")
    assert download.status_code == 200 and download.get_data() == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "sandbox" in download.headers["Content-Security-Policy"]

    feed = feed_of(public, "1.1.1")
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("a:id", namespaces=ATOM).startswith("tag:127.0.0.1,2026:")
    assert feed.findtext("a:title", namespaces=ATOM).endswith("ประวัติความเป็นมา")
    assert feed.findtext("a:updated", namespaces=ATOM)
    (self_link,) = feed.xpath("a:link[@rel='self']/@href", namespaces=ATOM)
    assert urlsplit(self_link).path == "/public/1.1.1/feed.atom"
    (entry,) = feed.findall("a:entry", namespaces=ATOM)
    assert entry.findtext("a:title", namespaces=ATOM) == "Annual PLAN ประจำปี 2570"
    assert re.fullmatch(rf"tag:127\.0\.0\.1,\d{{4}}-\d\d-\d\d:publication/{pid}",
                        entry.findtext("a:id", namespaces=ATOM))
    assert entry.findtext("a:updated", namespaces=ATOM).endswith("Z")
    (link,) = entry.xpath("a:link/@href", namespaces=ATOM)
    assert urlsplit(link).path == f"/public/items/{pid}"
    assert entry.findtext("a:summary", namespaces=ATOM) == "รายละเอียดแผน บรรทัดสอง"
    assert entry_titles(feed_of(public, "1.1.2")) == []


def test_every_category_and_item_is_reachable_from_the_index(app, sqlite_runtime, web_people):
    pids = {published(sqlite_runtime, web_people, {"title": f"เรื่อง {n}", "category": code})[1]
            for n, code in enumerate(("1.1.5", "1.2", "1.3.6", "1.4"))}
    public = anonymous(app)
    seen, queue = set(), ["/public"]
    while queue:
        path = queue.pop()
        if path in seen or path.endswith(".atom") or path.startswith("/public/files/"):
            continue
        seen.add(path)
        response = public.get(path)
        assert response.status_code == 200, path
        queue.extend(HREFS.findall(html(response)))
    assert {f"/public/{code}" for code in publications.categories(sqlite_runtime)} <= seen
    assert {f"/public/items/{pid}" for pid in pids} <= seen


# ---- what never appears ----------------------------------------------------------------

def _everywhere(public: Browser, title: str, category: str = "1.1.1") -> list[str]:
    """The public places that list ``title`` as an item (a search page also repeats the
    search text, so an item counts only as a link)."""
    places = {
        "category": html(public.get(f"/public/{category}")),
        "search": html(public.get(f"/public/{category}", query_string={"q": title})),
        "feed": "".join(f">{t}</a>" for t in entry_titles(feed_of(public, category))),
    }
    return [name for name, text in places.items() if f">{title}</a>" in text]


def _count_on_index(public: Browser, category: str) -> int:
    found = re.search(rf'href="/public/{re.escape(category)}">[^<]*</a> '
                      r'<span class="muted">\((\d+) รายการ\)', html(public.get("/public")))
    assert found, category
    return int(found.group(1))


def test_requests_in_progress_rejected_or_withdrawn_never_appear(
        app, sqlite_runtime, web_people):
    rt, people = sqlite_runtime, web_people
    in_progress = start(rt, people, {"title": "คำขอระหว่างพิจารณา"}, files=[pdf()])
    drive(rt, people, in_progress, TO_PUBLISH)  # approved by all, not yet published
    _starter, _key, data, steps = SCENARIOS["publishing_rejected_revised_resubmitted"]
    rejected = start(rt, people, {"title": "คำขอที่ไม่อนุญาต"})
    drive(rt, people, rejected, steps[:3])
    returned = start(rt, people, {"title": "คำขอที่ถอนเรื่อง"})
    drive(rt, people, returned, SCENARIOS["publishing_returned_withdrawn"][3])
    _iid, gone = published(rt, people, {"title": "รายการที่ถูกถอน"}, files=[pdf()])
    (gone_file,) = file_ids(rt, gone)
    publications.withdraw(rt, people.web_admin, gone, "ข้อมูลไม่ถูกต้อง")
    public = anonymous(app)
    for title in ("คำขอระหว่างพิจารณา", "คำขอที่ไม่อนุญาต", "คำขอที่ถอนเรื่อง", "รายการที่ถูกถอน"):
        assert _everywhere(public, title) == [], title
    assert _count_on_index(public, "1.1.1") == 0
    # The withdrawn item's address answers 410 with a Thai page; its file is gone too.
    page = public.get(f"/public/items/{gone}")
    assert page.status_code == 410 and "ถูกถอนออกจากการเผยแพร่แล้ว" in html(page)
    assert "ข้อมูลไม่ถูกต้อง" not in html(page)  # the reason is for staff
    assert public.get(f"/public/files/{gone_file}").status_code == 404


def test_files_of_unpublished_requests_cannot_be_fetched_publicly(
        app, sqlite_runtime, web_people):
    rt, people = sqlite_runtime, web_people
    iid = start(rt, people, files=[pdf("ร่างประกาศ.pdf")])
    drive(rt, people, iid, TO_PUBLISH)
    (attachment,) = attachments.list_attachments(rt, people.staff, iid)
    public = anonymous(app)
    for file_id in range(1, 6):  # no public file number exists for it, whatever is tried
        assert public.get(f"/public/files/{file_id}").status_code == 404
    staff_url = public.get(f"/attachments/{attachment['id']}")
    assert staff_url.status_code == 302 and "/signin" in staff_url.headers["Location"]
    # Published now: the file is public under its own number, never under the staff one.
    drive(rt, people, iid, [PUBLISH])
    (file_id,) = file_ids(rt, publication_of(rt, iid).id)
    assert public.get(f"/public/files/{file_id}").get_data() == PDF
    assert public.get(f"/attachments/{attachment['id']}").status_code == 302


# ---- replacing ---------------------------------------------------------------------------

def test_a_replaced_item_redirects_permanently_to_the_newest(app, sqlite_runtime, web_people):
    rt, people = sqlite_runtime, web_people
    _a, first = published(rt, people, {"title": "ฉบับแรก"}, files=[pdf()])
    (first_file,) = file_ids(rt, first)
    _b, second = published(rt, people, {"title": "ฉบับที่สอง", "replaces": first})
    public = anonymous(app)
    moved = public.get(f"/public/items/{first}")
    assert moved.status_code == 301 and moved.headers["Location"] == f"/public/items/{second}"
    assert public.get(f"/public/files/{first_file}").status_code == 404
    assert _everywhere(public, "ฉบับแรก") == []
    assert _everywhere(public, "ฉบับที่สอง") == ["category", "search", "feed"]
    assert _count_on_index(public, "1.1.1") == 1
    _c, third = published(rt, people, {"title": "ฉบับที่สาม", "replaces": second})
    # One redirect straight to the newest, never a chain.
    assert public.get(f"/public/items/{first}").headers["Location"] == f"/public/items/{third}"
    assert public.get(f"/public/items/{third}").status_code == 200


# ---- input that cannot be used -------------------------------------------------------------

def test_bad_input_is_answered_clearly(app, sqlite_runtime, web_people):
    _iid, pid = published(sqlite_runtime, web_people, {"title": "100% สำเร็จ"})
    public = anonymous(app)
    long = public.get("/public/1.1.1", query_string={"q": "ก" * 101})
    assert long.status_code == 400 and "คำค้นยาวเกิน 100 ตัวอักษร" in html(long)
    assert f'href="/public/items/{pid}"' not in html(long)
    assert public.get("/public/1.1.1", query_string={"q": "x" * 5000}).status_code == 400
    # Wildcards are literal; control characters are dropped, not sent to the database.
    assert f'/public/items/{pid}"' in html(public.get("/public/1.1.1", query_string={"q": "100%"}))
    assert f'/public/items/{pid}"' not in html(public.get("/public/1.1.1",
                                                          query_string={"q": "1_0%"}))
    assert public.get("/public/1.1.1", query_string={"q": "\x00ส\x07"}).status_code == 200
    for path in ("/public/9.9", "/public/items", "/public/items/999999",
                 f"/public/items/{2**40}", f"/public/files/{2**40}", "/public/9.9/feed.atom",
                 "/public/files/abc"):
        assert public.get(path).status_code == 404, path
    for page in ("0", "-1", "abc", "99999999999", "2"):
        assert public.get("/public/1.1.1", query_string={"page": page}).status_code == 200


def test_feed_survives_text_xml_cannot_carry(app, sqlite_runtime, web_people):
    published(sqlite_runtime, web_people, {"title": "ข่าว\x0cพิเศษ", "category": "1.3.1",
                                           "details": "<b>ไม่ใช่ HTML</b> & อื่น ๆ"})
    feed = feed_of(anonymous(app), "1.3.1")
    assert entry_titles(feed) == ["ข่าวพิเศษ"]
    assert feed.findtext("a:entry/a:summary", namespaces=ATOM) == "<b>ไม่ใช่ HTML</b> & อื่น ๆ"


def test_public_pages_are_self_contained(app, sqlite_runtime, web_people):
    _iid, pid = published(sqlite_runtime, web_people)
    public = anonymous(app)
    for path in ("/public", "/public/1.1.1", f"/public/items/{pid}"):
        page = public.get(path)
        text = html(page)
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        # Scripts only as files govflow serves (the CSP allows nothing else), no inline style.
        scripts = re.findall(r"<script[^>]*>", text)
        assert all(re.fullmatch(r'<script src="/static/[\w.-]+\.js"( defer)?>', s)
                   for s in scripts), (path, scripts)
        assert "style=" not in text, path
        assert not re.search(r'(src|href)="(https?:)?//', text.replace(
            f'href="{PUBLISHING_REQUEST["external_link"]}"', "")), path
    assert "ข้อมูลสาธารณะ" in html(public.get("/"))  # the way in from the front page


def test_english_pages_keep_buddhist_era_dates(app, sqlite_runtime, web_people):
    iid, pid = published(sqlite_runtime, web_people)
    public = anonymous(app)
    public.get("/public")
    public.post("/language", {"lang": "en", "next": f"/public/items/{pid}"})
    page = html(public.get(f"/public/items/{pid}"))
    year = publication_of(sqlite_runtime, iid).published_at.year + 543
    assert "Published on" in page and f"{year} BE" in page
    assert "Public information" in html(public.get("/public"))


def test_a_long_category_is_paged_and_the_search_kept(app, sqlite_runtime, web_people):
    for n in range(21):
        published(sqlite_runtime, web_people,
                  {**PUBLISHING_REQUEST, "title": f"ประกาศ ทดสอบ ฉบับที่ {n}"})
    citizen = Browser(app)
    first = html(citizen.get("/public/1.1.1?q=ทดสอบ"))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    (link,) = re.findall(r'href="([^"]+)" rel="next"', first)
    assert "page=2" in link and "q=" in link
    second = html(citizen.get(link.replace("&amp;", "&")))
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("ประกาศ ทดสอบ ฉบับที่") == 1
