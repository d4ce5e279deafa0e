"""A scheduler process for the exactly-once test:
``python -m tests.integration.scheduler_worker DIR URL N``.

Runs N passes and prints how many timers it fired.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.core.config import Settings
from engine.jobs.scheduler import tick
from engine.workflow.runtime import Runtime


def main() -> None:
    instance_dir, url, passes = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    runtime = Runtime(Settings(instance_dir=instance_dir, database_url=url))
    print(sum(tick(runtime).fired for _ in range(passes)))


if __name__ == "__main__":
    main()
