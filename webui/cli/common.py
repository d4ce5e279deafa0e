"""What every ``govflow`` command shares: the runtime, the logs, and one place where any
govflow error becomes a clean message and exit code instead of a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from engine.bpmn.definitions import DeployReport
from engine.bpmn.problems import LANGUAGES
from engine.core.config import Settings
from engine.core.errors import GovflowError, InvalidData

if TYPE_CHECKING:  # the engine's runtime loads SpiffWorkflow: not for `govflow --help`
    from engine.workflow.runtime import Runtime


class GovflowGroup(click.Group):
    """The ``govflow`` group: an error the engine raises on purpose, anywhere under it, is
    printed as its message (an invalid field each on its own line) with its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GovflowError as exc:
            # Shown as click shows its own errors ("Error: …" on stderr), with the
            # error's exit code rather than click's.
            click.ClickException(with_fields(exc)).show()
            ctx.exit(exc.exit_code)


def with_fields(exc: GovflowError) -> str:
    fields = exc.fields if isinstance(exc, InvalidData) else {}
    return exc.message + "".join(f"\n  {k}: {v}" for k, v in fields.items())


#: ``--lang`` of the commands that print problems of process files.
lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), default="both", show_default=True,
    help="language of the problems printed: Thai with English beside it, Thai, or English")


def load_runtime(*, office: bool = False) -> Runtime:
    """The runtime; ``office``: also check the office file now (commands that serve pages,
    fire timers or print documents), so a broken one is a clear start-up error."""
    from engine.workflow.runtime import Runtime

    current = Runtime(Settings.from_env())
    if office:
        current.office  # noqa: B018 — read now, not at the first letter
    return current


def configure_logs() -> None:
    """JSON log lines on stderr for the long-running commands (GOVFLOW_LOG_LEVEL/FORMAT)."""
    from engine.core import logs

    logs.configure()


def print_report(report: DeployReport, lang: str) -> None:
    for key, version in report.deployed:
        click.echo(f"ติดตั้ง / deployed: {key} ฉบับที่ / version {version}")
    for key, version in report.unchanged:
        click.echo(f"ไม่เปลี่ยนแปลง / unchanged: {key} ฉบับที่ / version {version}")
    for problem in report.problems:
        click.echo(problem.format(lang), err=True)
