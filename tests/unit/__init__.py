"""Pure and fast: no database, server, browser or subprocess (`make test-fast`)."""
