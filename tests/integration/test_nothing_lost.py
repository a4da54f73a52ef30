"""Nothing lost: a coder process killed with SIGKILL mid-coding loses no committed event."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from video_fixtures import SCHEME_NAME, make_team

from workbench.services.project import PROJECT_FILE, Project
from workbench.store import observations as obs

CODER = """
import sys
from workbench.coding import observation as ob
from workbench.store import observations as obs
from workbench.store.engine import Database
db = Database(sys.argv[1])
oid = int(sys.argv[2])
for i in range(100000):
    obs.add_event(db, oid, ob.Event("maternal_smile", "mother", "point", i * 40, i * 40))
    print(i * 40, flush=True)  # reported only after the commit returned
"""


def test_sigkill_mid_coding_keeps_every_committed_event(tmp_path):
    url = f"sqlite+pysqlite:///{tmp_path / PROJECT_FILE}"
    team = make_team(url)
    oid = obs.ensure_observation(team.db, team.media[0], team.rater_a, SCHEME_NAME)
    team.db.dispose()
    for sub in ("media", "exports", "backups"):
        (tmp_path / sub).mkdir()

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(
        [sys.executable, "-c", CODER, url, str(oid)], stdout=subprocess.PIPE, text=True, env=env
    )
    committed = []
    deadline = time.monotonic() + 120
    while len(committed) < 150 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        committed.append(int(line))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    committed += [int(line) for line in child.stdout.read().split()]  # reported before the kill
    assert child.returncode == -signal.SIGKILL
    assert len(committed) >= 150, "the coder process stopped early"

    with sqlite3.connect(tmp_path / PROJECT_FILE) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    project = Project.open(tmp_path)
    times = {e.time_ms for e in obs.observation_data(project.db, oid).events}
    project.close()
    assert set(committed) <= times
    assert len(times) - len(committed) <= 1  # at most the event being made when it died
