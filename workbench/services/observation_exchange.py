"""BORIS and ELAN files into and out of a project (no Qt): the mapping between the plain
``CodedProject`` that ``workbench.exchange.boris`` / ``elan`` read and write and the store.

An import is one unit of work: the file is read and every observation checked (media known,
events allowed by the scheme, no observation of that media by that coder with that scheme,
neither in the project nor twice in the file) before anything is written; then the scheme and
all observations are written in one transaction, so a failure, a bad value or a cancel leaves
the project as it was. A conflict with another writer repeats the whole import.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.coding import observation as ob
from workbench.exchange import boris, elan
from workbench.exchange.coded import CodedObservation, CodedProject, keyless_note
from workbench.model.errors import WorkbenchError
from workbench.model.tasks import TaskState
from workbench.store import datasets, participants, people, schemes
from workbench.store import observations as obs_store
from workbench.store.engine import Database, retrying


def media_by_name(db: Database) -> dict[str, int]:
    """Project media by original file name (and by stored path), for matching files named in imports."""
    found: dict[str, int] = {}
    for media in participants.list_media(db):
        found.setdefault(media.original_name, media.id)
        found.setdefault(media.path.rsplit("/", 1)[-1], media.id)
    return found


def find_media(db: Database, spec: str) -> int:
    """The media item named by ``spec``: its id or its file name as imported."""
    if spec.isdigit() and any(m.id == int(spec) for m in participants.list_media(db)):
        return int(spec)
    found = media_by_name(db).get(Path(spec).name)
    if found is None:
        raise WorkbenchError(f"No media item {spec!r} in this project (give its id or file name).")
    return found


def find_coder(db: Database, name: str) -> int:
    coder = people.coder_by_name(db, name)
    if coder is None:
        raise WorkbenchError(f"No coder called {name!r} in this project.")
    return coder.id


# --- into a project -----------------------------------------------------------------------------


def _plan(db: Database, coded: CodedProject, coder_id: int, media_for: dict[str, int]):
    """(scheme, [(observation, media id)], lines): everything checked, nothing written."""
    existing = schemes.scheme_names(db)
    scheme = schemes.load_scheme(db, coded.scheme.name) if coded.scheme.name in existing else coded.scheme
    by_name = media_by_name(db)
    plan: list[tuple[CodedObservation, int]] = []
    lines = list(coded.notes)
    for observation in coded.observations:
        media_id = media_for.get(observation.name)
        if media_id is None:
            names = (f.rsplit("/", 1)[-1] for f in observation.media_files)
            media_id = next((by_name[n] for n in names if n in by_name), None)
        if media_id is None:
            lines.append(
                f"skipped observation {observation.name!r}: no media item in the project matches "
                f"{', '.join(observation.media_files) or 'it'} (name one with --media)"
            )
            continue
        for event in observation.events:
            try:
                ob.check_event(scheme, event)
            except WorkbenchError as exc:
                raise WorkbenchError(
                    f"observation {observation.name!r}: {exc} Nothing was imported."
                ) from None
        twin = next((o.name for o, m in plan if m == media_id), None)
        if twin is not None:
            raise WorkbenchError(
                f"observations {twin!r} and {observation.name!r} would both be this coder's observation "
                f"of media item {media_id} with {scheme.name!r}; give each its own media. "
                "Nothing was imported."
            )
        if obs_store.find_observation(db, media_id, coder_id, scheme.name) is not None:
            raise WorkbenchError(
                f"observation {observation.name!r}: this coder already has an observation of "
                f"media item {media_id} with {scheme.name!r}; nothing was imported"
            )
        plan.append((observation, media_id))
    return scheme, plan, lines


@retrying
def import_coded(
    db: Database,
    coded: CodedProject,
    coder_id: int,
    media_for: dict[str, int],
    progress=None,
    cancelled=None,
) -> list[str]:
    """Add the scheme (or reuse one of that name holding every code used) and each observation whose
    media is known (``media_for``: observation name -> media id; else matched by file name), all or
    nothing. Returns one line per thing done or skipped."""
    state = TaskState(progress, cancelled)
    with db.transaction():
        scheme, plan, lines = _plan(db, coded, coder_id, media_for)
        if coded.scheme.name not in schemes.scheme_names(db):
            schemes.add_scheme(db, coded.scheme, origin="imported")
            lines.append(
                f"added coding scheme {coded.scheme.name!r} ({len(coded.scheme.behaviours)} behaviours)"
            )
            lines += keyless_note(coded.scheme)
        for n, (observation, media_id) in enumerate(plan):
            state.check()
            state.report(n / max(len(plan), 1), f"Observation {n + 1} of {len(plan)}")
            oid = obs_store.create_observation(db, media_id, coder_id, scheme.name).created_id("observations")
            if observation.events:
                obs_store.add_events(db, oid, observation.events)
            lines.append(
                f"imported observation {observation.name!r}: {len(observation.events)} events "
                f"into media item {media_id}"
            )
        state.check()
    return lines


def read_boris(db: Database, path: Path, media_pairs: list[str]) -> tuple[CodedProject, dict[str, int]]:
    """A BORIS file and its ``OBSERVATION=MEDIA`` pairs (media by id or file name)."""
    media: dict[str, int] = {}
    for pair in media_pairs:
        name, sep, spec = pair.rpartition("=")
        if not sep or not name:
            raise WorkbenchError(f"--media takes OBSERVATION=MEDIA pairs, not {pair!r}")
        media[name] = find_media(db, spec)
    return boris.read_boris(path), media


def read_eaf(db: Database, path: Path, media: list[str]) -> tuple[CodedProject, dict[str, int]]:
    """An ELAN file (with the project's scheme when it is our own export) and the media it codes."""
    if len(media) > 1:
        raise WorkbenchError("An ELAN file codes one media item: give one --media")
    mark = elan.scheme_mark(path)
    scheme = schemes.load_scheme(db, mark) if mark and mark in schemes.scheme_names(db) else None
    data = elan.read_eaf(path, scheme)
    return data, ({data.observations[0].name: find_media(db, media[0])} if media else {})


def import_file(
    db: Database, fmt: str, path: Path, coder_id: int, media: list[str], progress=None, cancelled=None
) -> list[str]:
    """Import a BORIS (``fmt`` 'boris') or ELAN ('eaf') file, all or nothing."""
    reader = {"boris": read_boris, "eaf": read_eaf}[fmt]
    data, media_for = reader(db, Path(path), media)
    return import_coded(db, data, coder_id, media_for, progress, cancelled)


# --- out of a project ---------------------------------------------------------------------------


def coded_from_store(
    db: Database, observation_ids: list[int], names: dict[int, str], masked: bool = False
) -> CodedProject:
    """Observations of one scheme from the project, named by ``names`` (observation id -> name);
    ``masked`` leaves out the media file names and coders (a rater's export)."""
    records = [obs_store.observation_data(db, i) for i in observation_ids]
    scheme_names = {r.record.scheme for r in records}
    if len(scheme_names) != 1:
        raise WorkbenchError(
            "Export observations of one coding scheme at a time "
            f"(found: {', '.join(sorted(scheme_names)) or 'none'})."
        )
    scheme = schemes.load_scheme(db, scheme_names.pop())
    media = {m.id: m for m in participants.list_media(db)}
    coders = {c.id: c.name for c in people.list_coders(db)}
    return CodedProject(
        scheme,
        [
            CodedObservation(
                names[r.record.id],
                [] if masked else [media[r.record.media_id].original_name],
                list(r.events),
                "" if masked else coders.get(r.record.coder_id, ""),
            )
            for r in records
        ],
    )


def visible_observations(
    db: Database, viewer_id: int, masked: bool, scheme: str | None = None
) -> CodedProject:
    """The observations ``viewer_id`` may see (of ``scheme``, needed when there are several)."""
    names = datasets.observation_names(db, viewer_id)
    records = [r for r in obs_store.list_observations(db) if r.id in names]
    if len({r.scheme for r in records}) > 1 and not scheme:
        raise WorkbenchError("Observations use several schemes; choose one with --scheme.")
    wanted = scheme or (records[0].scheme if records else None)
    ids = [r.id for r in records if r.scheme == wanted]
    if not ids:
        raise WorkbenchError("There are no observations to export.")
    return coded_from_store(db, ids, names, masked=masked)


def export_file(
    db: Database, fmt: str, out: Path, viewer_id: int, masked: bool, scheme: str | None = None
) -> list[str]:
    """The visible observations as one BORIS project, or ELAN files (``out`` a folder for several);
    returns one line per note and file written."""
    data = visible_observations(db, viewer_id, masked, scheme)
    if fmt == "boris":
        boris.write_boris(data, out)
        return [f"Wrote {len(data.observations)} observation(s) to {out}"]
    targets = [out]
    if len(data.observations) > 1:
        Path(out).mkdir(parents=True, exist_ok=True)
        targets = [Path(out) / (re.sub(r"[^\w.-]+", "_", o.name) + ".eaf") for o in data.observations]
    lines = []
    for observation, target in zip(data.observations, targets):
        notes = elan.write_eaf(CodedProject(data.scheme, [observation]), target)
        lines += [f"{observation.name}: {note}" for note in notes] + [f"Wrote {target}"]
    return lines
