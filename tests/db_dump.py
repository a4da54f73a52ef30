"""A dump of every table of a project database, to show that an action changed nothing."""

from __future__ import annotations

from sqlalchemy import inspect, text

from workbench.store.engine import Database


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every table's rows: on SQLite every table in the file (``sqlite_sequence`` too, when there is
    one) in id order; on PostgreSQL every table of the public schema, rows sorted. PostgreSQL
    sequences are left out: they may advance in a transaction that rolls back, which is not data."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        else:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        tables = [row[0] for row in conn.execute(text(query))]
        columns = {t: [c["name"] for c in inspect(conn).get_columns(t)] for t in tables}
        out = {}
        for table in tables:
            order = ' ORDER BY "id"' if "id" in columns[table] else ""
            rows = [
                tuple(repr(v) for v in row) for row in conn.execute(text(f'SELECT * FROM "{table}"{order}'))
            ]
            out[table] = rows if order else sorted(rows)
    return out
