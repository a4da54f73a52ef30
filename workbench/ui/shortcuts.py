"""Keyboard shortcuts as this platform writes them, so menus and tooltips name the same keys."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def key_text(key: QKeySequence.StandardKey) -> str:
    """The platform's first binding for ``key`` (the one its menus show), e.g. "Ctrl+Y" for Redo on
    Windows and Linux desktops, "Ctrl+Shift+Z" on macOS."""
    bindings = QKeySequence.keyBindings(key)
    return bindings[0].toString(QKeySequence.SequenceFormat.NativeText) if bindings else ""


def with_key(text: str, key: QKeySequence.StandardKey) -> str:
    """``text`` followed by its shortcut in brackets: "Redo (Ctrl+Y)"."""
    keys = key_text(key)
    return f"{text} ({keys})" if keys else text
