"""A small coded study in a real project for the coding UI tests: the project's lead (the login),
a second coder, three participants with transcripts (word timings) and a two-level codebook."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.coding.codebook import Code, Codebook
from workbench.model.records import NewSegment, NewWord
from workbench.store import codebooks, participants, people, transcripts
from workbench.ui.db_worker import database_worker

TEXTS = {
    "P001": [
        "How did you find the group?",
        "I felt really anxious at first, but the other mums were kind.",
        "Dr Patel told me about it and my baby cried a lot and I was so tired.",
    ],
    "P002": [
        "Tell me about the circle.",
        "The circle helped me notice when she needed comfort.",
        "I feel calmer now, I am less anxious.",
    ],
    "P003": ["What was hard?", "Getting there with the baby was hard, the bus was always late."],
}
GUIDS = {
    "Feelings": "a0000000-0000-0000-0000-000000000001",
    "Anxiety": "a0000000-0000-0000-0000-000000000002",
    "Calm": "a0000000-0000-0000-0000-000000000003",
    "Group experience": "a0000000-0000-0000-0000-000000000004",
    "Practical barriers": "a0000000-0000-0000-0000-000000000005",
}


@dataclass
class Study:
    project: object
    lead: int
    ann: int
    transcripts: dict[str, int]
    codes: dict[str, int]

    @property
    def db(self):
        return self.project.db


def segments(texts: list[str]) -> list[NewSegment]:
    out = []
    for i, text in enumerate(texts):
        words, t = [], i * 10_000
        for w in text.split(" "):
            words.append(NewWord(t, t + 300, " " + w))
            t += 400
        out.append(
            NewSegment(
                i * 10_000,
                i * 10_000 + 9_000,
                text,
                "Interviewer" if i % 2 == 0 else "Participant",
                words=tuple(words),
            )
        )
    return out


def build(project) -> Study:
    db = project.db
    ann = people.add_coder(db, "Ann", "coder").created_id("coders")
    tids = {}
    for p, texts in TEXTS.items():
        participants.add_participant(db, p, site="Leeds" if p != "P003" else "Bristol")
        tids[p] = transcripts.add_transcript(db, p, f"{p} interview", segments(texts)).created_id(
            "transcripts"
        )
    book = Codebook(
        "COS-P",
        [
            Code(
                GUIDS["Feelings"],
                "Feelings",
                codable=False,
                colour="#AA0000",
                children=[
                    Code(GUIDS["Anxiety"], "Anxiety", definition="worry, nerves", colour="#FF0000"),
                    Code(GUIDS["Calm"], "Calm", colour="#00AA00"),
                ],
            ),
            Code(GUIDS["Group experience"], "Group experience", colour="#0000FF"),
            Code(GUIDS["Practical barriers"], "Practical barriers", colour="#FFAA00"),
        ],
    )
    change = codebooks.add_codebook(db, book)
    codes = dict(
        zip(
            ["Feelings", "Anxiety", "Calm", "Group experience", "Practical barriers"], change.created["codes"]
        )
    )
    return Study(project, project.coder.id, ann, tids, codes)


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def settled() -> None:
    """Until the window's database worker has run everything submitted and the views show it."""
    assert database_worker().wait_idle(), "the database worker did not finish"
