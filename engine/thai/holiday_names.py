"""The official names of Thai government holidays, for the names the `holidays` package gives.

The package's Thai names are mostly those of the cabinet's list of government holidays
(วันหยุดราชการประจำปี). Where they differ, the calendar prints the official one:
- 5 December is "วันคล้ายวันพระบรมราชสมภพ …" (the King has passed away: no longer
  "วันคล้ายวันเฉลิมพระชนมพรรษา"), one name for the three the package lists;
- 12 August names Queen Sirikit in full, and after her death (24 October 2025) the day is
  "วันคล้ายวันพระราชสมภพ …", as 5 December became after King Bhumibol's;
- 13 October is the anniversary of King Bhumibol's death by its full name;
- a substitution day is "วันหยุดชดเชย…", not the package's "ชดเชย…";
- a cabinet special day is "วันหยุดพิเศษ", without the package's "(เพิ่มเติม)".
English names are the ones the English pages show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["HolidayName", "english_name", "official_name"]

_IN_LIEU_PACKAGE = "ชดเชย"
_IN_LIEU_TH = "วันหยุดชดเชย"
_IN_LIEU_EN = "Substitution day for "
_PACKAGE_SEPARATOR = ";"
_JOINED = "; "


@dataclass(frozen=True)
class HolidayName:
    thai: str
    english: str


_KING_BHUMIBOL = "พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช บรมนาถบพิตร"
_QUEEN_SIRIKIT = "สมเด็จพระนางเจ้าสิริกิติ์ พระบรมราชินีนาถ พระบรมราชชนนีพันปีหลวง"
_QUEEN_SIRIKIT_DIED = date(2025, 10, 24)

# The package's name of a day (its parts, without "ชดเชย") -> the official name.
_OFFICIAL: dict[tuple[str, ...], HolidayName] = {
    ("วันขึ้นปีใหม่",): HolidayName("วันขึ้นปีใหม่", "New Year's Day"),
    ("วันมาฆบูชา",): HolidayName("วันมาฆบูชา", "Makha Bucha Day"),
    ("วันพระบาทสมเด็จพระพุทธยอดฟ้าจุฬาโลกมหาราช และวันที่ระลึกมหาจักรีบรมราชวงศ์",): HolidayName(
        "วันพระบาทสมเด็จพระพุทธยอดฟ้าจุฬาโลกมหาราช และวันที่ระลึกมหาจักรีบรมราชวงศ์",
        "King Phutthayotfa Chulalok the Great Day and Chakri Memorial Day"),
    ("วันสงกรานต์",): HolidayName("วันสงกรานต์", "Songkran Festival"),
    ("วันฉัตรมงคล",): HolidayName("วันฉัตรมงคล", "Coronation Day"),
    ("วันพืชมงคล",): HolidayName("วันพืชมงคล", "Royal Ploughing Ceremony Day"),
    ("วันวิสาขบูชา",): HolidayName("วันวิสาขบูชา", "Visakha Bucha Day"),
    ("วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าสุทิดา พัชรสุธาพิมลลักษณ พระบรมราชินี",): HolidayName(
        "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าสุทิดา พัชรสุธาพิมลลักษณ พระบรมราชินี",
        "H.M. Queen Suthida's Birthday"),
    ("วันอาสาฬหบูชา",): HolidayName("วันอาสาฬหบูชา", "Asarnha Bucha Day"),
    ("วันเข้าพรรษา",): HolidayName("วันเข้าพรรษา", "Buddhist Lent Day"),
    ("วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระปรเมนทรรามาธิบดีศรีสินทรมหาวชิราลงกรณ "
     "พระวชิรเกล้าเจ้าอยู่หัว",): HolidayName(
        "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระปรเมนทรรามาธิบดีศรีสินทรมหาวชิราลงกรณ "
        "พระวชิรเกล้าเจ้าอยู่หัว",
        "H.M. King Maha Vajiralongkorn's Birthday"),
    ("วันนวมินทรมหาราช",): HolidayName(
        f"วันคล้ายวันสวรรคต {_KING_BHUMIBOL}",
        "Anniversary of the Death of King Bhumibol Adulyadej the Great"),
    ("วันปิยมหาราช",): HolidayName("วันปิยมหาราช", "King Chulalongkorn Memorial Day"),
    ("วันคล้ายวันเฉลิมพระชนมพรรษา" + _KING_BHUMIBOL, "วันชาติ", "วันพ่อแห่งชาติ"): HolidayName(
        f"วันคล้ายวันพระบรมราชสมภพ {_KING_BHUMIBOL} วันชาติ และวันพ่อแห่งชาติ",
        "Anniversary of the Birth of King Bhumibol Adulyadej the Great, National Day "
        "and Father's Day"),
    ("วันรัฐธรรมนูญ",): HolidayName("วันรัฐธรรมนูญ", "Constitution Day"),
    ("วันสิ้นปี",): HolidayName("วันสิ้นปี", "New Year's Eve"),
    ("วันหยุดพิเศษ (เพิ่มเติม)",): HolidayName("วันหยุดพิเศษ", "Special holiday"),
}

_MOTHERS_DAY = ("วันเฉลิมพระชนมพรรษาสมเด็จพระบรมราชชนนีพันปีหลวง", "วันแม่แห่งชาติ")
_MOTHERS_DAY_BEFORE = HolidayName(
    f"วันเฉลิมพระชนมพรรษา{_QUEEN_SIRIKIT} และวันแม่แห่งชาติ",
    "H.M. Queen Sirikit The Queen Mother's Birthday and Mother's Day")
_MOTHERS_DAY_AFTER = HolidayName(
    f"วันคล้ายวันพระราชสมภพ {_QUEEN_SIRIKIT} และวันแม่แห่งชาติ",
    "Anniversary of the Birth of H.M. Queen Sirikit The Queen Mother, and Mother's Day")

# Official Thai name -> English, for every name this module can print.
_ENGLISH: dict[str, str] = {
    name.thai: name.english
    for name in (*_OFFICIAL.values(), _MOTHERS_DAY_BEFORE, _MOTHERS_DAY_AFTER)
}


def _official(parts: tuple[str, ...], day: date) -> HolidayName | None:
    if parts == _MOTHERS_DAY:
        return _MOTHERS_DAY_BEFORE if day < _QUEEN_SIRIKIT_DIED else _MOTHERS_DAY_AFTER
    return _OFFICIAL.get(parts)


def official_name(package_name: str, day: date) -> str:
    """The official Thai name of the day the package calls ``package_name``.

    A name the table does not know (a year far from today, a day the package adds later)
    is kept as the package gives it, part by part.
    """
    parts = tuple(part.strip() for part in package_name.split(_PACKAGE_SEPARATOR))
    in_lieu = all(part.startswith(_IN_LIEU_PACKAGE) for part in parts)
    if in_lieu:
        parts = tuple(part.removeprefix(_IN_LIEU_PACKAGE) for part in parts)
    whole = _official(parts, day)
    if whole is not None:
        names = [whole.thai]
    else:
        names = [(_official((part,), day) or HolidayName(part, "")).thai for part in parts]
    prefix = _IN_LIEU_TH if in_lieu else ""
    return _JOINED.join(prefix + name for name in names)


def english_name(thai_name: str) -> str | None:
    """The English name of an official Thai name this module prints; None for any other
    text (e.g. the reason an administrator typed for a day they added)."""
    names = [part.strip() for part in thai_name.split(_PACKAGE_SEPARATOR)]
    english = []
    for name in names:
        base = name.removeprefix(_IN_LIEU_TH)
        found = _ENGLISH.get(base)
        if found is None:
            return None
        english.append(_IN_LIEU_EN + found if base != name else found)
    return _JOINED.join(english)
