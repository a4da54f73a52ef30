"""Text edits as difflib-style opcodes, shared by the coding anchoring and pseudonymisation."""

from __future__ import annotations

Opcode = tuple[str, int, int, int, int]  # (tag, i1, i2, j1, j2) as difflib's SequenceMatcher gives them
SUBSTITUTE = "substitute"  # a replacement that keeps the meaning of what it replaces (a renamed name)
