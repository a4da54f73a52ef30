"""One hostile team project per test module, on the test PostgreSQL server: a lead, coders Ann and
Bob, raters A and B, each a real login with a password (scram over host=localhost), codings and
memos by both coders in independent mode, events by both raters, and a pseudonym key.

Attacks connect with raw psycopg as those logins (:meth:`Hostile.raw`); :meth:`Hostile.state`
is a digest of every table, to show that a refused attack changed nothing.
"""

from __future__ import annotations

import dataclasses
import sys
import uuid
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))  # the shared fixtures

from coding_fixtures import build, span  # noqa: E402
from team_fixtures import TeamServer  # noqa: E402
from video_fixtures import SCHEME_FILE, SCHEME_NAME, fake_media  # noqa: E402

from tests.conftest import PG_ADMIN_URL, _unavailable  # noqa: E402
from workbench.coding import observation as ob  # noqa: E402
from workbench.coding.scheme import load_scheme  # noqa: E402
from workbench.services.project import Project  # noqa: E402
from workbench.store import (  # noqa: E402
    assignments,
    coding_ops,
    participants,
    pseudonym_keys,
    schemes,
    team,
    visibility,  # noqa: E402
)
from workbench.store import observations as obs  # noqa: E402
from workbench.store.retrieval import open_transcript  # noqa: E402
from workbench.store.visibility import Viewer  # noqa: E402

KEY = [("Daniel", "[Partner]", "Person", True), ("Moorfield", "[Service 1]", "Service", True)]


@dataclasses.dataclass
class Hostile:
    server: TeamServer
    ids: dict[str, int]  # who -> coder id: lead, ann, bob, a, b
    logins: dict[str, str]  # who -> login
    urls: dict[str, str]
    transcripts: dict[str, int]
    codes: dict[str, int]
    codings: dict[str, list[int]]  # coder -> their coding ids
    media: list[int]

    def raw(self, who: str, **kwargs) -> psycopg.Connection:
        """A plain psycopg session as ``who`` with password authentication over TCP (autocommit)."""
        url = make_url(self.server.admin_url)
        return psycopg.connect(
            host=url.host or "localhost",
            port=url.port or 5432,
            dbname=url.database,
            user=self.logins[who],
            password="team-test-pw",
            autocommit=kwargs.pop("autocommit", True),
            **kwargs,
        )

    def admin(self) -> psycopg.Connection:
        return self.server.raw_admin()

    def state(self) -> dict[str, str]:
        """table -> md5 of its rows (every table of the schema, the audit log included)."""
        with self.admin() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
                )
            ]
            return {
                t: conn.execute(
                    f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"
                ).fetchone()[0]
                for t in tables
            }

    def audit_count(self) -> int:
        with self.admin() as conn:
            return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    name = f"wb_sec_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        _unavailable(str(exc).strip().splitlines()[0])
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    server = TeamServer(f"{base}/{name}")
    try:
        team.init_team(server.admin)
        yield _study(server, tmp_path_factory.mktemp("hostile"))
    finally:
        server.drop()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _study(server: TeamServer, media_root: Path) -> Hostile:
    s = build(server.admin_url)
    db = s.db
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    media = []
    for i, (p, tp) in enumerate((("P001", "baseline"), ("P002", "12 months"))):
        item = fake_media(f"{p}-play.mp4", i + 1)
        item = dataclasses.replace(item, path=f"media/{item.sha256[:16]}.mp4")
        media += participants.add_media(db, p, [item], timepoint=tp, task="free play").created["media"]
    urls = {
        "lead": server.attach(s.lead, "lead"),
        "ann": server.attach(s.ann, "coder"),
        "bob": server.attach(s.bob, "coder"),
    }
    ids = {"lead": s.lead, "ann": s.ann, "bob": s.bob}
    ids["a"], urls["a"] = server.add("Rater A", "rater")
    ids["b"], urls["b"] = server.add("Rater B", "rater")
    assignments.assign_media(db, s.lead, ids["a"], [media[0]])
    assignments.assign_media(db, s.lead, ids["b"], [media[1]])
    pseudonym_keys.save_key(db, s.lead, KEY)
    for who in ("a", "b"):
        with closing(Project.connect(urls[who], media_root=media_root)) as project:
            for item in assignments.rater_queue(project.db, project.coder.id):
                o = assignments.rater_open(project.db, project.coder.id, item.masked_id, SCHEME_NAME)
                obs.add_event(
                    project.db,
                    o.observation_id,
                    ob.Event("maternal_smile", "mother", "point", 1000),
                    acting_coder=project.coder.id,
                )
    codings: dict[str, list[int]] = {}
    for who in ("ann", "bob"):
        with closing(Project.connect(urls[who], media_root=media_root)) as project:
            coder = ids[who]
            for p, code, phrase in (("P001", "Anxiety", "anxious"), ("P002", "Calm", "calmer")):
                text = open_transcript(project.db, Viewer(coder), s.transcripts[p]).text.text
                change = coding_ops.apply_code(
                    project.db, s.transcripts[p], s.codes[code], coder, *span(text, phrase)
                )
                codings.setdefault(who, []).extend(change.created["text_codings"])
            if who == "bob":  # a code only Bob used: hidden from Ann while coding independently
                text = open_transcript(project.db, Viewer(coder), s.transcripts["P003"]).text.text
                change = coding_ops.apply_code(
                    project.db,
                    s.transcripts["P003"],
                    s.codes["Practical barriers"],
                    coder,
                    *span(text, "hard"),
                )
                codings[who].extend(change.created["text_codings"])
            coding_ops.add_memo(project.db, coder, "coding", codings[who][0], f"{who}'s private thought")
    visibility.set_independent_mode(db, s.lead, True)
    logins = {who: url.split("://", 1)[1].split(":", 1)[0] for who, url in urls.items()}
    db.dispose()
    return Hostile(server, ids, logins, urls, s.transcripts, s.codes, codings, media)
