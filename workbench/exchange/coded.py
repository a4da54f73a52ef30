"""What BORIS and ELAN files carry, tool-neutral: a scheme and observations of timed events
(``workbench.services.observation_exchange`` brings them into a project and takes them out).

Identifiers from other tools ("chicken - healthy", subject "1") become scheme codes by
``slug``; keys are reassigned when missing or taken (behaviours past the last free key have
none); an event with no subject belongs to the
pseudo-subject ``no_focal_subject`` (BORIS's empty subject).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeGuard

from workbench.coding import observation as ob
from workbench.coding.scheme import Scheme, scheme_from_mapping

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
    """One observation as another tool holds it: ``variables`` are BORIS independent variables (name ->
    text); ``media_info`` is per media file name its ``duration_ms``, ``frame_rate`` and ``offset_ms``."""

    name: str
    media_files: list[str]
    events: list[ob.Event]
    coder: str = ""
    description: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    media_info: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class CodedProject:
    """A scheme and observations; ``notes`` lose nothing, ``losses`` are ``(thing, reason)`` the reader
    could not carry (an import reports them and asks before going on without them); ``counts`` are
    what the file holds and what the reader kept of things other than observations and events (e.g.
    ``{"tiers": (12, 11), "annotations": (300, 296)}``), shown in the import report."""

    scheme: Scheme
    observations: list[CodedObservation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    losses: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)


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


def _is_key(key: object) -> TypeGuard[str]:
    """One printable character that is not a space."""
    return isinstance(key, str) and len(key) == 1 and key.isprintable() and not key.isspace()


def assign_keys(wanted: list[str | None]) -> list[str | None]:
    """One distinct single-character key per behaviour: the wanted one when free, else the next free;
    None (picked from the coder view's list) once the keys run out."""
    used: set[str] = set()
    keys: list[str | None] = []
    for key in wanted:
        if _is_key(key) and key.casefold() not in used:
            used.add(key.casefold())
            keys.append(key)
        else:
            keys.append(None)
    free = iter(k for k in KEY_POOL if k not in used)
    return [k if k is not None else next(free, None) for k in keys]


def keyless_note(scheme: Scheme) -> list[str]:
    """The line an import reports when some behaviours have no keyboard key."""
    keyless = [b.name for b in scheme.behaviours if b.key is None]
    if not keyless:
        return []
    shown = ", ".join(repr(n) for n in keyless[:10]) + (
        f" and {len(keyless) - 10} more" if len(keyless) > 10 else ""
    )
    return [f"{len(keyless)} behaviour(s) have no keyboard key (code them from the list): {shown}"]


def build_scheme(
    name: str,
    subjects: list[dict],
    behaviours: list[dict],
    modifier_sets: list[dict],
    groups: list[dict],
    source: str,
) -> Scheme:
    """A validated scheme from parts read from another tool's file."""
    keys = assign_keys([b.get("key") for b in behaviours])
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
