"""Finding cases (ค้นหาเรื่อง): by number, tracking code, process, status, dates, words of
the subject and, for the legal roles and the Director, names of the people in a
complaint; and a staff member's own requests (เรื่องที่ฉันยื่น).

``filters.py`` reads what a person or a client asked for; ``cases.py`` answers it, scoped
exactly as a case page is (engine/workflow/access.py).
"""
