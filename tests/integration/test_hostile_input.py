"""Hostile and broken input through the public entry points (the CLI's ``main`` and the service
functions): each case is refused with one clear line and leaves the project exactly as it was
(every file under the folder, and every table's row count). Names and search strings full of
quotes and SQL are stored and found verbatim; paths with spaces and non-ASCII characters work."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.coding.codebook import Code, Codebook
from workbench.exchange.refi_qdc import write_qdc
from workbench.exchange.transcripts import import_transcript
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment
from workbench.services.media_import import import_media
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import codebooks, coding_ops, participants, text_search, transcripts

NASTY = [
    "Robert'); DROP TABLE participants;--",
    'P"001" OR 1=1 --',
    "%_\\' UNION SELECT * FROM audit_log; /*",
    "ö'ü\"ß — ☃ \u202e\u0000".replace("\u0000", ""),
]
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<{root}>&lol9;</{root}>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<{root}>&xxe;</{root}>
"""


# --- the project and its snapshot ---------------------------------------------------------------


@pytest.fixture
def project_folder(tmp_path) -> Path:
    """A project in a folder with spaces, quotes and non-ASCII characters, holding some data."""
    folder = tmp_path / "Trial 'COS-P' — Leeds ünï ☃"
    project = Project.create(folder)
    participants.add_participant(project.db, "P001", site="Leeds")
    project.close()
    Project.open(folder).close()  # the routine backup on open is made now, not during a case
    return folder


def snapshot(folder: Path) -> tuple[dict, dict]:
    """(every file's SHA-256 except the live database files, every table's row count)."""
    files = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(PROJECT_FILE)
    }
    with sqlite3.connect(folder / PROJECT_FILE) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    return files, counts


def refused(capsys, argv: list[str], *words: str) -> str:
    """Run the CLI; it must fail with exactly one line on stderr containing ``words``."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code != 0, err
    messages = [line for line in err.splitlines() if line.startswith("workbench:")]  # besides progress lines
    assert len(messages) == 1 and messages[0].startswith("workbench: error:"), err
    assert "Traceback" not in err and "unexpected error" not in err, err
    for word in words:
        assert word.lower() in messages[0].lower(), err
    return messages[0]


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _qde(root: str = "Project") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><{root} xmlns="urn:QDA-XML:project:1.0" name="x" origin="y"/>'
    ).encode()


# --- archives and XML -----------------------------------------------------------------------------


def hostile_files(tmp: Path, media: Path) -> list[tuple[str, list, tuple[str, ...]]]:
    """(case, argv after the project, words the message must hold)."""
    cases = []
    slip = _zip(
        tmp / "slip.qdpx",
        {"project.qde": _qde(), "../../evil.txt": b"pwned", "sources/../../../etc/cron.d/x": b"*"},
    )
    cases.append(("zip slip", ["import", "qdpx", slip, "--codebook-only"], ("unsafe path",)))
    bomb = _zip(tmp / "bomb.qdpx", {"project.qde": _qde(), "sources/big.txt": b"\0" * (60 * 1024 * 1024)})
    cases.append(("zip bomb", ["import", "qdpx", bomb, "--codebook-only"], ("zip bomb",)))
    for suffix, fmt, root in (
        ("qdc", "qdc", "CodeBook"),
        ("qde", "qdpx", "Project"),
        ("eaf", "eaf", "ANNOTATION_DOCUMENT"),
    ):
        laughs = tmp / f"laughs.{suffix}"
        laughs.write_text(BILLION_LAUGHS.format(root=root))
        xxe = tmp / f"xxe.{suffix}"
        xxe.write_text(EXTERNAL_ENTITY.format(root=root))
        extra = ["--codebook-only"] if fmt == "qdpx" else []
        cases.append((f"billion laughs .{suffix}", ["import", fmt, laughs] + extra, ("entit",)))
        cases.append((f"external entity .{suffix}", ["import", fmt, xxe] + extra, ("entit",)))
    inner = _zip(tmp / "laughs-inside.qdpx", {"project.qde": BILLION_LAUGHS.format(root="Project").encode()})
    cases.append(("billion laughs inside .qdpx", ["import", "qdpx", inner, "--codebook-only"], ("entit",)))
    deep = tmp / "deep.boris"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    cases.append(("deeply nested .boris", ["import", "boris", deep], ("nested",)))
    huge = tmp / "huge.boris"
    huge.write_text('{"project_format_version": "7.0", "pad": "' + "x" * (30 * 1024 * 1024) + '"}')
    cases.append(("huge .boris", ["import", "boris", huge], ("MB",)))
    wide = tmp / "wide.boris"
    wide.write_text(
        json.dumps({"observations": {f"o{i}": {"events": [[i, "a"]] * 50} for i in range(20000)}})
    )
    cases.append(("large .boris without an ethogram", ["import", "boris", wide], ("boris",)))
    for fmt, suffix in (("qdc", "qdc"), ("qdpx", "qdpx"), ("boris", "boris"), ("eaf", "eaf")):
        empty = tmp / f"empty.{suffix}"
        empty.write_bytes(b"")
        cases.append((f"0-byte .{suffix}", ["import", fmt, empty], ("empty",)))
    return cases


def test_hostile_files_are_refused_and_change_nothing(project_folder, tmp_path, shared_media, capsys):
    before = snapshot(project_folder)
    cases = hostile_files(tmp_path, shared_media)
    for name, argv, words in cases:
        refused(capsys, argv[:3] + ["--project", project_folder] + argv[3:], *words)
        assert snapshot(project_folder) == before, name
    assert not (tmp_path.parent / "evil.txt").exists()


# --- media ----------------------------------------------------------------------------------------


def test_broken_media_is_refused_and_changes_nothing(project_folder, tmp_path, shared_media, capsys):
    video = (shared_media / "video" / "intel_asl_thanks.mkv").read_bytes()
    truncated = tmp_path / "play truncated.mkv"
    truncated.write_bytes(video[: len(video) // 2])
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    renamed = tmp_path / "notes.mp4"
    renamed.write_text("Interview notes, not a video.\n" * 100)
    before = snapshot(project_folder)
    for path, words in ((truncated, ("truncated",)), (empty, ("empty",)), (renamed, ("not",))):
        refused(capsys, ["import-media", project_folder, path, "--participant", "P001"], path.name, *words)
        assert snapshot(project_folder) == before, path.name
    good = tmp_path / "good.wav"
    good.write_bytes((shared_media / "speech" / "whisper_jfk.flac").read_bytes())
    refused(
        capsys, ["import-media", project_folder, good, empty, "--participant", "P001"]
    )  # whole batch refused
    assert snapshot(project_folder) == before


# --- transcripts ----------------------------------------------------------------------------------


def test_broken_transcript_files_are_refused(tmp_path):
    latin = tmp_path / "interview latin-1.txt"
    latin.write_bytes("[00:00:01] Interviewer: Café, naïve, déjà vu\n".encode("latin-1"))
    empty = tmp_path / "empty.srt"
    empty.write_bytes(b"")
    binary = tmp_path / "video.vtt"
    binary.write_bytes(bytes(range(256)) * 100)
    for path, word in ((latin, "UTF-8"), (empty, "empty"), (binary, "")):
        with pytest.raises(WorkbenchError) as caught:
            import_transcript(path)
        message = str(caught.value)
        assert "\n" not in message and word in message and path.name in message, message


def test_ten_megabyte_single_line_text(tmp_path):
    text = ("word " * (2 * 1024 * 1024)).strip()
    bare = tmp_path / "one line.txt"
    bare.write_text(text)
    with pytest.raises(WorkbenchError, match="no time stamps") as caught:
        import_transcript(bare)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200
    stamped = tmp_path / "one stamped line.txt"
    stamped.write_text("[00:00:01] Participant: " + text)
    imported = import_transcript(stamped)  # valid, if odd: one paragraph, read whole, no hang
    assert [s.text for s in imported.segments] == [text]


# --- names and search strings full of quotes and SQL ---------------------------------------------


def test_quotes_and_sql_are_stored_and_found_verbatim(project_folder, tmp_path, shared_media, capsys):
    media = tmp_path / 'mère & bébé\'s "play" (take 2).flac'
    media.write_bytes((shared_media / "speech" / "whisper_jfk.flac").read_bytes())
    assert main(["import-media", str(project_folder), str(media), "--participant", NASTY[0]]) == 0
    book = Codebook(
        "Book ' \" ; --",
        [Code(f"c0000000-0000-0000-0000-00000000000{i}", name) for i, name in enumerate(NASTY)],
    )
    qdc = tmp_path / "nasty codes.qdc"
    write_qdc(book, qdc)
    assert main(["import", "qdc", str(qdc), "--project", str(project_folder), "--codebook", book.name]) == 0
    project = Project.open(project_folder)
    db = project.db
    for pseudonym in NASTY[1:]:
        participants.add_participant(db, pseudonym, attributes={"note": pseudonym})
    text = " ".join(NASTY)
    tid = transcripts.add_transcript(db, NASTY[1], 'it\'s a "test"', [NewSegment(0, 1000, text)]).created_id(
        "transcripts"
    )
    memo = NASTY[2] + " and " + NASTY[0]
    coding_ops.add_memo(db, project.coder.id, "transcript", tid, memo, title=NASTY[3])
    stored = {p.pseudonym for p in participants.list_participants(db)}
    assert set(NASTY) | {"P001"} == stored
    (item,) = participants.find_participant(db, NASTY[0]).media
    assert item.original_name == media.name and project.media_path(item).is_file()
    loaded = codebooks.load_codebook(db, book.name)
    assert [c.name for c, _ in loaded.walk()] == NASTY
    for needle in NASTY + ["'", '"', "%", "_", "--", ";"]:
        hits = text_search.search_text(db, needle, mode="exact", case_sensitive=True)
        assert hits and all(h.match == needle and h.transcript_id == tid for h in hits), needle
        assert {h.participant for h in hits} == {NASTY[1]}
    assert text_search.search_text(db, "' OR '1'='1", mode="exact") == []
    project.close()
    with sqlite3.connect(project_folder / PROJECT_FILE) as conn:
        assert conn.execute("SELECT text, title FROM memos").fetchall() == [(memo, NASTY[3])]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_project_and_media_paths_with_spaces_and_non_ascii(tmp_path, shared_media):
    folder = tmp_path / "Études d'été" / "COS-P projekt 北"
    source_dir = tmp_path / "Vidéos de l'étude ✓"
    source_dir.mkdir()
    source = source_dir / "jeu libre — séance 1.mkv"
    source.write_bytes((shared_media / "video" / "intel_asl_thanks.mkv").read_bytes())
    assert main(["new", str(folder)]) == 0
    assert main(["import-media", str(folder), str(source_dir), "--participant", "Zoë-01"]) == 0
    linked = tmp_path / "linked ünï" / "écoute 1.flac"
    linked.parent.mkdir()
    linked.write_bytes((shared_media / "speech" / "whisper_jfk.flac").read_bytes())
    project = Project.open(folder)
    import_media(project, [linked], "Zoë-01", link=True)
    items = {m.original_name: m for m in participants.find_participant(project.db, "Zoë-01").media}
    assert set(items) == {source.name, linked.name}
    assert project.media_path(items[linked.name]) == linked.resolve()
    assert project.media_path(items[source.name]).is_file()
    project.close()
    assert main(["backup", str(folder), "--out", str(tmp_path / "sauvegarde é.sqlite")]) == 0
