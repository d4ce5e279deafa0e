"""Process files and their versions: deploy, validate, versions, diff, migrate, render."""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path
from typing import Any

import click

from engine.bpmn.definitions import CheckedFile, check_file
from engine.bpmn.lint.report_json import report_json, report_of
from engine.bpmn.problems import Problem
from engine.core.config import Settings
from webui.cli.common import lang_option, load_runtime, print_report


@click.command(help="Deploy every BPMN file under processes/; a new version only when content "
              "changed. A file that fails keeps its last good version live.")
@lang_option
def deploy(lang: str) -> None:
    from engine.services.admin.processes import deploy as deploy_processes

    report = deploy_processes(load_runtime(), "cli")
    print_report(report, lang)
    sys.exit(0 if report.ok else 1)


@click.command(help="Check BPMN files without deploying them: XML, the BPMN 2.0 XSD, "
              "SpiffWorkflow's parser, govflow's own lint and bpmnlint's recommended rules "
              "(run through Node.js; without Node or `make assets`, a notice says bpmnlint "
              "was not run). Prints one line per problem as file:line: message [element id]; "
              "exits 1 if there is any error (warnings, e.g. long gateway loops or bpmnlint's "
              "findings, are printed but pass unless --strict; notices never fail). "
              "--format json prints the report as JSON instead, one line per file.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.option("--strict", is_flag=True, help="exit 1 on warnings too")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text lines, or the report as JSON (one line per file: "
              "ok, errors, warnings, problems)")
def validate(files: tuple[Path, ...], lang: str, strict: bool, output: str) -> None:
    settings = Settings.from_env()
    failed = False
    for path in files:
        try:
            checked = _check_one(path, settings)
        except OSError as exc:
            unreadable = _unreadable(path, exc)
            failed = True
            if output == "json":
                click.echo(json.dumps(report_of([unreadable], ok=False), ensure_ascii=False))
            else:
                click.echo(unreadable.format("both"), err=True)
            continue
        failed |= any(p.severity == "error" or (strict and p.severity == "warning")
                      for p in checked.problems)
        if output == "json":
            click.echo(json.dumps(report_json(checked), ensure_ascii=False))
            continue
        for problem in checked.problems:
            prefix = "" if problem.severity == "error" else f"{problem.severity}: "
            click.echo(prefix + problem.format(lang))
        if checked.ok:
            click.echo(f"{path.name}: ผ่าน / ok", err=True)
    sys.exit(1 if failed else 0)


def _check_one(path: Path, settings: Settings) -> CheckedFile:
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "file not found", str(path))
    # Forms and processes.toml live beside the BPMN file when it has them.
    beside = (path.parent / "processes.toml").is_file()
    folder = path.parent if beside else settings.processes_dir
    return check_file(path, folder, with_bpmnlint=True)


def _unreadable(path: Path, exc: OSError) -> Problem:
    if isinstance(exc, FileNotFoundError):
        return Problem(str(path), None, None, "file not found", "ไม่พบไฟล์")
    return Problem(str(path), None, None, f"cannot read: {exc.strerror}",
                   f"อ่านไฟล์ไม่ได้: {exc.strerror}")


@click.command(help="List the deployed versions of a process, with running/finished cases.")
@click.argument("key")
def versions(key: str) -> None:
    from engine.services.admin import versions as service

    rows = service.list_versions(load_runtime(), key)
    for row in rows:
        mark = "*" if row["is_current"] else " "
        click.echo(f"{mark} {row['version']:>3}  {row['version_hash'][:12]}  "
                   f"{row['deployed_at']}  {row['deployed_by']:<12} running {row['running']:>4}"
                   f"  finished {row['finished']:>4}")


@click.command(help="Show what changed between two versions of a process, and which running "
              "cases sit on a changed or removed task.")
@click.argument("key")
@click.argument("from_version", type=int)
@click.argument("to_version", type=int)
def diff(key: str, from_version: int, to_version: int) -> None:
    from engine.services.admin import versions as service

    result = service.diff_versions(load_runtime(), key, from_version, to_version)
    for element in result["added"]:
        click.echo(f"+ {element}")
    for element in result["removed"]:
        click.echo(f"- {element}")
    for element, attributes in result["changed"].items():
        click.echo(f"~ {element}: {', '.join(attributes)}")
    for case in result["instances_on_changed"]:
        click.echo(f"  case {case['instance_id']} waits at {case['task']}")


@click.command(help="Move running cases to a newer version (default: the current one). "
              "Unsafe moves are refused with the reason; each move is audited.")
@click.argument("key")
@click.option("--from", "from_version", type=int, help="move every running case on this version")
@click.option("--instance", "instance_id", type=int, help="move only this case")
@click.option("--to", "to_version", type=int, default=None, help="target version")
def migrate(key: str, from_version: int | None, instance_id: int | None,
            to_version: int | None) -> None:
    from engine.services.admin import versions as service

    if (from_version is None) == (instance_id is None):
        raise click.UsageError("give exactly one of --from VERSION or --instance ID")
    runtime = load_runtime()
    if instance_id is not None:
        moved = [service.migrate_instance(runtime, None, instance_id, to_version)]
        refused: list[dict[str, Any]] = []
    elif from_version is not None:  # always, when no --instance: checked above
        outcome = service.migrate_version(runtime, None, key, from_version, to_version)
        moved, refused = outcome["migrated"], outcome["refused"]
    for case in moved:
        click.echo(f"moved case {case['instance_id']}: {case['from']} → {case['to']}")
    for case in refused:
        click.echo(f"refused case {case['instance_id']}: {case['reason']}", err=True)
    sys.exit(1 if refused else 0)


@click.command(help="Draw a BPMN file's diagram (its BPMNDI) as SVG.")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write here instead of standard output")
@click.option("--diagram", "diagram_index", type=int, default=0, show_default=True,
              help="which diagram, when the file holds several")
def render(file: Path, output: Path | None, diagram_index: int) -> None:
    from engine.bpmn.diagram.render import render_file
    from engine.core.errors import DiagramError

    # A file that cannot be read (BpmnLoadError) lists its problems through the group;
    # one that cannot be drawn is named, as its message does not say which file.
    try:
        svg = render_file(file, diagram_index=diagram_index)
    except DiagramError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from exc
    if output is None:
        click.echo(svg)
    else:
        output.write_text(svg, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


