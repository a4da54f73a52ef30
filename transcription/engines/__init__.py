"""Speech-to-text engines behind one small interface (see :mod:`.base`)."""

from .base import Engine, get_engine

__all__ = ["Engine", "get_engine"]
