"""The one bounded reader and the one atomic writer (workbench.model.files)."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output, atomic_path, atomic_write_text, read_limited


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_of_any_new_file_without_touching_the_umask(tmp_path, monkeypatch):
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("x")  # what the umask gives a plain new file
    monkeypatch.setattr(os, "umask", lambda *_: pytest.fail("os.umask is process-wide; never flip it"))
    errors = []

    def write(i: int) -> None:
        try:
            atomic_write_text(tmp_path / f"out{i}.txt", f"file {i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for i in range(8):
        out = tmp_path / f"out{i}.txt"
        assert out.read_text() == f"file {i}" and _mode(out) == _mode(ordinary)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ordinary.txt"] + [f"out{i}.txt" for i in range(8)]


def test_writing_over_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "key.csv"
    target.write_text("old")
    target.chmod(0o600)
    with atomic_output(target) as handle:
        handle.write(b"new")
    assert target.read_text() == "new" and _mode(target) == 0o600


def test_a_failed_block_or_check_leaves_the_old_file_and_no_part(tmp_path):
    target = tmp_path / "book.qdc"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"half")
        raise RuntimeError("cancelled")

    def refuse(part):
        assert part.read_bytes() == b"bad" and part.name.startswith(".book.qdc.") and part.suffix == ".part"
        raise WorkbenchError("not valid")

    with pytest.raises(WorkbenchError, match="not valid"), atomic_output(target, check=refuse) as handle:
        handle.write(b"bad")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["book.qdc"]


def test_a_missing_folder_is_one_clear_error(tmp_path):
    with (
        pytest.raises(WorkbenchError, match="Cannot write .*out.txt"),
        atomic_output(tmp_path / "no" / "out.txt"),
    ):
        pass


def test_atomic_path_hands_a_path_to_fill(tmp_path):
    target = tmp_path / "copy.bin"
    with atomic_path(target) as part:
        assert part.parent == tmp_path and part.exists() and not target.exists()
        part.write_bytes(b"abc")
    assert target.read_bytes() == b"abc" and not part.exists()


def test_read_limited_refuses_missing_folders_and_large_files(tmp_path):
    path = tmp_path / "t.srt"
    path.write_bytes(b"x" * 2000)
    assert read_limited(path) == b"x" * 2000
    with pytest.raises(WorkbenchError, match=r"t.srt is too large \(0.0 MB; the limit for a transcript"):
        read_limited(path, 1000, "transcript file")
    with pytest.raises(WorkbenchError, match="does not exist"):
        read_limited(tmp_path / "gone.srt")
    with pytest.raises(WorkbenchError, match="is a folder, not a scheme"):
        read_limited(tmp_path, what="scheme")
