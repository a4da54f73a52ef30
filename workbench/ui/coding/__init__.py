"""Thematic coding in the window: the coding view, code tree editing, retrieval, pseudonymisation, exports."""
