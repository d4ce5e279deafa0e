"""The owner pages say what a new version changes: sentences first, the running cases
touched, two diagrams marked side by side, the XML diff folded away; any two deployed
versions compare the same way; supervisors are told of a deploy."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.core.models import Notification
from engine.services.admin import versions
from engine.services.inbox import instances
from tests.samples import COMPLAINT
from tests.web import test_web_owner
from tests.web.test_web_owner import signed_in
from tests.web_client import Browser, html

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

OLD_NAME = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน"
NEW_NAME = "คัดกรองเรื่องร้องเรียน (ภายใน"
SENTENCE = ("เปลี่ยนชื่อขั้นตอน &#39;พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน {triage_days} "
            "วันทำการ)&#39; เป็น &#39;คัดกรองเรื่องร้องเรียน (ภายใน {triage_days} วันทำการ)&#39;")
SENTENCE_EN = ("Renamed the step '<span lang=\"th\">พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน "
               "{triage_days} วันทำการ)</span>' to '<span lang=\"th\">คัดกรองเรื่องร้องเรียน (ภายใน "
               "{triage_days} วันทำการ)</span>'")


#: The owner pages' fixture and sign-in, shared with their other tests.
owned = test_web_owner.owned


def renamed(folder: Path) -> bytes:
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(f'name="{OLD_NAME}') == 1
    return text.replace(f'name="{OLD_NAME}', f'name="{NEW_NAME}').encode("utf-8")


def upload(b: Browser, data: bytes):
    b.get("/owner/processes")
    return b.post("/owner/processes/upload",
                  {"file": (BytesIO(data), "complaint.bpmn", "application/octet-stream")},
                  content_type="multipart/form-data")


def test_the_preview_says_what_changes_before_the_diagrams_and_the_folded_xml(owned):
    rt, people, app, folder = owned
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    owner = signed_in(rt, people, app, "owner")
    page = html(upload(owner, renamed(folder)))
    assert SENTENCE in page
    sentences = page.index(SENTENCE)
    cases = page.index("เรื่องที่กำลังดำเนินการอยู่ที่ได้รับผลกระทบ")
    drawings = page.index('class="compare-diagrams"')
    xml = page.index('<details class="technical">')
    assert sentences < cases < drawings < xml
    # The running case waits at the renamed step: named under the sentence and in the list.
    assert page[:xml].count(f'href="/cases/{running["id"]}"') == 2
    # Both drawings, inline, the step marked changed in each, with the legend.
    marked = re.findall(r'<g class="bpmn-shape bpmn-userTask change-changed" '
                        r'data-element-id="triage"', page)
    assert len(marked) == 2
    assert 'id="p0-old-govflow-arrow"' in page and 'id="p0-new-govflow-arrow"' in page
    assert "เปลี่ยน (สีเหลืองอำพัน เส้นจุด)" in page and "change-badge-changed" in page
    # The XML diff is still there, inside the folded details.
    details = page[xml:page.index("</details>", xml)]
    removed_line = f'-    &lt;bpmn:userTask id=&#34;triage&#34; name=&#34;{OLD_NAME}'
    assert f'<span class="diff-del">{removed_line}' in details
    assert "style=" not in page.split("<main", 1)[1]  # the page's own CSP: no inline style
    english = owner.post("/language", {"lang": "en", "next": "/"})
    assert english.status_code in (302, 303)
    in_english = html(upload(owner, renamed(folder)))
    assert SENTENCE_EN in in_english and "Changed (amber, dotted line)" in in_english
    assert "Running cases affected" in in_english


def test_a_file_with_errors_shows_its_report_first(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    broken = renamed(folder).replace(b'targetRef="triage"', b'targetRef="nowhere"', 1)
    page = html(upload(owner, broken))
    assert "nowhere" in page and 'name="token"' not in page


def deployed_twice(rt, folder) -> None:
    versions.deploy_upload(rt, None, "complaint.bpmn", renamed(folder))  # as the CLI does


def test_any_two_versions_compare_and_the_versions_page_offers_it(owned):
    rt, people, app, folder = owned
    deployed_twice(rt, folder)
    owner = signed_in(rt, people, app, "owner")
    listing = html(owner.get("/owner/processes/complaint"))
    assert 'action="/owner/processes/complaint/compare"' in listing
    assert '<select id="compare-from" name="from">' in listing
    assert listing.count('id="compare-h"') == 1
    assert re.search(r"<title>[^<]*</title>", listing).group(0).count("compare") == 0
    page = html(owner.get("/owner/processes/complaint/compare?from=1&to=2"))
    assert SENTENCE in page and 'class="compare-diagrams"' in page
    assert 'id="old-govflow-arrow"' in page and 'id="new-govflow-arrow"' in page
    assert '<details class="technical">' in page and "v1/complaint.bpmn" in page
    back = html(owner.get("/owner/processes/complaint/compare?from=2&to=1"))
    assert "เปลี่ยนชื่อขั้นตอน &#39;คัดกรองเรื่องร้องเรียน" in back
    version_page = html(owner.get("/owner/processes/complaint/versions/1"))
    assert SENTENCE in version_page and "change-changed" in version_page
    empty = owner.get("/owner/processes/complaint/compare")
    assert empty.status_code == 200 and 'role="alert"' not in html(empty)
    assert '<option value="1" selected>' in html(empty)
    for query in ("from=1&to=1", "from=1&to=9", "from=x&to=2", "from=1", "to="):
        refused = owner.get(f"/owner/processes/complaint/compare?{query}")
        assert refused.status_code == 400, query
        assert 'role="alert"' in html(refused) and SENTENCE not in html(refused)


def test_only_process_owners_compare(owned):
    rt, people, app, folder = owned
    deployed_twice(rt, folder)
    for username in ("legal_head", "director", "staff_plan"):
        b = signed_in(rt, people, app, username)
        assert b.get("/owner/processes/complaint/compare?from=1&to=2").status_code == 403
        assert b.get("/owner/processes/complaint").status_code == 403


def test_making_an_earlier_version_current_is_one_confirmed_click_and_is_told(owned):
    rt, people, app, folder = owned
    deployed_twice(rt, folder)
    owner = signed_in(rt, people, app, "owner")
    ask = html(owner.get("/owner/processes/complaint/versions/1/make-current"))
    assert 'name="confirm" value="yes"' in ask and "ผู้บังคับบัญชาของกระบวนงานจะได้รับแจ้ง" in ask
    done = owner.post("/owner/processes/complaint/versions/1/make-current", {"confirm": "yes"})
    assert done.status_code in (302, 303)
    assert versions.list_versions(rt, "complaint")[1]["is_current"]
    with rt.db.read() as session:
        texts = session.scalars(select(Notification.text).where(
            Notification.user_id == people.director.id)).all()
    assert any("ฉบับที่ 1 แทนฉบับที่ 2" in t and "เปลี่ยนชื่อขั้นตอน" in t for t in texts)


def test_thai_names_in_english_sentences_are_marked_and_escaped():
    from webui.owner.processes import _thai_names

    assert str(_thai_names("Renamed 'ก<b>' to 'x' & more")) == (
        "Renamed '<span lang=\"th\">ก&lt;b&gt;</span>' to &#39;x&#39; &amp; more")
