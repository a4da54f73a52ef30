"""Pseudonymisation review: spaCy and term-list suggestions, accept / reject / accept all of one
name, chosen replacements; applying replaces the text through the store and codings stay on the
same words (and undo puts the original back)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from tests.ui.coding_setup import TEXTS, build, segments, settled, span
from workbench.coding.transcript_text import TranscriptText
from workbench.nlp.pseudonymise import ACCEPTED
from workbench.store import coding_lookups, coding_ops, people, pseudonym_keys, transcripts
from workbench.store.visibility import Viewer

TEXT = [
    "Did anyone help you?",
    "My partner Tom drove me to Leeds General Infirmary and Dr Patel was lovely.",
    "Tom was worried too, but Dr Patel said the group would help us both.",
]


@pytest.fixture
def study(project):
    study = build(project)
    tid = transcripts.add_transcript(study.db, "P003", "named", segments(TEXT)).created_id("transcripts")
    study.transcripts["named"] = tid
    text = "\n".join(TEXT)
    coding_ops.apply_code(
        study.db,
        tid,
        study.codes["Group experience"],
        study.lead,
        *span(text, "said the group would help us both"),
    )
    coding_ops.apply_code(
        study.db, tid, study.codes["Anxiety"], study.lead, *span(text, "Tom was worried too")
    )
    coding_ops.apply_code(study.db, tid, study.codes["Calm"], study.lead, *span(text, "Dr Patel was lovely"))
    coding_ops.apply_code(
        study.db,
        study.transcripts["P001"],
        study.codes["Calm"],
        study.lead,
        *span("\n".join(TEXTS["P001"]), "Dr Patel"),
    )
    return study


def text_of(study, tid) -> str:
    settled()  # undo runs on the database worker
    return TranscriptText(transcripts.load_segments(study.db, tid)).text


def quotes(study, tid) -> list[str]:
    text = text_of(study, tid)
    return [
        text[c.start_pos : c.end_pos]
        for c in coding_lookups.transcript_codings(study.db, Viewer(study.lead), tid)
    ]


def test_review_accept_and_apply_keeps_codings_on_their_words(
    make_window, study, qtbot, output_dir, tmp_path
):
    window = make_window(study.project)
    tid = study.transcripts["named"]
    view = window.text_coding.open_transcript_id(tid)
    window.exec_dialog = lambda dialog: QDialog.DialogCode.Rejected  # open it without a modal loop
    dialog = window.text_coding.open_pseudonymise()
    dialog.terms.setPlainText("Staff: Dr Patel")
    task = dialog.find()
    qtbot.waitUntil(lambda: task.state == "done", timeout=120_000)
    originals = [s.original for s in dialog.review.suggestions]
    assert originals.count("Dr Patel") == 3  # the term list: twice here, once in P001
    assert "Tom" in originals  # spaCy: a person
    rows = [i for i, s in enumerate(dialog.review.suggestions) if s.original == "Dr Patel"]
    assert dialog.accept_all_row(rows[0]) == 3
    tom = [
        i for i, s in enumerate(dialog.review.suggestions) if s.original == "Tom" and s.text_id == str(tid)
    ]
    dialog.accept_row(tom[0])
    dialog.accept_row(tom[1])
    for i, _s in enumerate(dialog.review.suggestions):
        if dialog.review.status[i] != ACCEPTED:
            dialog.reject_row(i)
    assert dialog.suggestions.item(rows[0], 4).text() == "accepted"
    dialog.set_replacement("Tom", "[Partner]")
    assert (
        dialog.key_model.item(
            next(
                r for r in range(dialog.key_model.rowCount()) if dialog.key_model.item(r, 0).text() == "Tom"
            ),
            2,
        ).text()
        == "[Partner]"
    )
    dialog.resize(1000, 600)
    dialog.grab().save(str(output_dir / "coding_pseudonymise.png"))
    before = quotes(study, tid)
    assert dialog.apply() == 2
    assert "Patel" not in text_of(study, study.transcripts["P001"])
    text = text_of(study, tid)
    assert "Tom" not in text and "Patel" not in text
    assert "[Partner] was worried too" in text and "[Staff 1] said the group" in text
    assert quotes(study, tid) == [
        "[Staff 1] was lovely",
        "[Partner] was worried too",
        "said the group would help us both",
    ]
    assert before == ["Dr Patel was lovely", "Tom was worried too", "said the group would help us both"]
    (named,) = coding_lookups.transcript_codings(study.db, Viewer(study.lead), study.transcripts["P001"])
    assert not named.needs_review and quotes(study, study.transcripts["P001"]) == ["[Staff 1]"]
    key = pseudonym_keys.load_key(study.db, study.lead)  # stored apart from the texts, for leads
    assert key.replacement("Tom") == "[Partner]" and key.replacement("dr patel") == "[Staff 1]"
    task = window.text_coding.exports.export_extracts(tmp_path / "extracts.csv")
    qtbot.waitUntil(lambda: task.state == "done", timeout=20_000)
    exported = (tmp_path / "extracts.csv").read_text(encoding="utf-8-sig")
    assert "[Partner] was worried too" in exported and "Tom" not in exported and "Patel" not in exported
    words = [w.text for s in transcripts.load_segments(study.db, tid) for w in s.words]
    assert not any("Tom" in w or "Patel" in w for w in words)
    settled()
    assert view.edit.toPlainText() == text  # the open view reloaded
    window.text_coding.actions.stack.undo()  # one step for the whole pseudonymisation
    assert "Dr Patel" in text_of(study, tid) and quotes(study, tid) == before


def test_apply_without_accepting_is_refused(make_window, study):
    window = make_window(study.project)
    window.exec_dialog = lambda dialog: QDialog.DialogCode.Rejected
    dialog = window.text_coding.open_pseudonymise()
    window.guarded(dialog.apply)
    assert window.messages.errors == ["Accept some suggestions first."]
    assert "Dr Patel" in text_of(study, study.transcripts["named"])


def test_term_list_syntax_error_is_clear(make_window, study):
    window = make_window(study.project)
    window.exec_dialog = lambda dialog: QDialog.DialogCode.Rejected
    dialog = window.text_coding.open_pseudonymise()
    dialog.terms.setPlainText("Dr Patel")
    window.guarded(dialog.find)
    assert window.messages.errors == ["Term list line 1: write 'Category: term, term'."]


def test_a_coder_cannot_apply_a_key(make_window, study):
    study.project.coder = next(c for c in people.list_coders(study.db) if c.id == study.ann)
    window = make_window(study.project)
    window.exec_dialog = lambda dialog: QDialog.DialogCode.Rejected
    dialog = window.text_coding.open_pseudonymise()
    dialog.key.add("Tom", "Person", "[Partner]")
    window.guarded(dialog.apply)
    assert len(window.messages.errors) == 1 and "lead" in window.messages.errors[0]
    assert "Tom" in text_of(study, study.transcripts["named"])
