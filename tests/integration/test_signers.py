"""Who signs for the head on a given day (engine.services.admin.signers.signature_for): an
acting official before a delegated deputy before the Director, each as the accounts hold
them; nobody at all leaves the signature blank over the head's title."""

from __future__ import annotations

from datetime import date

from engine.services.admin import staff as admin
from engine.services.admin.signers import signature_for
from engine.services.admin.users import add_user

DAY = date(2026, 12, 15)


def _signer(runtime, on: date = DAY):
    with runtime.db.read() as session:
        return signature_for(session, runtime.office, on)


def test_acting_before_delegated_before_the_director_and_blank_without_anyone(runtime):
    admin_actor = add_user(runtime, "admin", ["admin"], "ADMIN")
    title = runtime.office.head_title
    blank = _signer(runtime)
    assert (blank.name, blank.position, blank.capacity) == ("", title, "own")

    add_user(runtime, "boss", ["director"], "DIR", display_name="นายผู้อำนวยการ",
             position="")
    own = _signer(runtime)
    # The Director with no position of their own signs under the head's title.
    assert (own.name, own.position, own.capacity) == ("นายผู้อำนวยการ", title, "own")

    add_user(runtime, "deputy", ["staff"], "DIR", display_name="นางรอง", position="รอง ผอ.")
    add_user(runtime, "acting", ["staff"], "DIR", display_name="นายรักษาการ", position="")
    admin.appoint_acting(runtime, admin_actor, "deputy", "director", date(2026, 12, 1),
                         date(2026, 12, 31), "คำสั่งที่ 1/2569", kind="delegated")
    delegated = _signer(runtime)
    assert (delegated.name, delegated.position, delegated.capacity) == \
        ("นางรอง", "รอง ผอ.", "delegated")
    assert _signer(runtime, date(2027, 1, 1)).capacity == "own"  # the order has ended

    appointed = admin.appoint_acting(runtime, admin_actor, "acting", "director",
                                     date(2026, 12, 10), date(2026, 12, 20), "คำสั่งที่ 2/2569")
    acting = _signer(runtime)
    # An acting official signs with their own (empty) position, as the accounts hold it.
    assert (acting.name, acting.position, acting.capacity) == ("นายรักษาการ", "", "acting")
    assert _signer(runtime, date(2026, 12, 21)).capacity == "delegated"

    admin.end_acting(runtime, admin_actor, appointed["id"])
    assert _signer(runtime).capacity == "delegated"
    admin.set_active(runtime, admin_actor, "deputy", False)
    assert _signer(runtime).name == "นายผู้อำนวยการ"  # an inactive deputy signs nothing
