"""Nothing written or sent where the user was not told (issue 11, item 7).

Every command, and a window session, run as a new user would run them: a fresh home folder, no
network (``unshare -n``), traced by strace. The README tells the user of the project folders, the
files they name, ``~/.config/workbench`` and ``~/.cache/workbench``; anything left elsewhere fails,
as does any attempted connection (other than to the configured PostgreSQL server, below).
Without strace (or where it may not trace) the connection checks skip (CI installs it) and only the listings of the home,
temporary and runtime folders are compared; without ``unshare -n`` the commands run with the
network the machine has, and the test that records this skips, saying why.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sandbox import PYTHON, STRACE, Sandbox

SHARED = Path(__file__).resolve().parents[3] / "shared"
SPEECH = SHARED / "media" / "speech"
TWO_SPEAKERS = str(SPEECH / "fasterwhisper_stereo_diarization.wav")  # 5 s
JFK = str(SPEECH / "whisper_jfk.flac")  # 11 s
BORIS = str(SHARED / "interop" / "boris" / "test.boris")
QDPX = str(SHARED / "interop" / "refi_qdpx" / "qc1.3.2_demo.qdpx")
WINDOW = str(Path(__file__).with_name("window_session.py"))
VOICE_ENCODER = Path(__file__).resolve().parents[2] / "transcription" / "models" / "voice_encoder.onnx"

# (what it is, the command line); run in this order in one work folder
COMMANDS = [
    ("help", ["--help"]),
    ("self-check", ["self-check", "--allow-missing", "audio"]),
    ("new project", ["new", "study"]),
    ("import media", ["import-media", "study", TWO_SPEAKERS, "--participant", "P001"]),
    ("probe", ["media", "probe", JFK]),
    ("demo", ["demo", "demo"]),
    ("transcribe into a project", ["transcribe", TWO_SPEAKERS, "--speakers", "2", "--project", "demo", "--participant", "P001"]),
    ("transcribe in two worker processes", ["transcribe", JFK, TWO_SPEAKERS, "--speakers", "2", "--jobs", "2", "--out", "t.txt"]),
    ("import qdpx", ["import", "qdpx", QDPX, "--project", "study", "--participant", "P001"]),
    ("pseudonymise (spaCy)", ["pseudonymise", "--project", "study", "--suggest", "--out", "review.csv"]),
    ("find similar (sentence model)", ["similar", "--project", "study", "--text", "equity for all students"]),
    ("suggest codings", ["suggest", "--project", "study", "--code", "rq1_definition/rationales/equity", "--json"]),
    ("independent coding", ["independent-coding", "on", "study"]),
    ("assignments", ["assignments", "--project", "demo"]),
    *[
        (f"import boris as {rater}", ["import", "boris", BORIS, "--project", "demo", "--coder", rater, "--media", "observation #1=intel_one-by-one-person-detection.mp4", "--accept-losses"])
        for rater in ("Rater A", "Rater B")
    ],
    ("export events", ["export", "events", "--project", "demo", "--out", "events.xlsx"]),
    ("export extracts", ["export", "extracts", "--project", "study", "--out", "extracts.docx"]),
    ("reliability with plots", ["reliability", "--project", "demo", "--material", "observations", "--out", "reliability.html"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A new user runs every command, then opens the window on the demo project."""
    sandbox = Sandbox(tmp_path_factory.mktemp("fresh-user"))
    for what, args in COMMANDS:
        done = sandbox.run(*args)
        assert done.returncode == 0, f"{what}: {done.stderr[-3000:]}"
    done = sandbox.run(WINDOW, "demo", program=PYTHON)
    assert done.returncode == 0, f"window session: {done.stderr[-3000:]}"
    written = sorted(p.name for p in sandbox.work.iterdir() if p.is_file())
    assert written == [
        "events.xlsx",
        "extracts.docx",
        "reliability.html",
        "review.csv",
        "t-fasterwhisper_stereo_diarization.txt",
        "t-whisper_jfk.txt",
    ]
    return sandbox


def test_nothing_is_left_outside_the_folders_the_user_was_told_of(session):
    assert session.stray_files() == []
    # what the README names is where it was written
    assert (session.home / ".config" / "workbench" / "recent.json").is_file()
    assert any((session.home / ".cache" / "workbench" / "matplotlib").iterdir())


@pytest.mark.skipif(STRACE is None, reason="strace is not installed: connection attempts cannot be seen")
def test_no_connection_is_attempted(session):
    # the only ones allowed: the local sound server's socket (PulseAudio: the session's or the system's)
    def sound(c: str) -> bool:
        return c.startswith("sa_family=AF_UNIX") and c.endswith('pulse/native"')

    assert [c for c in session.connections() if not sound(c)] == []


def test_the_commands_ran_without_a_network(session):
    if not session.no_network:
        pytest.skip(f"the commands ran with the machine's network: {session.why_network}")
    assert session.no_network[0] == "unshare"


def test_the_sandbox_sees_what_it_must_catch(tmp_path):
    """The checks fail on a stray file in the home, temporary or any other folder, and on a connection."""
    sandbox = Sandbox(tmp_path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    script = (
        "import os, pathlib, socket\n"
        "home = pathlib.Path.home() / '.cache' / 'Microsoft' / 'DeveloperTools'\n"
        "home.mkdir(parents=True); (home / 'deviceid').write_text('x')\n"
        "(pathlib.Path(os.environ['TMPDIR']) / '.ses').write_text('x')\n"
        f"pathlib.Path({str(elsewhere)!r}).write_text('x')\n"
        "pathlib.Path('ok.txt').write_text('told')\n"
        "try:\n    socket.create_connection(('192.0.2.1', 443), timeout=0.5)\nexcept OSError:\n    pass\n"
    )
    assert sandbox.run("-c", script, program=PYTHON).returncode == 0
    stray = sandbox.stray_files()
    assert str(sandbox.home / ".cache" / "Microsoft" / "DeveloperTools" / "deviceid") in stray
    assert str(sandbox.tmp / ".ses") in stray
    assert (str(elsewhere) in stray) == (STRACE is not None)  # only a trace sees outside the listed folders
    assert not any("ok.txt" in s for s in stray)
    if STRACE:
        assert any("192.0.2.1" in c and "443" in c for c in sandbox.connections())


@pytest.mark.skipif(STRACE is None, reason="strace is not installed: connection attempts cannot be seen")
@pytest.mark.postgres
def test_a_server_project_connects_to_its_server_only(pg_url, tmp_path):
    sandbox = Sandbox(tmp_path)
    server = urlsplit(pg_url)
    for args in (
        ["team", "init", "--db", pg_url],
        ["--db", pg_url, "import-media", TWO_SPEAKERS, "--participant", "P001", "--link"],
        ["--db", pg_url, "export", "events", "--out", "events.csv"],
    ):
        done = sandbox.run(*args, network=True)
        assert done.returncode == 0, f"{args[:3]}: {done.stderr[-3000:]}"
    assert sandbox.stray_files() == []
    attempts = sandbox.connections()
    assert attempts, "the commands reached the server without a traced connect()"
    port = server.port or 5432
    allowed = (
        f"htons({port})",  # the server's port, whichever address localhost resolved to
        f"/.s.PGSQL.{port}",  # or its Unix socket
        "/nscd/socket",  # libpq looks up the local user's account (glibc's name-service cache)
    )
    assert [a for a in attempts if not any(ok in a for ok in allowed)] == []


@pytest.mark.skipif(sys.platform != "linux", reason="onnxruntime's telemetry is checked on Linux")
def test_onnxruntime_loaded_outside_transcription_would_be_caught(tmp_path):
    """Why onnxruntime is reached only through ``transcription`` (an import-linter contract): loaded
    directly, without ``transcription.quiet``'s switch, 1.29 and later leave a device id behind."""
    ort = pytest.importorskip("onnxruntime")
    if tuple(int(p) for p in ort.__version__.split(".")[:2]) < (1, 29):
        pytest.skip(f"onnxruntime {ort.__version__} has no 1DS telemetry")
    sandbox = Sandbox(tmp_path)
    load = f"import onnxruntime; onnxruntime.InferenceSession({str(VOICE_ENCODER)!r})"
    assert sandbox.run("-c", load, program=PYTHON).returncode == 0
    assert any("DeveloperTools" in s for s in sandbox.stray_files())
    sandbox = Sandbox(tmp_path / "silenced")
    assert sandbox.run("-c", f"import transcription; {load}", program=PYTHON).returncode == 0
    assert sandbox.stray_files() == []
