"""Database engines: embedded SQLite (WAL, foreign keys, busy timeout) or PostgreSQL by URL."""

from __future__ import annotations

import functools
import getpass
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workbench.model.errors import WorkbenchError

BUSY_TIMEOUT_MS = 10_000
RETRY_ATTEMPTS = 6
RETRY_SQLSTATES = ("40001", "40P01")  # serialization failure, deadlock detected
T = TypeVar("T")


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{Path(path).resolve().as_posix()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file or a PostgreSQL URL; a bad URL is a WorkbenchError."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WorkbenchError(f"Not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise WorkbenchError(f"Unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")


def check_connection(engine: Engine) -> None:
    """Connect once so a wrong URL or an unreachable server fails here with one clear line."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        safe = engine.url.render_as_string(hide_password=True)
        raise WorkbenchError(f"Cannot open database {safe}: {first}") from exc


class Database:
    """An engine plus a session factory. One user action is one unit of work:

    ``with db.transaction() as session`` opens a transaction, or, when this thread already has one
    open on this database, joins it. Only the outermost block commits, so a service that calls
    several store commands inside its own ``transaction()`` commits them together or not at all. An
    error escaping a joined write block dooms the whole unit (it rolls back even if the caller
    swallows the error), so half an action can never be committed. ``reading()`` joins the open unit
    too (it sees that unit's uncommitted rows) and otherwise reads in a session of its own.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        # who writes the audit log on SQLite (on PostgreSQL a trigger sets the database login)
        login = getpass.getuser() if self.is_sqlite else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"login": login})
        self._local = threading.local()  # .unit: the open unit of work of this thread, if any

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def in_transaction(self) -> bool:
        """True while this thread has a unit of work open on this database."""
        return getattr(self._local, "unit", None) is not None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The thread's open unit of work, or a new one committed on success and rolled back on error."""
        unit = getattr(self._local, "unit", None)
        if unit is not None:
            try:
                yield unit
            except BaseException:
                unit.info["doomed"] = True
                raise
            return
        with self._sessions() as session, session.begin():
            self._local.unit = session
            _open_units.count = getattr(_open_units, "count", 0) + 1
            try:
                yield session
                if session.info.pop("doomed", False):
                    raise WorkbenchError("Part of this action failed, so none of it was saved.")
            finally:
                session.info.pop("doomed", None)
                self._local.unit = None
                _open_units.count -= 1

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads: the open unit of work of this thread, or a short one of its own."""
        unit = getattr(self._local, "unit", None)
        if unit is not None:
            yield unit
            return
        with self._sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


# --- retrying a whole unit of work ----------------------------------------------------------------

_depth = threading.local()
_open_units = threading.local()  # .count: units of work open on this thread (any database)


REFUSED_SQLSTATE = "42501"  # insufficient_privilege: a grant, a policy or a guard trigger said no


@contextmanager
def server_refusals(action: str) -> Iterator[None]:
    """Turn the server's refusal of this login into one clear line (never a SQL dump)."""
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != REFUSED_SQLSTATE:
            raise
        first = (str(exc.orig).strip().splitlines() or ["permission denied"])[0]
        raise WorkbenchError(f"{action}: the database refused it for your login ({first}).") from exc


def is_conflict(exc: BaseException) -> bool:
    """A deadlock or serialization failure (PostgreSQL), or a locked SQLite file: safe to run again."""
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def retrying(fn: Callable[..., T]) -> Callable[..., T]:
    """Run a unit of work (a store command or a service opening one ``db.transaction()``) again when
    the database reports a deadlock or a serialization failure: the transaction was rolled back, so
    repeating it is safe. Bounded. Only the outermost call retries: a command run inside another
    retried command, or inside an open unit of work, lets the conflict reach the outer level, which
    repeats the whole action."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if getattr(_depth, "value", 0) or getattr(_open_units, "count", 0):
            return fn(*args, **kwargs)
        _depth.value = 1
        try:
            for attempt in range(RETRY_ATTEMPTS):
                try:
                    return fn(*args, **kwargs)
                except DBAPIError as exc:
                    if not is_conflict(exc):
                        raise
                    if attempt == RETRY_ATTEMPTS - 1:
                        raise WorkbenchError(
                            "The database stayed busy with other people's changes; "
                            "nothing was saved, please try again."
                        ) from exc
                    time.sleep(random.uniform(0.005, 0.02) * 2**attempt)
        finally:
            _depth.value = 0
        raise AssertionError("unreachable")

    return wrapper
