"""The coding view: open from the participants tree, apply a code four ways, remove, recode, undo,
stripes, memos, in-vivo codes, playing a passage; every step checked in the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog

from tests.ui.coding_setup import TEXTS, build, segments, settled, span
from workbench.store import coding_lookups, coding_ops, people, transcripts
from workbench.store.visibility import Viewer
from workbench.ui.coding.coding_view import CodingView
from workbench.ui.participants_model import KEY_ROLE


@pytest.fixture
def study(project):
    return build(project)


@pytest.fixture
def window(make_window, study):
    window = make_window(study.project)
    window.show()
    return window


def text_of(p: str) -> str:
    return "\n".join(TEXTS[p])


def codings(study, p="P001"):
    settled()
    return coding_lookups.transcript_codings(study.db, Viewer(study.lead, "all"), study.transcripts[p])


def code_index(window, name: str) -> QModelIndex:
    model = window.codebook_model
    found = model.match(
        model.index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        name,
        1,
        Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly,
    )
    assert found, name
    return found[0]


def open_view(window, study, p="P001") -> CodingView:
    view = window.text_coding.open_transcript_id(study.transcripts[p])
    return view


def test_open_from_participants_context_menu(window, study):
    model = window.participants_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "P002")
    menu = window.text_coding.participants_menu(model.index(row, 0))
    actions = [a for a in menu.actions() if a.text() == "Code transcript P002 interview"]
    assert len(actions) == 1
    actions[0].trigger()
    view = window.workspace.currentWidget()
    assert isinstance(view, CodingView) and view.info.id == study.transcripts["P002"]
    assert view.edit.toPlainText() == text_of("P002")
    # speaker turns and times are shown beside each paragraph
    assert view.edit.label_for_block(1, view.edit.document().findBlockByNumber(1).position()) == (
        "00:10",
        "Participant",
    )


def test_code_transcript_from_a_transcript_row_under_its_recording(window, study, jfk):
    from workbench.services import media_import

    media_id = media_import.import_media(study.project, [jfk], "P003").created["media"][0]
    tid = transcripts.add_transcript(
        study.db, "P003", "jfk", segments(["And so my fellow Americans"]), media_id=media_id
    ).created_id("transcripts")
    window.participants_model.refresh()
    model = window.participants_model
    found, stack = [], [QModelIndex()]
    while stack:
        parent = stack.pop()
        for r in range(model.rowCount(parent)):
            index = model.index(r, 0, parent)
            found += [index] if index.data(KEY_ROLE) == ("tr", tid) else []
            stack.append(index)
    assert found, "the transcript is listed under its recording"
    menu = window.text_coding.participants_menu(found[0])
    assert [a.text() for a in menu.actions()] == ["Code transcript jfk"]
    menu.actions()[0].trigger()
    assert window.workspace.currentWidget().info.id == tid


def test_apply_by_clicking_a_code_in_the_tree(window, study, qtbot):
    view = open_view(window, study)
    start, end = span(text_of("P001"), "really anxious")
    view.edit.select_span(start, end)
    tree = window.codebook.tree
    index = code_index(window, "Anxiety")
    tree.scrollTo(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center())
    (coding,) = codings(study)  # the handler returned at once; the coding came through the worker
    assert (coding.code_id, coding.start_pos, coding.end_pos, coding.coder_id) == (
        study.codes["Anxiety"],
        start,
        end,
        study.lead,
    )
    assert [s.coding_id for s in view.edit.stripes.stripes] == [coding.id]


def test_clicking_a_heading_or_without_selection_codes_nothing(window, study, qtbot):
    view = open_view(window, study)
    tree = window.codebook.tree
    for name in ("Anxiety", "Feelings"):
        view.edit.select_span(0, 0) if name == "Anxiety" else view.edit.select_span(0, 5)
        index = code_index(window, name)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center())
    assert codings(study) == ()


def test_apply_by_dropping_the_selection_on_a_code(window, study, qtbot):
    view = open_view(window, study)
    start, end = span(text_of("P001"), "the other mums were kind")
    view.edit.select_span(start, end)
    mime = view.edit.createMimeDataFromSelection()
    assert mime.text() == "the other mums were kind"
    model = window.codebook_model
    target = code_index(window, "Group experience")
    assert model.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    qtbot.waitUntil(lambda: len(codings(study)) == 1)
    (coding,) = codings(study)
    assert (coding.code_id, coding.start_pos, coding.end_pos) == (study.codes["Group experience"], start, end)


def test_apply_recent_code_with_ctrl_number(window, study, qtbot):
    view = open_view(window, study)
    text = text_of("P001")
    view.edit.select_span(*span(text, "anxious"))
    view.apply_code(study.codes["Anxiety"])
    view.edit.select_span(*span(text, "so tired"))
    view.apply_code(study.codes["Calm"])  # recent: Calm (1), Anxiety (2)
    settled()
    view.edit.select_span(*span(text, "cried a lot"))
    window.activateWindow()
    view.edit.setFocus()
    qtbot.waitUntil(view.edit.hasFocus)
    qtbot.keyClick(view.edit, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    found = {(c.code_id, c.start_pos) for c in codings(study)}
    assert (study.codes["Anxiety"], text.index("cried a lot")) in found
    assert len(found) == 3


def test_quick_code_box_fuzzy(window, study, qtbot):
    view = open_view(window, study)
    start, end = span(text_of("P001"), "the other mums")
    view.edit.select_span(start, end)
    qtbot.keyClicks(view.quick, "grp exp")
    assert view.quick.matches()[0][1] == study.codes["Group experience"]
    qtbot.keyClick(view.quick, Qt.Key.Key_Return)
    (coding,) = codings(study)
    assert (coding.code_id, coding.start_pos, coding.end_pos) == (study.codes["Group experience"], start, end)
    assert view.quick.text() == ""


def test_remove_recode_and_undo_redo(window, study):
    view = open_view(window, study)
    stack = window.text_coding.actions.stack
    view.edit.select_span(*span(text_of("P001"), "really anxious"))
    view.apply_code(study.codes["Anxiety"])
    (coding,) = codings(study)
    view.recode([coding.id], study.codes["Calm"])
    assert codings(study)[0].code_id == study.codes["Calm"]
    view.pick(coding.id)
    view.remove_picked()
    assert codings(study) == () and view.edit.stripes.stripes == []
    stack.undo()  # the removal
    assert [(c.id, c.code_id) for c in codings(study)] == [(coding.id, study.codes["Calm"])]
    assert len(view.edit.stripes.stripes) == 1
    stack.undo()  # the recode
    assert codings(study)[0].code_id == study.codes["Anxiety"]
    stack.undo()  # the coding itself
    assert codings(study) == ()
    stack.redo()
    stack.redo()
    assert [(c.id, c.code_id) for c in codings(study)] == [(coding.id, study.codes["Calm"])]


def test_coder_cannot_remove_someone_elses_coding(window, study):
    coding_ops.apply_code(study.db, study.transcripts["P001"], study.codes["Calm"], study.lead, 0, 5)
    window.project.coder = next(c for c in people.list_coders(study.db) if c.id == study.ann)
    view = open_view(window, study)
    view.remove([codings(study)[0].id])
    settled()
    assert window.messages.errors == ["You can change only your own codings."]
    assert len(codings(study)) == 1


def test_stripes_are_painted_in_the_code_colour_with_a_tooltip(window, study, qtbot):
    view = open_view(window, study)
    view.resize(900, 500)
    view.edit.select_span(*span(text_of("P001"), "I felt really anxious at first"))
    view.apply_code(study.codes["Anxiety"])
    view.edit.select_span(*span(text_of("P001"), "really anxious at first, but the other mums"))
    view.apply_code(study.codes["Group experience"])
    coding = codings(study)[0]

    def answer(dialog):
        dialog.text.setPlainText("She names the worry herself.")
        return QDialog.DialogCode.Accepted

    window.exec_dialog = answer
    view.memo("coding", coding.id)
    settled()
    margin = view.edit.stripes
    image = margin.grab().toImage()
    assert len(margin.painted) == 2
    lanes = sorted((rect.x(), stripe.colour) for rect, stripe in margin.painted)
    assert lanes[0][0] < lanes[1][0]  # overlapping codings side by side
    for rect, stripe in margin.painted:
        assert image.pixelColor(rect.center()) == QColor(stripe.colour)
    found = margin.stripe_at(
        *next((r.center().x(), r.center().y()) for r, s in margin.painted if s.coding_id == coding.id)
    )
    tooltip = margin.tooltip(found)
    assert "Anxiety" in tooltip and window.project.coder.name in tooltip
    assert "She names the worry herself." in tooltip


def test_memos_on_transcript_participant_and_code(window, study):
    view = open_view(window, study)
    texts = iter(["About the transcript", "About P001", "About anxiety", "Edited transcript memo"])

    def answer(dialog):
        dialog.text.setPlainText(next(texts))
        return QDialog.DialogCode.Accepted

    window.exec_dialog = answer
    view.memo("transcript", study.transcripts["P001"])
    view.memo("participant", view.info.participant_id)
    window.text_coding.code_memo(study.codes["Anxiety"], "Anxiety")
    settled()  # one memo dialog at a time (it is modal): the next reads what these saved
    view.memo("transcript", study.transcripts["P001"])  # my memo again: edited, not duplicated
    settled()
    memos = coding_lookups.memos_on(study.db, "transcript", [study.transcripts["P001"]], reader=study.lead)
    assert [m.text for m in memos[study.transcripts["P001"]]] == ["Edited transcript memo"]
    assert coding_lookups.memos_on(study.db, "participant", [view.info.participant_id], reader=study.lead)
    assert (
        coding_lookups.memos_on(study.db, "code", [study.codes["Anxiety"]], reader=study.lead)[
            study.codes["Anxiety"]
        ][0].text
        == "About anxiety"
    )


def test_in_vivo_code_under_the_selected_code(window, study):
    view = open_view(window, study)
    window.codebook.tree.setCurrentIndex(code_index(window, "Feelings"))
    view.edit.select_span(*span(text_of("P001"), "so tired"))
    view.in_vivo()
    settled()
    assert "so tired" in window.codebook_model.code_names()
    new = window.text_coding.codes.by_guid[
        next(c.guid for c in window.text_coding.codes.by_id.values() if c.name == "so tired")
    ]
    assert new.path == ("Feelings", "so tired")
    (coding,) = codings(study)
    assert coding.code_id == new.id
    window.text_coding.actions.stack.undo()
    assert codings(study) == () and "so tired" not in window.codebook_model.code_names()


def test_context_menu_offers_remove_recode_memo_play(window, study):
    view = open_view(window, study)
    start, end = span(text_of("P001"), "really anxious")
    view.edit.select_span(start, end)
    view.apply_code(study.codes["Anxiety"])
    settled()
    window.codebook.tree.setCurrentIndex(code_index(window, "Calm"))
    menu = view.build_context_menu(start + 2)
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None)
    texts = [a.text() for a in sub.actions()]
    assert texts == ["Remove", "Recode as Calm", "Memo…", "Play"]
    next(a for a in sub.actions() if a.text() == "Recode as Calm").trigger()
    assert codings(study)[0].code_id == study.codes["Calm"]


def test_play_starts_at_the_coded_words(window, study, jfk, qtbot):
    from workbench.services import media_import

    change = media_import.import_media(study.project, [jfk], "P003")
    media_id = change.created["media"][0]
    tid = transcripts.add_transcript(
        study.db, "P003", "jfk", [segments(["And so my fellow Americans ask not"])[0]], media_id=media_id
    ).created_id("transcripts")
    view = window.text_coding.open_transcript_id(tid)
    assert view.info.media_path
    start, end = span("And so my fellow Americans ask not", "fellow Americans")
    view.edit.select_span(start, end)
    view.apply_code(study.codes["Calm"])
    settled()
    (coding,) = coding_lookups.transcript_codings(study.db, Viewer(study.lead), tid)
    assert view.play(coding.id) == 1200  # the word "fellow" starts at 1.2 s (4th word, 400 ms apart)
    assert view.last_played_ms == 1200
    qtbot.wait(50)
    assert window.messages.errors == []


def test_screenshot(window, study, output_dir):
    view = open_view(window, study)
    text = text_of("P001")
    for phrase, code in (
        ("I felt really anxious at first", "Anxiety"),
        ("the other mums were kind", "Group experience"),
        ("so tired", "Calm"),
        ("really anxious at first, but", "Practical barriers"),
    ):
        view.edit.select_span(*span(text, phrase))
        view.apply_code(study.codes[code])
    settled()
    window.resize(1280, 800)
    image = window.grab()
    painted = view.edit.stripes.painted
    assert len(painted) == 4  # each stripe visible: none drawn over another
    assert not any(a.intersects(b) for i, (a, _s) in enumerate(painted) for b, _t in painted[i + 1 :])
    image.save(str(output_dir / "coding_view.png"))
    assert (output_dir / "coding_view.png").stat().st_size > 0
