"""The engine's service API: the only way the web layer, the CLI and the scheduler change state.

Each public function is one command or one query and runs in one transaction.
"""
