"""``govflow``: the command line for administrators and process owners.

Every command goes through the engine's services, the same ones the web layer calls.
The commands live by subject (setup, processes, users, holidays, reports, backup); the
group below prints any govflow error as a clean message (webui/cli/common.py).
"""

from __future__ import annotations

import click

from webui.cli import backup, holidays, processes, reports, setup, users
from webui.cli.common import GovflowGroup


@click.group(cls=GovflowGroup,
             help="govflow: BPMN workflows of a Thai educational service area office (สพป.).")
def main() -> None:
    pass


for command in (
    setup.init, setup.demo, setup.keygen, setup.serve, setup.scheduler, setup.tick,
    processes.deploy, processes.validate, processes.versions, processes.diff,
    processes.migrate, processes.render,
    users.user, holidays.holidays, reports.report,
    backup.backup, backup.restore, backup.check, backup.reindex_names,
):
    main.add_command(command)
