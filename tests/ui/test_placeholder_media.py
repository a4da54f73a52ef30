"""The participants tree shows an imported observation's video that is not in the project as such."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from workbench.services import observation_exchange as ox


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
