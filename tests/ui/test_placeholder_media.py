"""The participants tree shows an imported observation's video that is not in the project as such, and
"Link recording…" on it gives it its file (checked by length, confirmed by the user)."""

from __future__ import annotations

import json
import shutil

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog

from tests.db_dump import dump
from workbench.media.probe import probe
from workbench.model.records import MediaRecord
from workbench.services import observation_exchange as ox
from workbench.store import observations as obs_store
from workbench.store import participants
from workbench.ui.placeholder_linking import LinkRecordingDialog


def test_placeholders_are_shown_as_not_linked_and_live(make_window, project, tmp_path):
    observation = {"file": {"1": ["D:/clips/visit.mp4"]}, "events": [[1.0, "", "look", "", ""]]}
    boris = {
        "project_name": "tree",
        "behaviors_conf": {"0": {"type": "Point event", "key": "l", "code": "look"}},
        "observations": {"visit": observation, "in the room": {"type": "LIVE", "events": []}},
    }
    path = tmp_path / "tree.boris"
    path.write_text(json.dumps(boris), encoding="utf-8")
    ox.import_file(project.db, "boris", path, project.coder.id, [])
    window = make_window(project)
    model = window.participants_model
    (row,) = [r for r in range(model.rowCount()) if model.index(r, 0).data() == ox.UNLINKED_PARTICIPANT]
    parent = model.index(row, 0)
    labels = []
    stack = [parent]
    while stack:  # every node under the participant (timepoint groups, if any, then media)
        index = stack.pop()
        for r in range(model.rowCount(index)):
            child = model.index(r, 0, index)
            labels.append(child.data(Qt.ItemDataRole.DisplayRole))
            stack.append(child)
    assert "visit.mp4 [media not linked]" in labels
    assert "live observation [live observation, no video]" in labels


def _coded_clip(project, tmp_path, seconds: float) -> MediaRecord:
    """A BORIS observation of 'clip.mp4' (``seconds`` long, as BORIS recorded it), kept on a placeholder."""
    observation = {
        "file": {"1": ["C:/videos/clip.mp4"]},
        "media_info": {"length": {"C:/videos/clip.mp4": seconds}},
        "events": [[1.0, "", "look", "", ""]],
    }
    boris = {
        "project_name": "link",
        "behaviors_conf": {"0": {"type": "Point event", "key": "l", "code": "look"}},
        "observations": {"visit": observation},
    }
    path = tmp_path / "link.boris"
    path.write_text(json.dumps(boris), encoding="utf-8")
    ox.import_file(project.db, "boris", path, project.coder.id, [])
    (placeholder,) = participants.list_media(project.db)
    return placeholder


def _menu_of(window, media_id: int):
    model = window.participants_model
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            record = model.record_at(index)
            if isinstance(record, MediaRecord) and record.id == media_id:
                return window.participants.context_menu(index)
            stack.append(index)
    raise AssertionError("placeholder not in the tree")


def _answer(code, seen):
    def exec_dialog(dialog):
        seen.append(dialog)
        return code

    return exec_dialog


def test_link_recording_gives_the_placeholder_its_file(make_window, project, tmp_path, shared_media, qtbot):
    source = shared_media / "video" / "imageio_cockatoo.mp4"
    clip = tmp_path / "renamed.mp4"  # another name: the lengths decide, the user confirms
    shutil.copy(source, clip)
    placeholder = _coded_clip(project, tmp_path, probe(source).duration_ms / 1000)
    window = make_window(project)
    window.placeholder_linking.ask_file = lambda media: clip
    seen: list[QDialog] = []
    window.exec_dialog = _answer(QDialog.DialogCode.Rejected, seen)
    before = dump(project.db)
    action = next(a for a in _menu_of(window, placeholder.id).actions() if a.text() == "Link recording…")

    action.trigger()  # cancelled: nothing written

    (dialog,) = seen
    assert isinstance(dialog, LinkRecordingDialog) and dialog.gap is None
    assert "another name" in dialog.verdict.text()
    assert dump(project.db) == before
    window.exec_dialog = _answer(QDialog.DialogCode.Accepted, seen)

    task = window.placeholder_linking.link(placeholder)

    assert task is not None
    qtbot.waitUntil(lambda: task.state != "running", timeout=30_000)
    assert task.state == "done" and not window.messages.errors
    (linked,) = participants.list_media(project.db)
    assert linked.id == placeholder.id and not linked.not_linked and linked.original_name == "renamed.mp4"
    assert project.media_path(linked).is_file()
    (observation,) = obs_store.list_observations(project.db)
    assert observation.media_id == placeholder.id
    labels = [a.text() for a in _menu_of(window, placeholder.id).actions()]
    assert "Link recording…" not in labels


def test_a_file_of_another_length_is_not_offered(make_window, project, tmp_path, shared_media):
    source = shared_media / "video" / "imageio_cockatoo.mp4"
    placeholder = _coded_clip(project, tmp_path, probe(source).duration_ms / 1000 + 30)
    window = make_window(project)
    seen: list[QDialog] = []
    window.exec_dialog = _answer(QDialog.DialogCode.Accepted, seen)
    before = dump(project.db)

    assert window.placeholder_linking.link(placeholder, source) is None

    (dialog,) = seen
    assert "not that recording" in dialog.verdict.text()
    (link,) = [b for b in dialog.buttons.buttons() if b.text() == "Link"]
    assert not link.isEnabled()
    assert dump(project.db) == before


def test_observation_names_descriptions_and_variables_in_the_tree(make_window, project, tmp_path):
    observation = {
        "file": {"1": ["D:/clips/visit.mp4"]},
        "description": "first home visit",
        "independent_variables": {"day": "3", "room": "kitchen"},
        "events": [[1.0, "", "look", "", ""]],
    }
    boris = {
        "project_name": "names",
        "behaviors_conf": {"0": {"type": "Point event", "key": "l", "code": "look"}},
        "observations": {"visit": observation},
    }
    path = tmp_path / "names.boris"
    path.write_text(json.dumps(boris), encoding="utf-8")
    ox.import_file(project.db, "boris", path, project.coder.id, [])
    (placeholder,) = participants.list_media(project.db)
    (scheme,) = {o.scheme for o in obs_store.list_observations(project.db)}
    window = make_window(project)
    model = window.participants_model
    stack, rows = [QModelIndex()], {}
    while stack:
        parent = stack.pop()
        for r in range(model.rowCount(parent)):
            index = model.index(r, 0, parent)
            rows[index.data(Qt.ItemDataRole.DisplayRole)] = index
            stack.append(index)
    row = rows["visit"]
    assert model.record_at(row.parent()).id == placeholder.id
    tooltip = row.data(Qt.ItemDataRole.ToolTipRole)
    assert "Observation 'visit'" in tooltip and f"Scheme: {scheme}" in tooltip
    assert "Description: first home visit" in tooltip
    assert "day: 3" in tooltip and "room: kitchen" in tooltip


def test_a_new_observation_appears_under_its_media(make_window, project, tmp_path):
    _coded_clip(project, tmp_path, 2.0)
    (placeholder,) = participants.list_media(project.db)
    window = make_window(project)
    model = window.participants_model
    (scheme,) = {o.scheme for o in obs_store.list_observations(project.db)}
    coder = project.coder.id
    window.apply_change(obs_store.create_observation(project.db, placeholder.id, coder, scheme, "second"))
    labels = []
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for r in range(model.rowCount(parent)):
            labels.append(model.index(r, 0, parent).data())
            stack.append(model.index(r, 0, parent))
    assert "second" in labels and "visit" in labels
