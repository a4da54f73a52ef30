"""Noticing other people's changes without restarting (Qt-free; the UI polls or wraps ``fileno``).

On PostgreSQL, triggers (migration 0003) send ``NOTIFY workbench_changes, '<table> <login>'`` when
codings, memos, codes, transcripts, observations, events, epochs or ratings change; a
:class:`ChangeWatcher` LISTENs on its own connection and, unless ``own`` is set, leaves out changes
made by its own login. On SQLite it watches ``PRAGMA data_version``, which moves when
another connection commits. ``poll()`` never blocks and returns the tables that changed (``{"*"}``
when the database cannot say which).
"""

from __future__ import annotations

import psycopg

from workbench.store.engine import Database

CHANNEL = "workbench_changes"
ANY = "*"


class ChangeWatcher:
    def __init__(self, db: Database, own: bool = False):
        self._sqlite, self._own = db.is_sqlite, own
        if self._sqlite:  # a raw SQLite connection, else a psycopg one of its own
            self._raw = db.engine.raw_connection()
            self._version = self._data_version()
        else:
            url = db.engine.url.set(drivername="postgresql")
            self._pg = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
            self._pg.execute(f"LISTEN {CHANNEL}")
            row = self._pg.execute("SELECT current_user").fetchone()
            assert row is not None  # current_user always answers one row
            self._login = row[0]

    def fileno(self) -> int | None:
        """A socket that becomes readable when a notification arrives (PostgreSQL), else None."""
        return None if self._sqlite else self._pg.fileno()

    def _data_version(self) -> int:
        cursor = self._raw.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            row = cursor.fetchone()
            assert row is not None  # the pragma always answers one row
            return row[0]
        finally:
            cursor.close()

    def poll(self) -> set[str]:
        """The tables changed since the last poll (empty when nothing changed)."""
        if self._sqlite:
            version = self._data_version()
            changed, self._version = version != self._version, version
            return {ANY} if changed else set()
        found = set()
        for note in self._pg.notifies(timeout=0):
            table, _, login = note.payload.partition(" ")
            if self._own or login != self._login:
                found.add(table or ANY)
        return found

    def close(self) -> None:
        if self._sqlite:
            self._raw.close()
        else:
            self._pg.close()
