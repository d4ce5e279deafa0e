"""Deploying process definitions and keeping their parsed specs in memory.

A version is identified by the hash of everything that shapes a running case: the
BPMN bytes, the resolved forms and the lane rules. Deploying a file that fails any
check leaves the last good version current; the report says what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle, TaskRule, version_hash
from engine.bpmn.bundle_checks import build_bundle, problem
from engine.bpmn.lint.all_checks import lint
from engine.bpmn.lint.bpmnlint_bridge import bpmnlint_problems, without_covered
from engine.bpmn.loading.load import LoadedBpmn, load_bpmn
from engine.bpmn.problems import Problem, bound_problems
from engine.bpmn.process_settings import read_settings
from engine.core.db import Database
from engine.core.errors import BpmnLoadError, SettingsError
from engine.core.models import ProcessVersion


@dataclass(frozen=True)
class Definition:
    """A deployed version, parsed and ready to run instances."""

    version_id: int
    process_key: str
    version: int
    version_hash: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    bundle: ProcessBundle

    def task_info(self, bpmn_id: str) -> TaskRule | None:
        return self.bundle.tasks.get(bpmn_id)

    def form(self, relative: str | None) -> dict[str, Any]:
        return self.bundle.forms.get(relative, {}) if relative else {}

    def task_form(self, bpmn_id: str) -> dict[str, Any]:
        """The JSON Schema of a user task's form ({} for a task without one)."""
        rule = self.task_info(bpmn_id)
        return self.form(rule.form if rule is not None else None)

    @property
    def start_form(self) -> dict[str, Any]:
        return self.form(self.bundle.start_form)


@dataclass
class DeployReport:
    deployed: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class DefinitionRegistry:
    """Parsed specs cached by version; parsing costs more than running a small instance."""

    def __init__(self) -> None:
        self._cache: dict[int, Definition] = {}

    def get(self, row: ProcessVersion) -> Definition:
        cached = self._cache.get(row.id)
        if cached is not None and cached.version_hash == row.version_hash:
            return cached
        loaded = load_bpmn(row.bpmn_xml, row.file_name)
        definition = Definition(
            version_id=row.id,
            process_key=row.process_key,
            version=row.version,
            version_hash=row.version_hash,
            name=row.name,
            spec=loaded.specs[row.process_key],
            subprocess_specs=loaded.subprocess_specs.get(row.process_key, {}),
            bundle=ProcessBundle.from_dict(row.bundle),
        )
        self._cache[row.id] = definition
        return definition

    def by_id(self, session: Session, version_id: int) -> Definition:
        cached = self._cache.get(version_id)
        if cached is not None:
            return cached
        return self.get(session.get_one(ProcessVersion, version_id))

    def current_all(self, session: Session) -> list[Definition]:
        """Every process's current version (one small query; the rest from the cache)."""
        ids = session.scalars(
            select(ProcessVersion.id)
            .where(ProcessVersion.is_current.is_(True))
            .order_by(ProcessVersion.process_key)
        ).all()
        return [self.by_id(session, version_id) for version_id in ids]

    def names(self, session: Session) -> dict[str, str]:
        """Each current process's display name, by key."""
        return {d.process_key: d.name for d in self.current_all(session)}

    def current(self, session: Session, process_key: str) -> Definition | None:
        # Only the id is read here; the version row (with its BPMN bytes) is loaded
        # once per version and then served from the cache.
        version_id = session.scalar(_CURRENT_VERSION, {"key": process_key})
        return self.by_id(session, version_id) if version_id is not None else None


#: Built once: every new case asks it.
_CURRENT_VERSION = select(ProcessVersion.id).where(
    ProcessVersion.process_key == bindparam("key"), ProcessVersion.is_current.is_(True)
)


@dataclass
class CheckedFile:
    raw: bytes
    loaded: LoadedBpmn | None
    problems: list[Problem]
    #: Process id → its bundle, for each process of the file that passed build_bundle.
    processes: dict[str, ProcessBundle]

    @property
    def bundles(self) -> dict[str, dict[str, Any]]:
        """The bundles as they are stored, and as the lint reads them."""
        return {pid: bundle.to_dict() for pid, bundle in self.processes.items()}

    @property
    def ok(self) -> bool:
        return self.loaded is not None and not any(p.severity == "error" for p in self.problems)


def check_file(path: Path, processes_dir: Path, *, with_bpmnlint: bool = False) -> CheckedFile:
    """Run every check on one BPMN file: the report behind validate, deploy and upload.

    ``with_bpmnlint``: also bpmnlint's recommended rules, through Node (``govflow
    validate`` and the owner's checks; deploy does without, as its findings never block).
    """
    return check_bytes(path.read_bytes(), path.name, processes_dir, with_bpmnlint=with_bpmnlint)


def check_bytes(raw: bytes, name: str, processes_dir: Path, *,
                with_bpmnlint: bool = False) -> CheckedFile:
    """The same checks on BPMN bytes not (yet) in a file, e.g. an upload being previewed."""
    try:
        loaded = load_bpmn(raw, name)
    except BpmnLoadError as exc:
        return CheckedFile(raw, None, bound_problems(_problems_of(exc)), {})
    problems = list(loaded.warnings)
    try:
        settings = read_settings(processes_dir)
    except SettingsError as exc:
        problems.append(problem("processes.toml", None, None, str(exc), str(exc)))
        return CheckedFile(raw, loaded, problems, {})
    bundles = {}
    for pid in loaded.specs:
        try:
            info = loaded.processes[pid]
            bundles[pid] = build_bundle(loaded, info, processes_dir, settings.get(pid))
        except BpmnLoadError as exc:
            problems.extend(_problems_of(exc))
    problems.extend(lint(loaded, {pid: bundle.to_dict() for pid, bundle in bundles.items()}))
    if with_bpmnlint:
        found = bpmnlint_problems(raw, name, loaded.tree)
        problems.extend(without_covered(found, problems))
    return CheckedFile(raw, loaded, bound_problems(problems), bundles)


def _problems_of(exc: BpmnLoadError) -> list[Problem]:
    # engine.core.errors types them by what it can know (they format); the loader and
    # the bundle checks raise only their own Problem.
    return cast(list[Problem], exc.problems)


def deploy_directory(db: Database, processes_dir: Path, actor: str = "system") -> DeployReport:
    """Deploy every ``*.bpmn`` under ``processes_dir``; a new version only when content changed."""
    report = DeployReport()
    for path in sorted(processes_dir.glob("*.bpmn")):
        deploy_checked(db, check_file(path, processes_dir), actor, report)
    return report


def deploy_checked(db: Database, checked: CheckedFile, actor: str,
                   report: DeployReport | None = None) -> DeployReport:
    """Store the versions of one checked file, unless any check failed."""
    report = report if report is not None else DeployReport()
    report.problems.extend(checked.problems)
    if not checked.ok:
        return report
    for pid, bundle in checked.processes.items():
        with db.write() as session:
            version, created = _store_version(session, checked, pid, bundle, actor)
        (report.deployed if created else report.unchanged).append((pid, version))
    return report


def _store_version(
    session: Session, checked: CheckedFile, pid: str, bundle: ProcessBundle, actor: str
) -> tuple[int, bool]:
    digest = version_hash(checked.raw, pid, bundle)
    existing = session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_key == pid, ProcessVersion.version_hash == digest
        )
    )
    if existing is not None and existing.is_current:
        return existing.version, False
    session.execute(
        update(ProcessVersion).where(ProcessVersion.process_key == pid).values(is_current=False)
    )
    if existing is not None:
        # processes/ is the source of truth: a file put back to an earlier content
        # makes that earlier version current again rather than minting a duplicate.
        existing.is_current = True
        return existing.version, True
    assert checked.loaded is not None, "deploy_checked stores only files that loaded"
    latest = session.scalar(
        select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == pid)
    )
    row = ProcessVersion(
        process_key=pid,
        version=(latest or 0) + 1,
        version_hash=digest,
        name=bundle.name,
        file_name=checked.loaded.file,
        bpmn_xml=checked.raw,
        bundle=bundle.to_dict(),
        is_current=True,
        deployed_by=actor,
    )
    session.add(row)
    session.flush()
    return row.version, True
