"""sha256_file() and find_by_hash() on the shared media and on temporary folders."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from workbench.media import hashing
from workbench.media.hashing import find_by_hash, sha256_file
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import Cancelled

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "media"  # ../shared beside the checkout


def _manifest() -> dict[str, dict]:
    with (MEDIA / "MANIFEST.tsv").open(newline="") as handle:
        return {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}


MANIFEST = _manifest()


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST if n.startswith(("video/", "speech/"))))
def test_hash_matches_manifest(name):
    assert sha256_file(MEDIA / name) == MANIFEST[name]["sha256"]


def test_progress_and_small_chunks(tmp_path):
    path = tmp_path / "data.bin"
    payload = bytes(range(256)) * 40  # 10240 bytes
    path.write_bytes(payload)
    seen = []
    digest = sha256_file(path, progress=lambda f, m: seen.append((f, m)), chunk=1000)
    assert digest == hashlib.sha256(payload).hexdigest()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert len(fractions) >= 11  # one report per chunk
    assert all("data.bin" in m for _, m in seen)


def test_empty_file_hash(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert sha256_file(path) == hashlib.sha256(b"").hexdigest()


def test_cancel(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 5000)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        sha256_file(path, cancelled=cancelled, chunk=1000)


def test_missing_and_folder(tmp_path):
    with pytest.raises(WorkbenchError, match="does not exist"):
        sha256_file(tmp_path / "nope")
    with pytest.raises(WorkbenchError, match="folder"):
        sha256_file(tmp_path)


def _tree(tmp_path: Path) -> tuple[Path, Path, str]:
    root = tmp_path / "moved"
    (root / "a" / "b").mkdir(parents=True)
    (root / "other.txt").write_text("unrelated")
    (root / "a" / "same_size.bin").write_bytes(b"y" * 4096)
    target = root / "a" / "b" / "P012_play.bin"
    target.write_bytes(b"z" * 4096)
    return root, target, hashlib.sha256(b"z" * 4096).hexdigest()


def test_find_by_hash_recursive(tmp_path):
    root, target, digest = _tree(tmp_path)
    assert find_by_hash(root, digest) == target
    assert find_by_hash(root, digest.upper(), size=4096) == target
    assert find_by_hash(root, hashlib.sha256(b"absent").hexdigest()) is None


def test_find_by_hash_checks_size_first(tmp_path, monkeypatch):
    root, target, digest = _tree(tmp_path)
    hashed = []
    real = hashing.sha256_file
    monkeypatch.setattr(hashing, "sha256_file", lambda p, **kw: hashed.append(Path(p).name) or real(p, **kw))
    assert find_by_hash(root, digest, size=4096) == target
    assert "other.txt" not in hashed
    hashed.clear()
    assert find_by_hash(root, digest, size=12345) is None
    assert hashed == []


def test_find_moved_media(tmp_path):
    name = "video/intel_asl_thanks.mkv"
    moved = tmp_path / "new_place" / "sub" / "thanks_renamed.mkv"
    moved.parent.mkdir(parents=True)
    shutil.copy(MEDIA / name, moved)
    shutil.copy(MEDIA / "speech/pyannote_sample.wav", tmp_path / "new_place" / "x.wav")
    row = MANIFEST[name]
    assert find_by_hash(tmp_path, row["sha256"], size=int(row["size_bytes"])) == moved


def test_find_by_hash_rejects_non_folder(tmp_path):
    with pytest.raises(WorkbenchError, match="not a folder"):
        find_by_hash(tmp_path / "missing", "00")


def test_find_by_hash_cancel(tmp_path):
    root, _, digest = _tree(tmp_path)
    with pytest.raises(Cancelled):
        find_by_hash(root, digest, cancelled=lambda: True)
