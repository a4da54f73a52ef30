"""Observations imported without their video are kept on a placeholder that link-media later fills in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.media.probe import probe
from workbench.model.errors import WorkbenchError
from workbench.services import observation_exchange as ox
from workbench.services.media_import import link_placeholders
from workbench.services.project import Project
from workbench.store import observations as obs
from workbench.store import participants

CLIP = "imageio_cockatoo.mp4"


def boris_file(path: Path, seconds: float) -> Path:
    observation = {
        "file": {"1": ["C:/videos/clip.mp4"], "2": []},
        "type": "MEDIA",
        "description": "first session",
        "independent_variables": {"day": "3"},
        "media_info": {"length": {"C:/videos/clip.mp4": seconds}, "fps": {"C:/videos/clip.mp4": 25.0}},
        "events": [[1.0, "", "look", "", "one"], [2.5, "", "look", "", ""]],
    }
    project = {
        "project_name": "link",
        "behaviors_conf": {"0": {"type": "State event", "key": "l", "code": "look", "modifiers": ""}},
        "subjects_conf": {},
        "observations": {"session 1": observation, "session 2": {**observation, "description": ""}},
    }
    path.write_text(json.dumps(project), encoding="utf-8")
    return path


def test_placeholder_linked_by_name_keeps_its_observations(tmp_path, shared_media):
    clip = shared_media / "video" / CLIP
    seconds = probe(clip).duration_ms / 1000
    project = Project.create(tmp_path / "study")
    try:
        ox.import_file(project.db, "boris", boris_file(tmp_path / "a.boris", seconds), project.coder.id, [])
        (placeholder,) = participants.list_media(project.db)
        assert placeholder.not_linked and placeholder.original_name == "clip.mp4" and not placeholder.path
        sessions = obs.list_observations(project.db)
        assert sorted(o.name for o in sessions) == ["session 1", "session 2"]
        assert {o.media_id for o in sessions} == {placeholder.id}

        folder = tmp_path / "videos"
        folder.mkdir()
        with pytest.raises(WorkbenchError, match="No media files"):
            link_placeholders(project, folder)
        shutil.copy(clip, folder / "clip.mp4")
        change = link_placeholders(project, folder)
        assert change.description.startswith("Linked 1 media file(s): clip.mp4")
        (linked,) = participants.list_media(project.db)
        assert linked.id == placeholder.id and not linked.not_linked and linked.path
        assert project.media_path(linked).is_file()
        events = obs.observation_data(project.db, sessions[0].id).events
        assert [(e.time_ms, e.comment) for e in events] == [(1000, "one"), (2500, "")]
        with pytest.raises(WorkbenchError, match="No media items are waiting"):
            link_placeholders(project, folder)
    finally:
        project.close()


def test_a_file_of_another_length_is_not_linked(tmp_path, shared_media, capsys):
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copy(shared_media / "video" / CLIP, folder / "clip.mp4")
    project = Project.create(tmp_path / "study")
    project.close()
    path = boris_file(tmp_path / "a.boris", 3600.0)
    assert main(["import", "boris", str(path), "--project", str(tmp_path / "study")]) == 0
    assert "nothing left out" in capsys.readouterr().out
    link = ["link-media", "--project", str(tmp_path / "study"), "--media-folder", str(folder)]
    assert main(link) == 0
    out = capsys.readouterr().out
    assert "Linked 0 media file(s)" in out and "the coding tool recorded 3600.0 s" in out
    project = Project.open(tmp_path / "study")
    try:
        (placeholder,) = participants.list_media(project.db)
        assert placeholder.not_linked
        observations = obs.list_observations(project.db)
        assert len(observations) == 2
    finally:
        project.close()


def test_import_with_a_media_folder_links_what_it_finds(tmp_path, shared_media, capsys):
    folder = tmp_path / "videos"
    folder.mkdir()
    clip = shared_media / "video" / CLIP
    shutil.copy(clip, folder / "clip.mp4")
    Project.create(tmp_path / "study").close()
    path = boris_file(tmp_path / "a.boris", probe(clip).duration_ms / 1000)
    command = ["import", "boris", str(path), "--project", str(tmp_path / "study")]
    assert main([*command, "--media-folder", str(folder)]) == 0
    assert "Linked 1 media file(s): clip.mp4" in capsys.readouterr().out
    project = Project.open(tmp_path / "study")
    try:
        (linked,) = participants.list_media(project.db)
        assert not linked.not_linked and project.media_path(linked).is_file()
        assert {o.media_id for o in obs.list_observations(project.db)} == {linked.id}
    finally:
        project.close()


def test_link_media_can_give_the_video_its_participant(tmp_path, shared_media, capsys):
    folder = tmp_path / "videos"
    folder.mkdir()
    clip = shared_media / "video" / CLIP
    shutil.copy(clip, folder / "clip.mp4")
    Project.create(tmp_path / "study").close()
    path = boris_file(tmp_path / "a.boris", probe(clip).duration_ms / 1000)
    assert main(["import", "boris", str(path), "--project", str(tmp_path / "study")]) == 0
    link = ["link-media", "--project", str(tmp_path / "study"), "--media-folder", str(folder)]
    assert main([*link, "--participant", "P007"]) == 0
    assert "Linked 1 media file(s): clip.mp4" in capsys.readouterr().out
    project = Project.open(tmp_path / "study")
    try:
        (linked,) = participants.list_media(project.db)
        assert linked.participant_id == participants.find_participant(project.db, "P007").id
        assert len(obs.list_observations(project.db)) == 2
    finally:
        project.close()
