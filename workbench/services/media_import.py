"""Importing media files into a project: probe, verify, hash, copy (or link), then record.

One call is one user action: every file is checked before anything is written, so a bad file
refuses the whole batch with a clear message and leaves the project unchanged.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from workbench.media.hashing import find_by_hash, sha256_file
from workbench.media.probe import MediaInfo, probe, verify_decodable
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output
from workbench.model.records import Change, MediaRecord, NewMedia
from workbench.model.tasks import CancelFn, ProgressFn, TaskState
from workbench.services.project import Project
from workbench.store import participants

MEDIA_SUFFIXES = {
    ".wav",
    ".flac",
    ".mp3",
    ".m4a",
    ".aac",
    ".ogg",
    ".opus",
    ".wma",
    ".mp4",
    ".mov",
    ".mkv",
    ".webm",
    ".avi",
    ".m4v",
    ".mpg",
    ".mpeg",
    ".wmv",
    ".3gp",
    ".mts",
}


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files given directly, plus media files (by suffix) inside any folder given, sorted."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES)
        else:
            found.append(path)
    if not found:
        raise WorkbenchError("No media files to import.")
    return found


def _stream_dicts(info: MediaInfo) -> list[dict]:
    return [dataclasses.asdict(s) for s in info.streams]


def _stored_name(digest: str, suffix: str) -> str:
    """Copies are named by content, never by participant or original file name, so a masked rater
    who is given a media path learns nothing from it."""
    return f"{digest[:2]}/{digest[:24]}{suffix.lower()}"


def import_media(
    project: Project,
    files: Iterable[Path],
    pseudonym: str,
    timepoint: str | None = None,
    task: str | None = None,
    link: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    database: Callable[[Callable[[], Change]], Change] | None = None,
) -> Change:
    """Import ``files`` (or media inside folders) for participant ``pseudonym``.

    ``link`` keeps files where they are (path stored relative to the project; their names may reveal
    who or when, so copy for blind rating); otherwise they are copied into ``media/`` under a name
    made from their SHA-256. Probing, hashing and copying run wherever this is called; the one
    transaction that stores the media goes through ``database(step)`` when given.
    """
    state = TaskState(progress, cancelled)
    sources = collect_files(files)
    checked: list[tuple[Path, MediaInfo, str]] = []
    for i, source in enumerate(sources):
        step = state.sub(i / len(sources) * 0.6, (i + 1) / len(sources) * 0.6)
        step.report(0, f"Checking {source.name}")
        info = probe(source)
        verify_decodable(source)
        checked.append((source, info, sha256_file(source, step.progress, state.cancelled)))
    _refuse_repeats(checked)
    folder = project.media_root / "media"
    copied: list[Path] = []
    items: list[NewMedia] = []
    try:
        for i, (source, info, digest) in enumerate(checked):
            state.check()
            state.report(0.6 + 0.35 * i / len(checked), f"Copying {source.name}")
            if link:
                stored = source
            else:
                stored = folder / _stored_name(digest, source.suffix)
                if not stored.exists():  # the same recording for another participant shares the copy
                    stored.parent.mkdir(parents=True, exist_ok=True)
                    _copy(source, stored)
                    copied.append(stored)
            items.append(_new_media(project, stored, source.name, info, digest, link))
        add = lambda: participants.add_media(project.db, pseudonym, items, timepoint, task)  # noqa: E731
        change = database(add) if database is not None else add()  # the window's one database thread
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    state.report(1.0, change.description)
    return change


def _refuse_repeats(checked: list[tuple[Path, MediaInfo, str]]) -> None:
    seen: dict[str, Path] = {}
    for source, _info, digest in checked:
        if digest in seen:
            raise WorkbenchError(f"{source.name} and {seen[digest].name} are the same recording.")
        seen[digest] = source


def _copy(source: Path, target: Path) -> None:
    try:
        with atomic_output(target) as handle, source.open("rb") as original:
            shutil.copyfileobj(original, handle, 1024 * 1024)
    except OSError as exc:
        raise WorkbenchError(f"Cannot copy {source.name} into the project: {exc.strerror}") from exc


def _new_media(
    project: Project, stored: Path, original: str, info: MediaInfo, digest: str, linked: bool
) -> NewMedia:
    return NewMedia(
        path=project.relative_media_path(stored),
        original_name=original,
        sha256=digest,
        size_bytes=info.size_bytes,
        duration_ms=info.duration_ms,
        kind=info.kind,
        container=info.container,
        streams=_stream_dicts(info),
        variable_frame_rate=info.variable_frame_rate,
        frame_rate=info.frame_rate,
        frame_count=info.frame_count,
        width=info.width,
        height=info.height,
        linked=linked,
    )


def missing_media(project: Project) -> list:
    """Media items whose file is not where the project expects it."""
    return [m for m in participants.list_media(project.db) if not project.media_path(m).is_file()]


def relink_media(
    project: Project,
    search_folder: Path,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> Change:
    """Find each missing media file under ``search_folder`` by size and SHA-256 and store its new path.

    Files found are relinked in one transaction; the change says how many were still not found.
    """
    state = TaskState(progress, cancelled)
    missing = missing_media(project)
    found: dict[int, str] = {}
    for i, media in enumerate(missing):
        step = state.sub(i / max(1, len(missing)), (i + 1) / max(1, len(missing)))
        step.report(0, f"Looking for {media.original_name}")
        path = find_by_hash(
            search_folder,
            media.sha256,
            size=media.size_bytes,
            progress=step.progress,
            cancelled=state.cancelled,
        )
        if path is not None:
            found[media.id] = project.relative_media_path(path)
    change = participants.relink_media(project.db, found)
    state.report(1.0, change.description)
    return Change(f"{change.description}; {len(missing) - len(found)} still missing", updated=change.updated)


def duration_gap(media: MediaRecord, duration_ms: int) -> str | None:
    """Why a file of ``duration_ms`` is not the recording a placeholder stands for (its length differs
    from the one the coding tool recorded by more than a second), or None when it may be."""
    if media.duration_ms and abs(duration_ms - media.duration_ms) > 1000:
        return f"lasts {duration_ms / 1000:.1f} s, the coding tool recorded {media.duration_ms / 1000:.1f} s"
    return None


def _placeholder_file(
    project: Project, source: Path, info: MediaInfo, link: bool, state: TaskState, copied: list[Path]
) -> NewMedia:
    """``source`` checked, hashed and (unless ``link``) copied in (noted in ``copied``), as a file for a
    placeholder."""
    verify_decodable(source)
    digest = sha256_file(source, state.progress, state.cancelled)
    stored = source if link else project.media_root / "media" / _stored_name(digest, source.suffix)
    if not link and not stored.exists():
        stored.parent.mkdir(parents=True, exist_ok=True)
        _copy(source, stored)
        copied.append(stored)
    return _new_media(project, stored, source.name, info, digest, link)


def link_placeholder_file(
    project: Project,
    media_id: int,
    source: Path,
    link: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    database: Callable[[Callable[[], Change]], Change] | None = None,
) -> Change:
    """Give one "media not linked" placeholder the file ``source`` the user picked (any name), checked as
    :func:`link_placeholders` checks (refused when its duration differs by more than a second), copied
    in (or, with ``link``, kept in place); the store step goes through ``database`` when given."""
    state = TaskState(progress, cancelled)
    media = participants.get_media(project.db, media_id)
    if not media.not_linked:
        raise WorkbenchError(f"{media.original_name} is not waiting for its file (it is no placeholder).")
    info = probe(source)
    gap = duration_gap(media, info.duration_ms)
    if gap:
        raise WorkbenchError(
            f"{source.name} is not the recording of {media.original_name}: it {gap}. Nothing was linked."
        )
    copied: list[Path] = []
    try:
        new = _placeholder_file(project, source, info, link, state, copied)
        state.check()

        def store() -> Change:
            return participants.link_placeholder(project.db, media_id, new)

        return database(store) if database is not None else store()
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise


def link_placeholders(
    project: Project,
    folder: Path,
    link: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    pseudonym: str | None = None,
) -> Change:
    """Give each "media not linked" placeholder (from a BORIS or ELAN import) the file of its name under
    ``folder``, checked as an import is (a file whose duration differs from the one the other tool
    recorded by more than a second is not taken); copied in (or, with ``link``, kept in place) and
    stored in one transaction, under participant ``pseudonym`` when given. The observations coded
    against a placeholder keep it, now with its file.
    """
    state = TaskState(progress, cancelled)
    waiting = [m for m in participants.list_media(project.db) if m.not_linked]
    if not waiting:
        raise WorkbenchError(
            "No media items are waiting for their files (no 'media not linked' placeholders)."
        )
    files = {f.name: f for f in reversed(collect_files([folder]))}
    found: dict[int, NewMedia] = {}
    skipped: list[str] = []
    copied: list[Path] = []
    try:
        for i, media in enumerate(waiting):
            source = files.get(media.original_name)
            if source is None:
                skipped.append(f"{media.original_name} (not found)")
                continue
            step = state.sub(i / len(waiting), (i + 1) / len(waiting))
            step.report(0, f"Checking {source.name}")
            info = probe(source)
            gap = duration_gap(media, info.duration_ms)
            if gap:
                skipped.append(f"{media.original_name} ({gap})")
                continue
            found[media.id] = _placeholder_file(project, source, info, link, step, copied)
        with project.db.transaction():
            for media_id, new in found.items():
                participants.link_placeholder(project.db, media_id, new, pseudonym)
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    names = ", ".join(n.original_name for n in found.values()) or "none"
    rest = f"; not linked: {', '.join(skipped)}" if skipped else ""
    state.report(1.0, f"Linked {len(found)} media file(s)")
    return Change(f"Linked {len(found)} media file(s): {names}{rest}", updated={"media": tuple(found)})
