"""Pages for signed-in staff: the inbox (blueprint ``inbox``), cases and tasks
(``cases``), escalations, reports, publications and the publishing evidence
(``publications``, ``publishing_docs``), one's own account (``account``) and the
Director's log of personal-data reads (``privacy``)."""
