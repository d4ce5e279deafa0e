"""The engine with its databases (SQLite and PostgreSQL), the scheduler, mail and the CLI."""
