"""Process owners' pages: processes, versions and uploads (blueprint ``owner``,
processes.py), and the working-day calendar (``holidays``)."""
