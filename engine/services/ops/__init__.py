"""Operations: health, integrity checks, backup and the outbox.
"""
