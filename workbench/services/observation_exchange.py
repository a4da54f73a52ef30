"""BORIS and ELAN files into and out of a project (no Qt): the mapping between the plain
``CodedProject`` that ``workbench.exchange.boris`` / ``elan`` read and write and the store.

An import is one unit of work: the file is read and every observation checked (events allowed by
the scheme, no observation of that name of that media by that coder with that scheme, neither in the
project nor twice in the file) and counted into an :class:`ImportReport` before anything is written;
an import that would leave anything out is refused unless the caller accepts the losses. Then the
scheme and all observations are written in one transaction: an observation whose video is not in the
project goes onto a "media not linked" placeholder (a live one with no video onto a live placeholder),
so no event is skipped. A failure, a bad value or a cancel leaves the project as it was; a conflict with
another writer repeats the whole import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbench.coding import observation as ob
from workbench.exchange import boris, elan
from workbench.exchange.coded import CodedObservation, CodedProject
from workbench.model.errors import WorkbenchError
from workbench.model.import_report import ImportReport
from workbench.model.tasks import TaskState
from workbench.store import datasets, participants, people, schemes
from workbench.store import observations as obs_store
from workbench.store.engine import Database, retrying, server_refusals


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

UNLINKED_PARTICIPANT = "media not linked"


class ImportLosses(WorkbenchError):
    """An import refused because it would leave something out; ``report`` says what (and the message
    is its text, then how to go on without those things)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{report.render()}\nNothing was imported: this import would leave the things above out "
            "(give --accept-losses to import the rest)."
        )
        self.report = report


@dataclass
class _Planned:
    """One observation to write: onto ``media_id``, or onto a placeholder (``media_id`` None)."""

    observation: CodedObservation
    media_id: int | None


def _media_for(observation: CodedObservation, media_for: dict[str, int], by_name: dict[str, int]):
    found = media_for.get(observation.name)
    if found is None:
        names = (f.rsplit("/", 1)[-1] for f in observation.media_files)
        found = next((by_name[n] for n in names if n in by_name), None)
    return found


def _plan(db: Database, coded: CodedProject, coder_id: int, media_for: dict[str, int], fmt: str, file: str):
    """(scheme, planned observations, report): everything checked, nothing written."""
    existing = schemes.scheme_names(db)
    scheme = schemes.load_scheme(db, coded.scheme.name) if coded.scheme.name in existing else coded.scheme
    by_name = media_by_name(db)
    report = ImportReport(fmt, file)
    report.notes.extend(coded.notes)
    for thing, reason in coded.losses:
        report.leave_out(thing, reason)
    for what, (held, kept) in coded.counts.items():
        report.count(what, held, kept)
    plan: list[_Planned] = []
    seen: dict[tuple[object, str], str] = {}
    for observation in coded.observations:
        if len(observation.name) > 200:
            raise WorkbenchError(
                f"observation {observation.name[:40]!r}...: a name of {len(observation.name)} characters "
                "(at most 200). Nothing was imported."
            )
        media_id = _media_for(observation, media_for, by_name)
        for event in observation.events:
            try:
                ob.check_event(scheme, event)
            except WorkbenchError as exc:
                raise WorkbenchError(
                    f"observation {observation.name!r}: {exc} Nothing was imported."
                ) from None
        target = media_id if media_id is not None else _placeholder_name(observation)
        twin = seen.get((target, observation.name))
        if twin is not None:
            raise WorkbenchError(
                f"observations {twin!r} and {observation.name!r} would both be this coder's observation "
                f"{observation.name!r} of media item {target} with {scheme.name!r}; give each its own "
                "media. Nothing was imported."
            )
        seen[(target, observation.name)] = observation.name
        if media_id is not None and obs_store.find_observation(
            db, media_id, coder_id, scheme.name, observation.name
        ):
            raise WorkbenchError(
                f"observation {observation.name!r}: this coder already has an observation of "
                f"media item {media_id} with {scheme.name!r}; nothing was imported"
            )
        if media_id is None:
            report.notes.append(
                f"observation {observation.name!r}: "
                + (
                    f"media {', '.join(observation.media_files)} not in the project; kept against a "
                    "'media not linked' placeholder (link it later with link-media)"
                    if observation.media_files
                    else "coded live (no video); imported with no video"
                )
            )
        for extra in observation.media_files[1:]:
            report.leave_out(
                f"observation {observation.name!r}: media file {extra}",
                "an observation codes one media item (its first file is kept)",
            )
        report.count("observations", 1, 1)
        report.count("events", len(observation.events), len(observation.events))
        if observation.variables:
            report.count("variables", len(observation.variables), len(observation.variables))
        plan.append(_Planned(observation, media_id))
    return scheme, plan, report


def _placeholder_name(observation: CodedObservation) -> str:
    """The file a placeholder stands for (the first the observation names), or "" for a live one."""
    return observation.media_files[0].replace("\\", "/").rsplit("/", 1)[-1] if observation.media_files else ""


def _placeholder(db: Database, observation: CodedObservation, participant: str) -> int:
    name = _placeholder_name(observation)
    if not name:
        return participants.placeholder_media(db, participant, "", live_name=observation.name)
    info = observation.media_info.get(observation.media_files[0], {})
    rate = info.get("frame_rate")
    return participants.placeholder_media(
        db, participant, name, int(info.get("duration_ms", 0)), float(rate) if rate else None
    )


@retrying
def import_coded(
    db: Database,
    coded: CodedProject,
    coder_id: int,
    media_for: dict[str, int],
    progress=None,
    cancelled=None,
    accept_losses: bool = False,
    fmt: str = "BORIS",
    file: str = "",
    participant: str = UNLINKED_PARTICIPANT,
) -> ImportReport:
    """Add the scheme (or reuse one of that name holding every code used) and every observation, all or
    nothing: onto its media (``media_for``: observation name -> media id; else matched by file name),
    else onto a "media not linked" placeholder under ``participant`` (a live one with no file). Refused
    with :class:`ImportLosses` when anything in the file would be left out, unless ``accept_losses``."""
    state = TaskState(progress, cancelled)
    with db.transaction():
        scheme, plan, report = _plan(db, coded, coder_id, media_for, fmt, file)
        if report.losses and not accept_losses:
            raise ImportLosses(report)
        if coded.scheme.name not in schemes.scheme_names(db):
            schemes.add_scheme(db, coded.scheme, origin="imported")
            report.notes.append(
                f"added coding scheme {coded.scheme.name!r} ({len(coded.scheme.behaviours)} behaviours)"
            )
        for n, planned in enumerate(plan):
            state.check()
            state.report(n / max(len(plan), 1), f"Observation {n + 1} of {len(plan)}")
            observation = planned.observation
            media_id = planned.media_id
            if media_id is None:
                media_id = _placeholder(db, observation, participant)
                if obs_store.find_observation(db, media_id, coder_id, scheme.name, observation.name):
                    raise WorkbenchError(
                        f"observation {observation.name!r}: this coder already has it (on a placeholder); "
                        "nothing was imported"
                    )
            change = obs_store.create_observation(
                db,
                media_id,
                coder_id,
                scheme.name,
                observation.name,
                observation.description,
                observation.variables,
            )
            if observation.events:
                obs_store.add_events(db, change.created_id("observations"), observation.events)
        state.check()
    return report


def media_pairs(db: Database, specs: list[str]) -> dict[str, int]:
    """``OBSERVATION=MEDIA`` pairs (media by id or file name) as observation name -> media id; an
    ``@FILE`` item reads one pair a line from FILE (blank lines and ``#`` comments skipped)."""
    media: dict[str, int] = {}
    for spec in specs:
        pairs = [spec]
        if spec.startswith("@"):
            try:
                text = Path(spec[1:]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise WorkbenchError(f"Cannot read the pairs file {spec[1:]}: {exc}") from None
            pairs = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        for pair in pairs:
            name, sep, target = pair.rpartition("=")
            if not sep or not name:
                raise WorkbenchError(f"--media takes OBSERVATION=MEDIA pairs, not {pair!r}")
            media[name] = find_media(db, target)
    return media


def read_boris(db: Database, path: Path, media_specs: list[str]) -> tuple[CodedProject, dict[str, int]]:
    """A BORIS file and its ``OBSERVATION=MEDIA`` pairs (see :func:`media_pairs`)."""
    return boris.read_boris(path), media_pairs(db, media_specs)


_ELAN_LOSS_WORDS = ("left out", "not kept", "skipped")


def read_eaf(db: Database, path: Path, media: list[str]) -> tuple[CodedProject, dict[str, int]]:
    """An ELAN file (with the project's scheme when it is our own export) and the media it codes."""
    if len(media) > 1:
        raise WorkbenchError("An ELAN file codes one media item: give one --media")
    mark = elan.scheme_mark(path)
    scheme = schemes.load_scheme(db, mark) if mark and mark in schemes.scheme_names(db) else None
    data = elan.read_eaf(path, scheme)
    for note in [n for n in data.notes if any(w in n for w in _ELAN_LOSS_WORDS)]:
        data.notes.remove(note)  # until the ELAN reader lists its losses itself (CodedProject.losses)
        thing, _sep, reason = note.partition(": ") if ": " in note else note.partition("; ")
        data.losses.append((thing, reason or "not imported"))
    return data, ({data.observations[0].name: find_media(db, media[0])} if media else {})


def check_file(db: Database, fmt: str, path: Path, coder_id: int, media: list[str]) -> ImportReport:
    """The report :func:`import_file` would give, with nothing written (the window shows it and asks
    before importing a file that would leave anything out)."""
    reader = {"boris": read_boris, "eaf": read_eaf}[fmt]
    kind = {"boris": "BORIS", "eaf": "ELAN"}[fmt]
    with server_refusals(f"Cannot read {Path(path).name}"), db.reading():
        data, media_for = reader(db, Path(path), media)
        return _plan(db, data, coder_id, media_for, kind, Path(path).name)[2]


def import_file(
    db: Database,
    fmt: str,
    path: Path,
    coder_id: int,
    media: list[str],
    progress=None,
    cancelled=None,
    accept_losses: bool = False,
) -> ImportReport:
    """Import a BORIS (``fmt`` 'boris') or ELAN ('eaf') file, all or nothing; the report says what the
    file held and what came in (refused with :class:`ImportLosses` on losses unless ``accept_losses``)."""
    reader = {"boris": read_boris, "eaf": read_eaf}[fmt]
    kind = {"boris": "BORIS", "eaf": "ELAN"}[fmt]
    with server_refusals(f"Cannot import {Path(path).name}"):  # e.g. a rater, who sees only media ids
        data, media_for = reader(db, Path(path), media)
        return import_coded(
            db, data, coder_id, media_for, progress, cancelled, accept_losses, kind, Path(path).name
        )


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
    taken: set[str] = set()
    observations = []
    for r in records:
        name = names[r.record.id] if masked else (r.record.name or names[r.record.id])
        unique, n = name, 2
        while unique in taken:  # BORIS keys observations by name: two sessions called alike stay two
            unique, n = f"{name} ({n})", n + 1
        taken.add(unique)
        item = media[r.record.media_id]
        files = [] if masked or item.live else [item.original_name]
        info = {"duration_ms": float(item.duration_ms), "frame_rate": float(item.frame_rate or 0)}
        observations.append(
            CodedObservation(
                unique,
                files,
                list(r.events),
                "" if masked else coders.get(r.record.coder_id, ""),
                description="" if masked else r.record.description,
                variables={} if masked else dict(r.record.variables),
                media_info={f: info for f in files},
            )
        )
    return CodedProject(scheme, observations)


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
