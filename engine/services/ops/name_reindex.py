"""Rebuilding the blind index of names (``govflow reindex-names``).

For the cases filed before the index existed, after a restore, and after the name-index
key changed (every hash changes with the key, so until this runs the old cases cannot be
found by name). It decrypts one case's personal data at a time, writes that case's rows
and lets the plain text go before the next; a batch of cases is one transaction, so a
long run holds no lock for long and can be stopped and run again. Running it twice
writes the same rows: each case's rows are replaced, never added to.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine.core.audit import record
from engine.core.models import PersonalNameTerm, ProcessInstance
from engine.core.name_index import indexed_processes, replace_name_terms
from engine.workflow.runtime import Runtime

#: Cases per transaction.
DEFAULT_BATCH = 200


@dataclass
class ReindexReport:
    """What a run did, in counts only (never a name)."""

    cases: int = 0
    terms: int = 0


def reindex_names(rt: Runtime, *, batch_size: int = DEFAULT_BATCH,
                  only_missing: bool = False) -> ReindexReport:
    """Replace the index rows of every case of a process with names, in batches.

    ``only_missing``: only cases with no rows yet (``govflow init`` after the upgrade that
    created the table); a case whose names are all empty is looked at again each time,
    which costs one decryption and writes nothing.
    """
    report = ReindexReport()
    after = 0
    while True:
        with rt.db.write() as session:
            ids = _next_ids(session, after, batch_size, only_missing)
            for instance_id in ids:
                report.terms += _reindex_one(rt, session, instance_id)
            report.cases += len(ids)
            if not ids:
                if report.cases:
                    record(session, None, "names_reindexed", cases=report.cases,
                           only_missing=only_missing)
                return report
            after = ids[-1]


def _next_ids(session: Session, after: int, limit: int, only_missing: bool) -> list[int]:
    query = (select(ProcessInstance.id)
             .where(ProcessInstance.process_key.in_(list(indexed_processes())),
                    ProcessInstance.id > after)
             .order_by(ProcessInstance.id).limit(limit))
    if only_missing:
        query = query.where(~exists().where(PersonalNameTerm.instance_id == ProcessInstance.id))
    return list(session.scalars(query))


def _reindex_one(rt: Runtime, session: Session, instance_id: int) -> int:
    process_key, blob = session.execute(
        select(ProcessInstance.process_key, ProcessInstance.personal_data)
        .where(ProcessInstance.id == instance_id)).one()
    return replace_name_terms(session, rt.name_index_key, instance_id, process_key,
                              rt.cipher.decrypt(blob))
