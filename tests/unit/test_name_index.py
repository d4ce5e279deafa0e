"""The blind index of names without a database: normalisation, terms, keyed hashes and
the matching rule a search applies (issue 15 item 3)."""

from __future__ import annotations

import pytest

from engine.core import name_index as ni
from engine.core.config import Settings
from engine.core.errors import ConfigurationError, InvalidData
from engine.core.keys import name_index_key, new_name_index_key

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


@pytest.mark.parametrize(("typed", "normal"), [
    ("นายสมชาย ใจดี", "สมชาย ใจดี"),
    ("นาย สมชาย   ใจดี", "สมชาย ใจดี"),
    ("นางสาวสมศรี มีสุข", "สมศรี มีสุข"),
    ("นาง สมศรี มีสุข", "สมศรี มีสุข"),
    ("น.ส.สมศรี มีสุข", "สมศรี มีสุข"),
    ("น.ส. สมศรี มีสุข", "สมศรี มีสุข"),
    ("ด.ช.ก้องภพ เก่งกล้า", "ก้องภพ เก่งกล้า"),
    ("ด.ญ. มะลิ หอมดี", "มะลิ หอมดี"),
    ("เด็กหญิงมะลิ หอมดี", "มะลิ หอมดี"),
    ("ดร.สมหญิง รักเรียน", "สมหญิง รักเรียน"),
    ("ผศ.ดร. สมหญิง รักเรียน", "สมหญิง รักเรียน"),
    ("พ.ต.อ.สมปอง กล้าหาญ", "สมปอง กล้าหาญ"),
    ("ว่าที่ร้อยตรี สมปอง กล้าหาญ", "สมปอง กล้าหาญ"),
    ("คุณ สมชาย ใจดี", "สมชาย ใจดี"),
    ("Mr. John O'Brien", "john o brien"),
    ("DR.  Jane   SMITH", "jane smith"),
])
def test_titles_spaces_and_case_are_normalised_away(typed, normal):
    assert ni.normalise_name(typed) == normal


def test_a_name_that_begins_like_a_spaced_title_keeps_it():
    # "คุณ" and "พระ" joined to a name are part of it (คุณากร, พระพร).
    assert ni.normalise_name("คุณากร ศรีสุข") == "คุณากร ศรีสุข"
    assert ni.normalise_name("พระพร ดีงาม") == "พระพร ดีงาม"


def test_a_name_that_is_only_a_title_is_kept():
    assert ni.normalise_name("นาย") == "นาย"


def test_thai_digits_invisible_characters_and_nfc():
    assert ni.normalise_name("บ้านเลขที่ ๑๒๓") == "บ้านเลขที่ 123"
    assert ni.normalise_name("สม\u200bชาย\ufeff ใจ\u200dดี") == "สมชาย ใจดี"
    # Sara am typed as nikhahit + sara aa, with the tone mark between: one character.
    assert ni.normalise_name("นํ้าผึ้ง") == ni.normalise_name("น้ำผึ้ง")
    # Sara ae typed as two sara e looks the same on screen.
    assert ni.normalise_name("\u0e40\u0e40ก้วมณี") == ni.normalise_name("แก้วมณี")
    assert ni.normalise_name("Jose\u0301") == ni.normalise_name("Jos\u00e9")


def test_index_terms_are_the_whole_name_each_word_and_trigrams_across_words():
    terms = ni.index_terms("นายสมชาย ใจดี")
    assert "n:สมชาย ใจดี" in terms
    assert {"w:สมชาย", "w:ใจดี"} <= terms
    grams = {t[2:] for t in terms if t.startswith("g:")}
    assert grams == {"สมช", "มชา", "ชาย", "ายใ", "ยใจ", "ใจด", "จดี"}
    assert all(len(g) == ni.NGRAM_SIZE for g in grams)
    assert not any("นาย" in t for t in terms)  # the title is no term
    assert ni.index_terms("   ") == set()


def test_the_hash_depends_on_the_key_the_field_and_the_term():
    one = ni.term_hash(KEY, ni.ACCUSED, "g:ใจด")
    assert one == ni.term_hash(KEY, ni.ACCUSED, "g:ใจด")
    assert len(one) == 2 * ni.HASH_BYTES and int(one, 16) >= 0
    assert one != ni.term_hash(OTHER_KEY, ni.ACCUSED, "g:ใจด")
    assert one != ni.term_hash(KEY, ni.COMPLAINANT, "g:ใจด")
    assert one != ni.term_hash(KEY, ni.ACCUSED, "g:จดี")


def test_hashes_hold_no_plain_text_of_the_name():
    rows = ni.name_hashes(KEY, "complaint", {"accused_name": "นายสมชาย ใจดี",
                                             "complainant_name": "Jane Smith"})
    assert {field for field, _ in rows} == {ni.ACCUSED, ni.COMPLAINANT}
    text = " ".join(digest for _, digest in rows)
    for piece in ("สมชาย", "ใจดี", "jane", "smith", "Jane"):
        assert piece not in text
    assert all(set(digest) <= set("0123456789abcdef") for _, digest in rows)


def test_only_name_fields_of_processes_with_names_are_indexed():
    assert ni.name_hashes(KEY, "publishing", {"accused_name": "สมชาย"}) == set()
    assert ni.name_hashes(KEY, "complaint", {"accused_unit": "โรงเรียนบ้านตัวอย่าง"}) == set()


@pytest.mark.parametrize("term", ["", "ab", "  ab ", "นาย ก", "นาย ab", "a b", "...", "น.ส."])
def test_too_short_a_term_is_refused_with_what_to_type(term):
    assert not ni.term_is_searchable(term)
    with pytest.raises(InvalidData) as refused:
        ni.require_searchable(term)
    message = refused.value.fields[ni.TERM_FIELD]
    assert "อย่างน้อย 3 ตัวอักษร" in message and "at least 3 characters" in message


def test_too_long_a_term_is_refused_without_quoting_it():
    term = "ก" * (ni.MAX_TERM_LENGTH + 1)
    assert not ni.term_is_searchable(term)
    with pytest.raises(InvalidData) as refused:
        ni.require_searchable(term)
    assert term not in refused.value.message + "".join(refused.value.fields.values())


@pytest.mark.parametrize("term", ["ใจด", "abc", "นายสมช", "Li Wu"])
def test_three_characters_are_enough(term):
    assert ni.term_is_searchable(term)


def _matches(term: str, name: str) -> bool:
    """The index's AND rule, run on plain terms: what the database query computes."""
    return ni.query_terms(term) <= ni.index_terms(name)


@pytest.mark.parametrize(("term", "found"), [
    ("ใจดี", True),          # the surname
    ("จดีม", True),          # a fragment inside the surname
    ("สมชาย", True),
    ("ใจดี สมชาย", True),     # words in any order
    ("สมชายใจดี", True),      # typed joined, across the space
    ("นายสมชาย", True),       # a title typed in the search is dropped as in the index
    ("๋ใจดี", False),          # a tone mark the name lacks
    ("ใจร้าย", False),
    ("สมชาย ใจร้าย", False),  # every word must match (AND)
    ("ดีใจ", False),
])
def test_a_fragment_finds_its_name_and_all_words_must_match(term, found):
    name = "นายสมชาย ใจดีมาก"
    assert _matches(term, name) is found
    assert ni.name_matches(term, name) is found


def test_short_words_match_whole_words_only():
    assert _matches("li wei", "Li Weiming")
    assert not _matches("li wei", "Lin Weiming")
    assert ni.query_terms("li wei") == {"w:li", "g:wei"}


def test_exact_asks_for_the_whole_name():
    assert ni.query_terms("นายสมชาย  ใจดี", exact=True) == {"n:สมชาย ใจดี"}
    assert ni.name_matches("สมชาย ใจดี", "นายสมชาย ใจดี", exact=True)
    assert not ni.name_matches("สมชาย", "นายสมชาย ใจดี", exact=True)


def test_the_and_of_trigrams_can_rarely_let_through_what_name_matches_weeds_out():
    # "กขค" and "ขคง" are both in "กขคxขคง" without "กขคง" being there.
    assert _matches("กขคง", "กขคซขคง")
    assert not ni.name_matches("กขคง", "กขคซขคง")


def test_unknown_fields_are_refused():
    with pytest.raises(InvalidData):
        ni.name_match_subquery(KEY, "ใจดี", fields=["accused_phone"])


# ---- the key -------------------------------------------------------------------------

def test_production_refuses_to_start_without_a_name_index_key(tmp_path):
    settings = Settings(instance_dir=tmp_path, environment="production", data_key="x")
    with pytest.raises(ConfigurationError, match="GOVFLOW_NAME_INDEX_KEY"):
        name_index_key(settings)
    assert not (tmp_path / "name_index.key").exists()


def test_development_generates_the_key_once(tmp_path):
    first = name_index_key(Settings(instance_dir=tmp_path))
    assert len(first) == 32
    assert name_index_key(Settings(instance_dir=tmp_path)) == first
    assert (tmp_path / "name_index.key").stat().st_mode & 0o077 == 0


def test_a_configured_key_is_checked_and_must_differ_from_the_data_key(tmp_path):
    good = new_name_index_key()
    assert len(name_index_key(Settings(instance_dir=tmp_path, name_index_key=good))) == 32
    assert new_name_index_key() != good
    for bad in ("short", "!" * 44):
        with pytest.raises(ConfigurationError, match="not a valid key"):
            name_index_key(Settings(instance_dir=tmp_path, name_index_key=bad))
    with pytest.raises(ConfigurationError, match="must differ"):
        name_index_key(Settings(instance_dir=tmp_path, name_index_key=good, data_key=good))


def test_the_log_filter_redacts_a_search_term_passed_by_mistake():
    from engine.core.logs import REDACTED, _clean, personal_key

    assert personal_key("search_term") and personal_key("name_term")
    assert _clean({"search_term": "ใจดี", "results": 3}) == {"search_term": REDACTED,
                                                             "results": 3}
