"""Anti-corruption complaints (เรื่องร้องเรียนการทุจริต): the citizen's website channel,
letters, the privacy log and the six-monthly reports.
"""
