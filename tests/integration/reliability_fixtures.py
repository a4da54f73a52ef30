"""A project with two coders' text codings and two raters' events and ratings, for reliability tests."""

from __future__ import annotations

from dataclasses import dataclass

from tests.integration.coding_fixtures import Study, build
from tests.integration.video_fixtures import SCHEME_NAME
from workbench.coding import observation as ob
from workbench.store import coding_ops, observations, people, ratings
from workbench.store.engine import Database

# (code, phrase) per participant, for Ann and for Bob: they agree on some, disagree on others
ANN = {
    "P001": [("Anxiety", "I felt really anxious"), ("Group experience", "the other mums were kind")],
    "P002": [("Anxiety", "I am less anxious"), ("Calm", "I feel calmer now")],
    "P003": [("Practical barriers", "the bus was always late")],
}
BOB = {
    "P001": [("Anxiety", "I felt really anxious at first"), ("Group experience", "the other mums were kind")],
    "P002": [("Calm", "I feel calmer now")],
    "P003": [("Practical barriers", "the bus was always late")],
}


@dataclass
class Project:
    db: Database
    lead: int
    study: Study
    media: list[int]


def doc_text(db: Database, transcript_id: int) -> str:
    with db.reading() as session:
        return coding_ops.document(session, transcript_id).text


def _code(study: Study, who: int, plan: dict) -> None:
    for p, items in plan.items():
        text = doc_text(study.db, study.transcripts[p])
        for code, phrase in items:
            start = text.index(phrase)
            coding_ops.apply_code(
                study.db, study.transcripts[p], study.codes[code], who, start, start + len(phrase)
            )


def build_project(url: str) -> Project:
    """Text codings by Ann and Bob; two videos rated by Rater A and Rater B (events and ratings)."""
    study = build(url)
    _code(study, study.ann, ANN)
    _code(study, study.bob, BOB)
    db = study.db
    # the video part: scheme, raters and media on the same database
    team = make_team_on(db)
    for media_id, shift in zip(team.media, (0, 400)):
        for rater, events, values in (
            (
                team.rater_a,
                [
                    ("maternal_smile", "point", 10_000),
                    ("object_offer", "point", 20_000),
                    ("maternal_touch", "start", 30_000),
                    ("maternal_touch", "stop", 40_000),
                ],
                (3, 2),
            ),
            (
                team.rater_b,
                [
                    ("maternal_smile", "point", 10_000 + shift),
                    ("maternal_touch", "start", 31_000),
                    ("maternal_touch", "stop", 40_000),
                    ("infant_smile", "point", 50_000),
                ],
                (3, 1),
            ),
        ):
            obs_id = observations.ensure_observation(db, media_id, rater, SCHEME_NAME)
            observations.add_events(db, obs_id, [ob.Event(b, None, kind, t) for b, kind, t in events])
            epoch = ratings.add_epoch(db, obs_id, "free_play", 0, 120_000).created_id("epochs")
            ratings.rate(db, epoch, "maternal_sensitivity", values[0])
            ratings.rate(db, epoch, "maternal_intrusiveness", values[1])
    return Project(db, study.lead, study, team.media)


def make_team_on(db: Database):
    """make_team's scheme, raters and media, added to an existing project database."""
    from tests.integration import video_fixtures as vf
    from workbench.coding.scheme import load_scheme
    from workbench.store import participants, schemes

    a = people.add_coder(db, "Rater A", "rater").created_id("coders")
    b = people.add_coder(db, "Rater B", "rater").created_id("coders")
    schemes.add_scheme(db, load_scheme(vf.SCHEME_FILE))
    media = []
    for i, p in enumerate(("P001", "P002")):
        change = participants.add_media(
            db, p, [vf.fake_media(f"play{i + 1}.mp4", i + 1)], timepoint="baseline", task="free play"
        )
        media += change.created["media"]
    return vf.Team(db, 0, a, b, media)
