"""Speech-to-text engines behind one small interface (see :mod:`.base`)."""

from .base import Engine, MutedEngine, get_engine, muted

__all__ = ["Engine", "MutedEngine", "get_engine", "muted"]
