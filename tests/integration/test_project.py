"""Project folders: create, open, recent list, a moved project still finds its media; media import
with good and bad files (bad ones leave the project unchanged)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled
from workbench.services import recent
from workbench.services.media_import import import_media
from workbench.services.project import PROJECT_FILE, SUBFOLDERS, Project
from workbench.store import participants


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "study one")
    yield p
    p.close()


def _snapshot(project: Project):
    files = sorted(p.relative_to(project.folder).as_posix() for p in (project.folder / "media").rglob("*"))
    return participants.list_participants(project.db), files


def test_create_makes_the_folder_layout_and_a_lead(tmp_path):
    project = Project.create(tmp_path / "study", name="Pilot study")
    assert (project.folder / PROJECT_FILE).is_file()
    assert all((project.folder / sub).is_dir() for sub in SUBFOLDERS)
    assert project.name == "Pilot study" and project.coder.role == "lead"
    assert recent.recent_projects()[0] == project.folder
    project.close()
    with pytest.raises(WorkbenchError, match="already holds a project"):
        Project.create(tmp_path / "study")
    with sqlite3.connect(tmp_path / "study" / PROJECT_FILE) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_open_refuses_a_folder_without_a_project(tmp_path):
    with pytest.raises(WorkbenchError, match="not a workbench project"):
        Project.open(tmp_path)


def test_import_good_media_copies_hashes_and_records(project, shared_media):
    audio = shared_media / "speech" / "whisper_jfk.flac"
    video = shared_media / "video" / "moviepy_fire2.mp4"
    seen = []
    change = import_media(
        project, [audio, video], "P01", timepoint="baseline", progress=lambda f, m: seen.append(f)
    )
    assert len(change.created["media"]) == 2 and seen[-1] == 1.0
    (p01,) = participants.list_participants(project.db)
    by_name = {m.original_name: m for m in p01.media}
    assert by_name["whisper_jfk.flac"].kind == "audio" and by_name["moviepy_fire2.mp4"].kind == "video"
    assert by_name["moviepy_fire2.mp4"].variable_frame_rate is True
    assert abs(by_name["whisper_jfk.flac"].duration_ms - 11_000) < 100
    for media in p01.media:
        stored = project.media_path(media)
        assert stored.is_file() and project.folder in stored.parents
        assert "P01" not in media.path and "jfk" not in media.path and "fire" not in media.path
        assert stored.read_bytes() == (audio if media.kind == "audio" else video).read_bytes()


@pytest.mark.parametrize("make_bad", ["text_as_mp4", "empty", "truncated"])
def test_bad_media_is_refused_and_nothing_changes(project, shared_media, tmp_path, make_bad):
    good = shared_media / "speech" / "whisper_jfk.flac"
    bad = tmp_path / "bad.mp4"
    if make_bad == "text_as_mp4":
        bad.write_text("Interview notes, not a video.\n" * 50)
    elif make_bad == "empty":
        bad.write_bytes(b"")
    else:
        data = (shared_media / "video" / "intel_one-by-one-person-detection.mp4").read_bytes()
        bad.write_bytes(data[: len(data) // 3])
    before = _snapshot(project)
    with pytest.raises(WorkbenchError) as caught:
        import_media(project, [good, bad], "P01")
    assert "bad.mp4" in str(caught.value) and "\n" not in str(caught.value)
    assert _snapshot(project) == before


def test_same_file_twice_is_refused(project, shared_media):
    audio = shared_media / "speech" / "whisper_jfk.flac"
    import_media(project, [audio], "P01")
    before = _snapshot(project)
    with pytest.raises(WorkbenchError, match="already imported"):
        import_media(project, [audio], "P01")
    assert _snapshot(project) == before


def test_cancelled_import_changes_nothing(project, shared_media):
    before = _snapshot(project)
    with pytest.raises(Cancelled):
        import_media(project, [shared_media / "video" / "moviepy_fire2.mp4"], "P01", cancelled=lambda: True)
    assert _snapshot(project) == before


def test_folder_import_takes_media_files_only(project, shared_media, tmp_path):
    folder = tmp_path / "visit 1 ünïcode"
    folder.mkdir()
    shutil.copy(shared_media / "speech" / "pocketsphinx_librivox_sns_0870.wav", folder)
    (folder / "notes.txt").write_text("not media")
    change = import_media(project, [folder], "P02", timepoint="3 months")
    assert len(change.created["media"]) == 1


def test_moved_project_still_finds_its_media(project, shared_media, tmp_path):
    import_media(project, [shared_media / "speech" / "whisper_jfk.flac"], "P01")
    project.close()
    moved = tmp_path / "elsewhere" / "renamed study"
    shutil.move(str(project.folder), moved)
    reopened = Project.open(moved)
    (media,) = participants.list_media(reopened.db)
    assert reopened.media_path(media).is_file()
    assert moved in reopened.media_path(media).parents
    reopened.close()


def test_linked_media_moved_elsewhere_is_relinked_by_hash(project, shared_media, tmp_path):
    from workbench.services.media_import import missing_media, relink_media

    outside = tmp_path / "recordings"
    outside.mkdir()
    original = outside / "visit.wav"
    shutil.copy(shared_media / "speech" / "pocketsphinx_librivox_sns_0870.wav", original)
    import_media(project, [original], "P03", link=True)
    (media,) = participants.list_media(project.db)
    assert media.linked and project.media_path(media) == original.resolve()

    archive = tmp_path / "archive" / "2026" / "renamed visit.wav"
    archive.parent.mkdir(parents=True)
    (tmp_path / "archive" / "decoy.wav").write_bytes(b"\0" * original.stat().st_size)  # same size, other hash
    shutil.move(original, archive)
    assert [m.id for m in missing_media(project)] == [media.id]
    change = relink_media(project, tmp_path / "archive")
    assert change.updated["media"] == (media.id,)
    assert missing_media(project) == []
    (relinked,) = participants.list_media(project.db)
    assert project.media_path(relinked) == archive.resolve()
