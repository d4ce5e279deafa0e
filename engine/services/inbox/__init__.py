"""Staff commands and queries: the inbox, claiming and completing tasks, starting
and reading cases, attachments, comments and notifications.
"""
