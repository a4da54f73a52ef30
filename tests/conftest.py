"""Shared fixtures: a private config folder, the test media, and SQLite/PostgreSQL databases.

PostgreSQL tests use ``WORKBENCH_TEST_PG_URL`` (an admin URL; each test gets a fresh database).
Without a reachable server they skip on a laptop; with ``WORKBENCH_REQUIRE_PG=1`` (CI) they fail.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.qt_garbage import collect_checked
from workbench.ui.collector import stop_automatic_collection

# As in the application (workbench.ui.collector): no automatic cycle collection on whatever thread
# allocates; cycles are collected on the main (GUI) thread between tests (see pytest_runtest_teardown).
stop_automatic_collection()

ROOT = Path(__file__).resolve().parents[1]
SHARED_MEDIA = ROOT.parent / "shared" / "media"
OUTPUT = ROOT / "test-output"
PG_ADMIN_URL = os.environ.get(
    "WORKBENCH_TEST_PG_URL", "postgresql://workbench:workbench@localhost:5432/postgres"
)


@pytest.fixture(autouse=True)
def private_config(tmp_path_factory, monkeypatch):
    """Keep the recent-projects list and settings out of the developer's home."""
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="session")
def shared_media() -> Path:
    if not SHARED_MEDIA.is_dir():
        pytest.fail(f"test media missing: {SHARED_MEDIA}")
    return SHARED_MEDIA


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


def _unavailable(reason: str):
    if os.environ.get("WORKBENCH_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required here (WORKBENCH_REQUIRE_PG=1) but {reason}")
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        _unavailable(str(exc).strip().splitlines()[0])
    base = admin.rsplit("/", 1)[0]
    yield f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The same store test on embedded SQLite and on a PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'project.sqlite'}"
    return request.getfixturevalue("pg_url")


_postgres_passed = 0


def pytest_runtest_logreport(report):
    global _postgres_passed
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed += 1


def pytest_sessionfinish(session, exitstatus):
    """In CI the PostgreSQL tests must have run for real, not been skipped or deselected."""
    if os.environ.get("WORKBENCH_REQUIRE_PG") == "1" and session.testscollected and _postgres_passed == 0:
        print("\nWORKBENCH_REQUIRE_PG=1 but no PostgreSQL test passed")
        session.exitstatus = 1


_OTHER_TESTS_PER_COLLECTION = 25  # window tests collect after each test (tests/ui/conftest.py)
_finished_tests = 0


def pytest_runtest_teardown(item, nextitem):
    """Every so many tests outside tests/ui, collect cycles on this (the main) thread."""
    global _finished_tests
    _finished_tests += 1
    if "tests/ui/" not in item.nodeid and _finished_tests % _OTHER_TESTS_PER_COLLECTION == 0:
        collect_checked()
