"""Thai domain rules with no dependencies: Buddhist-Era dates (พ.ศ.), the
working-day calendar (วันทำการ) and Thai line breaking.
"""
