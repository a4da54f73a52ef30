"""Bounded team load on the test server: coders each with their own login, coding one transcript at
once (apply, recode, remove) in independent mode; counts only (speed is bench/team.py's)."""

from __future__ import annotations

import pytest

from bench import team as load
from tests.conftest import PG_ADMIN_URL


@pytest.mark.postgres
def test_four_coders_at_once_lose_and_duplicate_nothing(pg_url):  # pg_url: the server is there (or skip)
    result = load.postgres_load(PG_ADMIN_URL, coders=4, actions=50)
    assert result.errors == []  # no deadlock or serialization failure reached a coder
    assert len(result.latencies_s) == 4 * 50
    assert result.expected == 4 * (40 - 5)  # per coder: 40 applied, 5 recoded, 5 removed
    assert result.lost == 0 and result.duplicated == 0


def test_one_coder_on_sqlite_loses_nothing(tmp_path):
    result = load.sqlite_load(tmp_path, actions=50)
    assert result.errors == [] and result.expected == 35
    assert result.lost == 0 and result.duplicated == 0
