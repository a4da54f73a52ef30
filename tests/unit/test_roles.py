"""The role rules, as one table: what a lead, a coder and a rater may do."""

from __future__ import annotations

import pytest

from workbench.model.records import CoderRecord
from workbench.model.roles import ROLES, RULES, Action, can, refusal, roles_that_can

A = Action
TABLE = {  # action: (lead, coder, rater)
    A.SEE_PARTICIPANTS: (True, True, False),
    A.SEE_MASKED_ATTRIBUTES: (True, False, False),
    A.IMPORT_MEDIA: (True, True, False),
    A.TRANSCRIBE: (True, True, False),
    A.CODE_TRANSCRIPTS: (True, True, False),
    A.RATE_VIDEOS: (True, True, True),
    A.OPEN_ANY_VIDEO: (True, False, False),
    A.EXPORT_UNMASKED: (True, False, False),
    A.RESOLVE_DISAGREEMENTS: (True, False, False),
    A.READ_AUDIT_LOG: (True, False, False),
    A.KEEP_PSEUDONYM_KEY: (True, False, False),
    A.ERASE_PARTICIPANT: (True, False, False),
    A.ASSIGN_VIDEOS: (True, False, False),
    A.CHANGE_OTHERS_CODINGS: (True, False, False),
    A.RESHAPE_CODEBOOK: (True, False, False),
    A.SEE_ALL_CODINGS: (True, False, False),
    A.SET_CODING_MODE: (True, False, False),
    A.IMPORT_PROJECT: (True, False, False),
    A.COMPARE_CODERS: (True, True, False),
    A.HAND_OVER: (True, False, False),
}


def test_every_action_has_a_row_and_every_role_a_rule():
    assert set(TABLE) == set(Action)
    assert set(RULES) == set(ROLES)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name)
def test_rule_table(action):
    expected = dict(zip(ROLES, TABLE[action], strict=True))
    assert {role: can(role, action) for role in ROLES} == expected
    assert {role: CoderRecord(1, "Ann", role).can(action) for role in ROLES} == expected


def test_unknown_role_may_do_nothing_and_roles_are_named_fewest_rights_first():
    assert not any(can("admin", action) for action in Action)
    assert not CoderRecord(1, "Ann", "").can(Action.RATE_VIDEOS)
    assert roles_that_can(Action.RATE_VIDEOS) == ("rater", "coder", "lead")
    assert roles_that_can(Action.ERASE_PARTICIPANT) == ("lead",)


def test_a_refusal_names_the_action_and_who_may():
    assert refusal("rater", Action.SET_CODING_MODE) == (
        "As a rater you cannot switch independent coding on and off, and release codings; only a lead can."
    )
    assert refusal("rater", Action.CODE_TRANSCRIPTS).endswith("only a coder or lead can.")
