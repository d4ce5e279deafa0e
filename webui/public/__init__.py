"""Pages for anyone, no sign-in: the front page (blueprint ``pages``), the citizens'
complaint pages (``public_pages``) and the public information pages (``public_info``)."""
