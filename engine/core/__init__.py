"""The kernel every other layer stands on: the database and its models, settings,
clock, errors, audit log, actors and roles, passwords, keys and personal-data encryption.
"""
