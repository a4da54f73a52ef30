"""Language processing with spaCy; the only package that imports it.

`pipeline` loads the English pipeline once (offline); `pseudonymise` suggests names, places and
dates to replace and applies a project-wide pseudonym key.
"""
