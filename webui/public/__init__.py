"""Pages for anyone, no sign-in. Each module keeps the blueprint name its endpoints have
always had: front_page.py (blueprint ``pages``), complaints.py (``public_pages``: file a
complaint, track it) and information.py (``public_info``: the published information)."""
