"""A local study with every role in it, for the role tests: the project's lead (the login), coder Ann
and a second coder Bob with codings and memos, raters A and B, two real videos assigned to rater A
(one double-coded by B), the trial arm masked, and helpers to open the project as each person."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tests.ui.coding_setup import TEXTS, span
from tests.ui.coding_setup import build as build_coding
from tests.ui.video_helpers import FIRE_VFR, PERSON, add_video
from workbench.model.records import MediaRecord
from workbench.store import assignments, coding_ops, participants, people

ARM = "Intervention arm"


@dataclass
class RoleStudy:
    project: object  # the lead's
    lead: int
    ann: int
    bob: int
    rater_a: int
    rater_b: int
    transcripts: dict[str, int]
    codes: dict[str, int]
    media: list[MediaRecord]

    @property
    def db(self):
        return self.project.db

    def as_person(self, name: str):
        """The same open project with ``name`` working in it (as ``Project.work_as`` hands it over)."""
        record = people.coder_by_name(self.db, name)
        assert record is not None
        return dataclasses.replace(self.project, coder=record)


def build(project, shared_media) -> RoleStudy:
    coding = build_coding(project)
    db = project.db
    first = add_video(project, shared_media / "video" / PERSON, "P001", "baseline")
    second = add_video(project, shared_media / "video" / FIRE_VFR, "P002", "12 months")
    for pseudonym in ("P001", "P002"):
        record = participants.find_participant(db, pseudonym)
        participants.set_attribute(db, record.id, "trial arm", ARM, masked=True)
    bob = people.add_coder(db, "Bob", "coder").created_id("coders")
    rater_a = people.add_coder(db, "Rater A", "rater").created_id("coders")
    rater_b = people.add_coder(db, "Rater B", "rater").created_id("coders")
    assignments.assign_media(db, coding.lead, rater_a, [first.id, second.id])
    assignments.assign_media(db, coding.lead, rater_b, [first.id], purpose="reliability")
    text = "\n".join(TEXTS["P001"])
    tid = coding.transcripts["P001"]
    for coder, code, phrase in ((coding.ann, "Anxiety", "really anxious"), (bob, "Calm", "so tired")):
        change = coding_ops.apply_code(db, tid, coding.codes[code], coder, *span(text, phrase))
        coding_ops.add_memo(db, coder, "coding", change.created_id("text_codings"), f"{phrase} memo")
    coding_ops.add_memo(db, bob, "transcript", tid, "Bob's reading of P001")
    return RoleStudy(
        project,
        coding.lead,
        coding.ann,
        bob,
        rater_a,
        rater_b,
        coding.transcripts,
        coding.codes,
        [first, second],
    )
