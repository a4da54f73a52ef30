"""A team project on the test PostgreSQL server, with a real login per person.

Logins are cluster-wide: each test's logins share a unique prefix and are dropped afterwards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import psycopg
import pytest

from workbench.store import team
from workbench.store.engine import Database

PASSWORD = "team-test-pw"


@dataclass
class TeamServer:
    admin_url: str  # postgresql+psycopg://admin:pw@host:port/db (the project's owner)
    prefix: str = field(default_factory=lambda: f"wbt_{uuid.uuid4().hex[:8]}")
    logins: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.admin = Database(self.admin_url)

    def login_url(self, login: str, password: str = PASSWORD) -> str:
        rest = self.admin_url.split("@", 1)[1]
        return f"postgresql+psycopg://{login}:{password}@{rest}"

    def raw(self, login: str) -> psycopg.Connection:
        """A plain psycopg session as ``login`` (autocommit): the raw SQL a person could type."""
        return psycopg.connect(
            self.login_url(login).replace("postgresql+psycopg://", "postgresql://"), autocommit=True
        )

    def add(self, name: str, role: str) -> tuple[int, str]:
        """A new person through the store (``workbench team add-person``): (coder id, their URL)."""
        login = f"{self.prefix}_{len(self.logins)}"
        self.logins.append(login)
        change = team.add_person(self.admin, name, role, login, password=PASSWORD)
        return change.created_id("coders"), self.login_url(login)

    def attach(self, coder_id: int, role: str) -> str:
        """Give an existing coder row (made by a fixture) a login; their URL."""
        login = f"{self.prefix}_{len(self.logins)}"
        self.logins.append(login)
        with self.raw_admin() as conn:
            conn.execute(
                f"CREATE ROLE {login} LOGIN PASSWORD '{team.scram_verifier(PASSWORD)}' IN ROLE wb_{role}"
            )
            conn.execute("UPDATE coders SET login = %s WHERE id = %s", (login, coder_id))
        return self.login_url(login)

    def raw_admin(self) -> psycopg.Connection:
        return psycopg.connect(
            self.admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
        )

    def drop(self) -> None:
        self.admin.dispose()
        with self.raw_admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename LIKE %s",
                (f"{self.prefix}%",),
            )
            for login in self.logins:
                conn.execute(f"DROP ROLE IF EXISTS {login}")


@pytest.fixture
def team_server(pg_url):
    server = TeamServer(pg_url)
    team.init_team(server.admin)
    yield server
    server.drop()
