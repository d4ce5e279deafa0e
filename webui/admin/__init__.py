"""Administrators' pages: users, units and acting appointments (blueprint ``admin``,
users.py), the e-mail outbox (``outbox``) and the health page (``health``)."""
