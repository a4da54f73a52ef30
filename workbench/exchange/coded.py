"""What BORIS and ELAN files carry, tool-neutral: a scheme and observations of timed events;
and the one place that brings such a file into a project or takes it out.

Identifiers from other tools ("chicken - healthy", subject "1") become scheme codes by
``slug``; keys are reassigned when missing or taken; an event with no subject belongs to the
pseudo-subject ``no_focal_subject`` (BORIS's empty subject).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.coding import observation as ob
from workbench.coding.scheme import Scheme, scheme_from_mapping
from workbench.model.errors import WorkbenchError
from workbench.store import observations as obs_store
from workbench.store import participants, people, schemes

NO_FOCAL = "no_focal_subject"
KEY_POOL = "abcdefghijklmnopqrstuvwxyz0123456789"
PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
)


@dataclass
class CodedObservation:
    name: str
    media_files: list[str]
    events: list[ob.Event]
    coder: str = ""


@dataclass
class CodedProject:
    scheme: Scheme
    observations: list[CodedObservation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def slug(text: str, taken: set[str], prefix: str = "b") -> str:
    """A scheme identifier (lower-case letters, digits, _) for ``text``, unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_") or prefix
    if not base[0].isalpha():
        base = f"{prefix}_{base}"
    base = base[:45]
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def assign_keys(wanted: list[str | None], source: str) -> list[str]:
    """One distinct single-character key per behaviour: the wanted one when free, else the next free."""
    used: set[str] = set()
    keys: list[str | None] = []
    for key in wanted:
        ok = isinstance(key, str) and len(key) == 1 and key.isprintable() and not key.isspace()
        if ok and key.casefold() not in used:
            used.add(key.casefold())
            keys.append(key)
        else:
            keys.append(None)
    free = iter(k for k in KEY_POOL if k not in used)
    try:
        return [k if k is not None else next(free) for k in keys]
    except StopIteration:
        raise WorkbenchError(
            f"{source} has more behaviours than there are keyboard keys "
            f"({len(wanted)}; at most {len(KEY_POOL)})"
        ) from None


def build_scheme(
    name: str,
    subjects: list[dict],
    behaviours: list[dict],
    modifier_sets: list[dict],
    groups: list[dict],
    source: str,
) -> Scheme:
    """A validated scheme from parts read from another tool's file."""
    keys = assign_keys([b.get("key") for b in behaviours], source)
    for i, (behaviour, key) in enumerate(zip(behaviours, keys)):
        behaviour["key"] = key
        behaviour.setdefault("colour", PALETTE[i % len(PALETTE)])
    data = {
        "name": name,
        "subjects": subjects,
        "behaviours": behaviours,
        "modifier_sets": modifier_sets,
        "exclusive_groups": groups,
    }
    return scheme_from_mapping(data, source=source)


# --- into a project -----------------------------------------------------------------------------


def media_by_name(db) -> dict[str, int]:
    """Project media by original file name (and by stored path), for matching files named in imports."""
    found: dict[str, int] = {}
    for media in participants.list_media(db):
        found.setdefault(media.original_name, media.id)
        found.setdefault(media.path.rsplit("/", 1)[-1], media.id)
    return found


def import_coded(db, coded: CodedProject, coder_id: int, media_for: dict[str, int]) -> list[str]:
    """Add the scheme (or reuse one of that name holding every code used) and each observation whose
    media is known (``media_for``: observation name -> media id; else matched by file name).
    Returns one line per thing done or skipped. Everything is checked before anything is written."""
    existing = schemes.scheme_names(db)
    scheme = schemes.load_scheme(db, coded.scheme.name) if coded.scheme.name in existing else coded.scheme
    by_name = media_by_name(db)
    plan = []
    lines = list(coded.notes)
    for observation in coded.observations:
        media_id = media_for.get(observation.name)
        if media_id is None:
            media_id = next(
                (
                    by_name[f.rsplit("/", 1)[-1]]
                    for f in observation.media_files
                    if f.rsplit("/", 1)[-1] in by_name
                ),
                None,
            )
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
                raise WorkbenchError(f"observation {observation.name!r}: {exc}") from None
        if obs_store.find_observation(db, media_id, coder_id, scheme.name) is not None:
            raise WorkbenchError(
                f"observation {observation.name!r}: this coder already has an observation of "
                f"media item {media_id} with {scheme.name!r}; nothing was imported"
            )
        plan.append((observation, media_id))
    if coded.scheme.name not in existing:
        schemes.add_scheme(db, coded.scheme, origin="imported")
        lines.append(f"added coding scheme {coded.scheme.name!r} ({len(coded.scheme.behaviours)} behaviours)")
    for observation, media_id in plan:
        oid = obs_store.create_observation(db, media_id, coder_id, scheme.name).created_id("observations")
        if observation.events:
            obs_store.add_events(db, oid, observation.events)
        lines.append(
            f"imported observation {observation.name!r}: {len(observation.events)} events "
            f"into media item {media_id}"
        )
    return lines


def coded_from_store(
    db, observation_ids: list[int], names: dict[int, str], masked: bool = False
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
