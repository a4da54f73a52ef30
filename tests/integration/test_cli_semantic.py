"""`workbench similar` and `workbench suggest` on a real project folder (SQLite), with the real model."""

from __future__ import annotations

import json

import pytest
from coding_fixtures import build

from tests.db_dump import dump
from workbench.cli import main
from workbench.nlp.embedding import MODEL_ENV
from workbench.services.project import Project
from workbench.store.engine import sqlite_url
from workbench.store.text_search import document_texts
from workbench.store.transcript_list import list_transcripts


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "study"
    assert main(["new", str(folder)]) == 0
    study = build(sqlite_url(folder / "project.sqlite"))
    study.db.dispose()
    return folder


def run_json(capsys, *args):
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_similar_by_phrase_prints_ranked_passages_with_source_span_text_and_score(folder, capsys):
    found = run_json(
        capsys, "similar", "--project", str(folder), "--text", "I was nervous and worried", "--top", "3"
    )
    assert len(found) == 3
    assert set(found[0]) >= {"source", "start", "end", "text", "score", "participant"}
    assert found[0]["text"] == "I feel calmer now, I am less anxious." or "anxious" in found[0]["text"]
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)
    capsys.readouterr()
    assert main(["similar", "--project", str(folder), "--text", "the bus was late", "--top", "1"]) == 0
    line = capsys.readouterr().out.strip()
    assert "P003 interview (P003)" in line and "the bus was always late" in line


def test_similar_by_span_leaves_the_span_itself_out(folder, capsys):
    project = Project.open(folder, auto_backup=False)
    (tid,) = [t.id for t in list_transcripts(project.db) if t.name == "P001 interview"]
    text = document_texts(project.db, [tid])[tid]
    project.close()
    start = text.index("I felt really anxious")
    end = text.index("kind.") + len("kind.")
    found = run_json(
        capsys,
        "similar",
        "--project",
        str(folder),
        "--transcript",
        "P001 interview",
        "--span",
        f"{start}:{end}",
    )
    assert found and all(not (f["source"] == "P001 interview" and f["start"] == start) for f in found)
    assert any("less anxious" in f["text"] for f in found[:3])


def test_suggest_for_a_code_path(folder, capsys):
    found = run_json(capsys, "suggest", "--project", str(folder), "--code", "Feelings/Anxiety", "--top", "2")
    assert len(found) == 2 and "anxious" in found[0]["text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["similar", "--text", "x", "--top", "0"], "--top must be between"),
        (["similar", "--transcript", "P001 interview"], "--transcript needs --span"),
        (["similar", "--transcript", "P001 interview", "--span", "5"], "--span takes two"),
        (["similar", "--transcript", "P001 interview", "--span", "0:99999"], "not inside the transcript"),
        (["similar", "--transcript", "Nobody", "--span", "0:5"], "No transcript called"),
        (["suggest", "--code", "Feelings"], "is a heading"),
        (["suggest", "--code", "Nope"], "No code 'Nope'"),
    ],
)
def test_bad_requests_are_one_line_and_change_nothing(folder, capsys, args, message):
    project = Project.open(folder, auto_backup=False)
    before = dump(project.db)
    project.close()
    capsys.readouterr()
    assert main([args[0], "--project", str(folder), *args[1:]]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and err.count("\n") == 0
    project = Project.open(folder, auto_backup=False)
    assert dump(project.db) == before
    project.close()


def test_a_missing_or_altered_model_disables_the_feature_with_one_message(
    folder, capsys, tmp_path, monkeypatch
):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    for path in (tmp_path / "missing.onnx", fake):
        monkeypatch.setenv(MODEL_ENV, str(path))
        capsys.readouterr()
        assert main(["similar", "--project", str(folder), "--text", "worried"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("workbench: error: Semantic search and code suggestions are off:")
        assert err.count("\n") == 0 and "Traceback" not in err
