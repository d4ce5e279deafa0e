"""Restricted evaluation of BPMN expressions and scripts.

SpiffWorkflow evaluates gateway conditions, timer expressions and scripts with
plain ``eval``/``exec``, and BPMN files are edited by people through the web
UI. Restricting builtins is not a sandbox (``().__class__.__base__...`` still
reaches ``subprocess.Popen``), so expressions here are parsed with ``ast`` and
compiled into closures over a small whitelist instead: no attribute access at
all, no names starting with ``_``, calls only to registered helpers by plain
name, and bounded result sizes. Python's ``eval`` is never called.
"""
