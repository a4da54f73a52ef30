"""A small store for video-coding tests: the play-task scheme, two participants, a lead, two raters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.coding.scheme import load_scheme
from workbench.model.records import NewMedia
from workbench.store import migrate, participants, people, schemes
from workbench.store.engine import Database

SCHEME_FILE = Path(__file__).resolve().parents[2] / "codebooks" / "play_task_scheme.yaml"
SCHEME_NAME = "COS-P play and parenting tasks"


@dataclass
class Team:
    db: Database
    lead: int
    rater_a: int
    rater_b: int
    media: list[int]


def fake_media(name: str, n: int) -> NewMedia:
    return NewMedia(
        path=f"media/{name}",
        original_name=name,
        sha256=f"{n:064x}",
        size_bytes=1000 + n,
        duration_ms=300_000,
        kind="video",
        container="mp4",
        frame_rate=25.0,
        frame_count=7500,
        width=640,
        height=480,
    )


def make_team(url: str, videos: int = 2) -> Team:
    db = Database(url)
    migrate.upgrade(db)
    ids = {}
    for name, role in (("Lead", "lead"), ("Rater A", "rater"), ("Rater B", "rater")):
        ids[name] = people.add_coder(db, name, role).created_id("coders")
    schemes.add_scheme(db, load_scheme(SCHEME_FILE))
    media = []
    for i in range(videos):
        pseudonym = f"P{i + 1:03d}"
        participants.add_participant(
            db, pseudonym, site="Leeds", attributes={"trial arm": "COS-P"}, masked=frozenset({"trial arm"})
        )
        change = participants.add_media(
            db,
            pseudonym,
            [fake_media(f"play{i + 1}.mp4", i + 1)],
            timepoint="baseline" if i % 2 == 0 else "12 months",
            task="free play",
        )
        media += change.created["media"]
    return Team(db, ids["Lead"], ids["Rater A"], ids["Rater B"], media)
