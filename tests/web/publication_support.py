"""Driving publishing requests to (or short of) publication, for the publication tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from engine.core.models import Publication
from engine.services.inbox import instances, tasks
from engine.services.inbox.attachments import UploadedFile
from tests.conftest import People
from tests.samples import PUBLISHING_REQUEST, SCENARIOS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
#: Director, web administrator's check and the ICT head's approval: up to the publish step.
TO_PUBLISH = SCENARIOS["publishing_approved"][3][:-1]
PUBLISH = ("web_admin", {"publish_note": "นำขึ้นเว็บไซต์แล้ว"})


def start(rt, people: People, data: dict[str, Any] | None = None,
          files: Sequence[UploadedFile] = ()) -> int:
    return instances.start_instance(rt, people.staff, "publishing",
                                    {**PUBLISHING_REQUEST, **(data or {})}, files)["id"]


def open_task(rt, actor, instance_id: int) -> dict[str, Any]:
    (task,) = instances.get_instance(rt, actor, instance_id)["tasks"]
    return task


def step(rt, actor, instance_id: int, data: dict[str, Any]) -> dict[str, Any]:
    task = open_task(rt, actor, instance_id)
    tasks.claim_task(rt, actor, task["id"])
    return tasks.complete_task(rt, actor, task["id"], data)


def drive(rt, people: People, instance_id: int, steps: Sequence[tuple[str, dict]]) -> None:
    for role, data in steps:
        step(rt, people.all()[role], instance_id, data)


def published(rt, people: People, data: dict[str, Any] | None = None,
              files: Sequence[UploadedFile] = (),
              publish: dict[str, Any] | None = None) -> tuple[int, int]:
    """A request taken through every approval and published: (case id, publication id)."""
    iid = start(rt, people, data, files)
    drive(rt, people, iid, [*TO_PUBLISH, ("web_admin", publish or PUBLISH[1])])
    row = publication_of(rt, iid)
    assert row is not None
    return iid, row.id


def publication_of(rt, instance_id: int) -> Publication | None:
    with rt.db.read() as session:
        return session.scalar(select(Publication).where(Publication.instance_id == instance_id))


def publication(rt, publication_id: int) -> Publication:
    with rt.db.read() as session:
        return session.get_one(Publication, publication_id)


def pdf(name: str = "แผน.pdf", body: bytes = PDF) -> UploadedFile:
    return UploadedFile(name, "application/pdf", body)
