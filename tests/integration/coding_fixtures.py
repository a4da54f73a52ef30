"""A small coded project on a database URL: lead, two coders, three participants, codebook, transcripts."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.coding.codebook import Code, Codebook
from workbench.model.records import NewSegment, NewWord
from workbench.store import codebooks, migrate, participants, people, transcripts
from workbench.store.engine import Database

TEXTS = {
    "P001": [
        "How did you find the group?",
        "I felt really anxious at first, but the other mums were kind.",
        "My baby cried a lot and I was so tired.",
    ],
    "P002": [
        "Tell me about the circle.",
        "The circle helped me notice when she needed comfort.",
        "I feel calmer now, I am less anxious.",
    ],
    "P003": ["What was hard?", "Getting there with the baby was hard, the bus was always late."],
}


@dataclass
class Study:
    db: Database
    lead: int
    ann: int
    bob: int
    transcripts: dict[str, int]
    codes: dict[str, int]
    guids: dict[str, str]


def build(url: str) -> Study:
    db = Database(url)
    migrate.upgrade(db)
    ids = {}
    for name, role in (("Lead", "lead"), ("Ann", "coder"), ("Bob", "coder")):
        ids[name] = people.add_coder(db, name, role).created_id("coders")
    arms = {"P001": "COS-P", "P002": "usual care", "P003": "COS-P"}
    sites = {"P001": "Leeds", "P002": "Leeds", "P003": "Bristol"}
    tids = {}
    for p, texts in TEXTS.items():
        participants.add_participant(
            db, p, site=sites[p], attributes={"arm": arms[p]}, masked=frozenset({"arm"})
        )
        segs = []
        for i, text in enumerate(texts):
            words = []
            t = i * 10_000
            for w in text.split(" "):
                words.append(NewWord(t, t + 300, " " + w))
                t += 400
            segs.append(
                NewSegment(
                    i * 10_000,
                    i * 10_000 + 9_000,
                    text,
                    "Interviewer" if i % 2 == 0 else "Participant",
                    words=tuple(words),
                )
            )
        tids[p] = transcripts.add_transcript(db, p, f"{p} interview", segs).created_id("transcripts")
    book = Codebook(
        "COS-P",
        [
            Code(
                "a0000000-0000-0000-0000-000000000001",
                "Feelings",
                codable=False,
                children=[
                    Code("a0000000-0000-0000-0000-000000000002", "Anxiety", definition="worry, nerves"),
                    Code("a0000000-0000-0000-0000-000000000003", "Calm"),
                ],
            ),
            Code("a0000000-0000-0000-0000-000000000004", "Group experience"),
            Code("a0000000-0000-0000-0000-000000000005", "Practical barriers"),
        ],
    )
    change = codebooks.add_codebook(db, book)
    names = ["Feelings", "Anxiety", "Calm", "Group experience", "Practical barriers"]
    codes = dict(zip(names, change.created["codes"]))
    guids = {c.name: c.guid for c, _ in book.walk()}
    return Study(db, ids["Lead"], ids["Ann"], ids["Bob"], tids, codes, guids)


def span(study_text: str, phrase: str) -> tuple[int, int]:
    start = study_text.index(phrase)
    return start, start + len(phrase)
