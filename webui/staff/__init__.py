"""Pages for signed-in staff: the inbox (blueprint ``inbox``), cases and tasks
(``cases``), escalations, reports, publishing requests (publishing_requests.py, blueprint
``publications``) and their evidence (publishing_evidence.py, blueprint
``publishing_docs``), one's own account (``account``) and the Director's log of
personal-data reads (``privacy``)."""
