"""The one undo adapter: an action is on the stack as soon as it is submitted, so an undo pressed
before its change comes back undoes it (the worker runs them in order); a refused action leaves
the stack as it was, with one message."""

from __future__ import annotations

import pytest

from tests.ui.coding_setup import TEXTS, build, settled, span
from workbench.model.records import Command
from workbench.store import coding_lookups
from workbench.store.visibility import Viewer
from workbench.ui.undo import UndoableCommands


@pytest.fixture
def study(project):
    return build(project)


def _apply(study, phrase: str, code: str) -> Command:
    start, end = span("\n".join(TEXTS["P001"]), phrase)
    args = {"transcript_id": study.transcripts["P001"], "code_id": study.codes[code], "coder_id": study.lead}
    return Command("apply_code", {**args, "start": start, "end": end})


def _coded(study) -> list[int]:
    found = coding_lookups.transcript_codings(study.db, Viewer(study.lead, "all"), study.transcripts["P001"])
    return sorted(c.code_id for c in found)


def test_undo_before_the_change_arrives_undoes_that_action(qapp, study):
    commands = UndoableCommands(study.db)
    changes, errors = [], []
    commands.changed.connect(changes.append)
    commands.error.connect(errors.append)
    commands.run(_apply(study, "really anxious", "Anxiety"))
    commands.run(_apply(study, "so tired", "Calm"))
    assert commands.stack.count() == 2  # on the stack at once
    commands.stack.undo()  # before either change came back: undoes the second
    settled()
    assert _coded(study) == [study.codes["Anxiety"]]
    assert [c.description for c in changes[:2]] == ["Coded Anxiety", "Coded Calm"]
    assert changes[2].deleted == {"text_codings": changes[1].created["text_codings"]}
    assert commands.stack.undoText() == "Coded Anxiety"  # the description replaced the command name
    commands.stack.redo()
    commands.stack.undo()
    commands.stack.undo()
    settled()
    assert _coded(study) == [] and not errors
    commands.stack.redo()
    commands.stack.redo()
    settled()
    assert _coded(study) == sorted([study.codes["Anxiety"], study.codes["Calm"]])
    assert all(c.scope == ("transcript", study.transcripts["P001"]) for c in changes)


def test_a_refused_action_leaves_the_stack_as_it_was(qapp, study):
    commands = UndoableCommands(study.db)
    errors = []
    commands.error.connect(errors.append)
    commands.run(_apply(study, "really anxious", "Anxiety"))
    commands.run(_apply(study, "so tired", "Feelings"))  # a heading: refused by the store
    settled()
    assert errors == ["Feelings is a heading, not a code: choose one of its sub-codes."]
    assert commands.stack.count() == 1 and commands.stack.undoText() == "Coded Anxiety"
    commands.stack.undo()
    settled()
    assert _coded(study) == [] and len(errors) == 1
