"""Administration: staff accounts, tokens, holidays, process versions and settings.
"""
