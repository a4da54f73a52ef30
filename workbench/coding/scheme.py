"""Video coding schemes: the ethogram of timed behaviours, the tasks and the global rating scales.

A scheme is a YAML file (format: `codebooks/README.md`) loaded with `load_scheme` into plain
dataclasses. Every rule a scheme must satisfy is checked on load; the first broken rule raises
a one-line `WorkbenchError` naming the file, the entry (e.g. `behaviours[3] 'infant_distress'`)
and the problem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.coding.codebook import normalise_colour
from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_SCHEME_BYTES, read_limited
from workbench.model.untrusted import refuse_long_numbers, refuse_nul

FORMAT_VERSION = 1
KINDS = ("point", "state")
MODIFIER_WHEN = ("start", "stop")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


@dataclass
class Subject:
    """Who does a behaviour; `key` is the identifier stored with events (e.g. "mother")."""

    key: str
    name: str


@dataclass
class ModifierSet:
    """Values a rater picks from when recording a behaviour (e.g. touch type)."""

    name: str
    values: list[str]


@dataclass
class Behaviour:
    """One ethogram entry: a point event or a start/stop state, typed with one keyboard key or,
    when ``key`` is None, picked from the coder view's list of behaviours."""

    code: str
    name: str
    kind: str
    key: str | None
    colour: str
    category: str = ""
    subjects: list[str] = field(default_factory=list)
    modifier_set: str | None = None
    modifier_when: str = "start"


@dataclass
class ExclusiveGroup:
    """State behaviours of which at most one is active per subject: starting one stops the others."""

    name: str
    behaviours: list[str]


@dataclass
class Task:
    """A task epoch of a recording (e.g. free play)."""

    code: str
    name: str
    description: str = ""


@dataclass
class RatingScale:
    """A global rating scale scored once per task epoch, `minimum`..`maximum` inclusive."""

    code: str
    name: str
    minimum: int
    maximum: int
    anchors: dict[int, str]
    tasks: list[str]
    description: str = ""


@dataclass
class Scheme:
    """A complete coding scheme; look-ups by code/key raise KeyError when absent."""

    name: str
    subjects: list[Subject]
    behaviours: list[Behaviour]
    modifier_sets: list[ModifierSet]
    exclusive_groups: list[ExclusiveGroup]
    tasks: list[Task]
    rating_scales: list[RatingScale]

    def subject(self, key: str) -> Subject:
        return _pick(self.subjects, "key", key)

    def behaviour(self, code: str) -> Behaviour:
        return _pick(self.behaviours, "code", code)

    def behaviour_for_key(self, key: str) -> Behaviour:
        """The behaviour typed with this keyboard key (keys are matched case-insensitively)."""
        for behaviour in self.behaviours:
            if behaviour.key is not None and behaviour.key.casefold() == key.casefold():
                return behaviour
        raise KeyError(key)

    def modifier_set(self, name: str) -> ModifierSet:
        return _pick(self.modifier_sets, "name", name)

    def task(self, code: str) -> Task:
        return _pick(self.tasks, "code", code)

    def task_for_label(self, label: str | None) -> Task | None:
        """The task a media item's task label names ("free play", "Free play", "free_play"), by
        code or name whatever the case, spaces, hyphens or underscores; None when none matches."""
        wanted = _folded(label or "")
        if not wanted:
            return None
        return next((t for t in self.tasks if wanted in (_folded(t.code), _folded(t.name))), None)

    def rating_scale(self, code: str) -> RatingScale:
        return _pick(self.rating_scales, "code", code)

    def scales_for_task(self, task_code: str) -> list[RatingScale]:
        """The rating scales scored in epochs of this task, in scheme order."""
        return [scale for scale in self.rating_scales if task_code in scale.tasks]

    def exclusive_partners(self, behaviour_code: str) -> list[str]:
        """The behaviours that stop when this one starts (same exclusive group)."""
        partners: list[str] = []
        for group in self.exclusive_groups:
            if behaviour_code in group.behaviours:
                partners += [b for b in group.behaviours if b != behaviour_code and b not in partners]
        return partners


def _folded(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").casefold().split())


def _pick(items: list[Any], attribute: str, value: str) -> Any:
    for item in items:
        if getattr(item, attribute) == value:
            return item
    raise KeyError(value)


# --- loading ------------------------------------------------------------------------------------


class _Reader:
    """Typed access to the raw YAML with messages that say where a problem is."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str) -> WorkbenchError:
        return WorkbenchError(f"{self.source}: {where}: {problem}" if where else f"{self.source}: {problem}")

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping of fields, found {_kind(value)}")
        unknown = [str(k) for k in value if k not in allowed]
        if unknown:
            raise self.fail(where, f"unknown field '{unknown[0]}' (allowed: {', '.join(allowed)})")
        missing = [k for k in required if k not in value]
        if missing:
            raise self.fail(where, f"missing field '{missing[0]}'")
        return value

    def items(self, value: Any, where: str, allow_empty: bool = True) -> list:
        if value is None and allow_empty:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, found {_kind(value)}")
        if not value and not allow_empty:
            raise self.fail(where, "must not be empty")
        return value

    def text(self, data: dict, name: str, where: str, default: str | None = None) -> str:
        value = data.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            need = "a non-empty text" if default is None else "text"
            raise self.fail(where, f"'{name}' must be {need}, found {_kind(value)}")
        return value

    def identifier(self, data: dict, name: str, where: str) -> str:
        value = self.text(data, name, where)
        if not _IDENTIFIER.fullmatch(value):
            raise self.fail(
                where, f"'{name}' {value!r} must be lower-case letters, digits and _ (starting with a letter)"
            )
        return value

    def integer(self, data: dict, name: str, where: str) -> int:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"'{name}' must be a whole number, found {_kind(value)}")
        return value

    def references(self, values: Any, known: set[str], name: str, where: str, what: str) -> list[str]:
        values = self.items(values, f"{where}: '{name}'", allow_empty=False)
        seen: list[str] = []
        for value in values:
            if not isinstance(value, str) or value not in known:
                raise self.fail(
                    where, f"'{name}' refers to unknown {what} {value!r} (known: {', '.join(sorted(known))})"
                )
            if value in seen:
                raise self.fail(where, f"'{name}' lists {value!r} twice")
            seen.append(value)
        return seen


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    return f"{type(value).__name__} {value!r}" if isinstance(value, (int, float)) else type(value).__name__


def _label(section: str, index: int, entry: Any, field_name: str) -> str:
    ident = entry.get(field_name) if isinstance(entry, dict) else None
    return f"{section}[{index}] {ident!r}" if isinstance(ident, str) else f"{section}[{index}]"


def _unique(r: _Reader, seen: dict[str, str], value: str, where: str, what: str) -> None:
    if value in seen:
        raise r.fail(where, f"{what} {value!r} is already used by {seen[value]}")
    seen[value] = where


def scheme_from_mapping(data: Any, source: str = "scheme") -> Scheme:
    """Build and validate a `Scheme` from already-parsed YAML data."""
    r = _Reader(source)
    top = r.mapping(
        data,
        "",
        (
            "format",
            "name",
            "subjects",
            "behaviours",
            "modifier_sets",
            "exclusive_groups",
            "tasks",
            "rating_scales",
        ),
        ("name", "subjects", "behaviours"),
    )
    if top.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        raise r.fail("format", f"version {top['format']!r} is not supported (expected {FORMAT_VERSION})")
    name = r.text(top, "name", "top level")

    subjects: list[Subject] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(r.items(top.get("subjects"), "subjects", allow_empty=False)):
        where = _label("subjects", i, raw, "key")
        entry = r.mapping(raw, where, ("key", "name"), ("key", "name"))
        subject = Subject(r.identifier(entry, "key", where), r.text(entry, "name", where))
        _unique(r, seen, subject.key, where, "subject key")
        subjects.append(subject)

    modifier_sets: list[ModifierSet] = []
    seen = {}
    for i, raw in enumerate(r.items(top.get("modifier_sets"), "modifier_sets")):
        where = _label("modifier_sets", i, raw, "name")
        entry = r.mapping(raw, where, ("name", "values"), ("name", "values"))
        set_name = r.text(entry, "name", where)
        _unique(r, seen, set_name, where, "modifier set name")
        values = r.items(entry["values"], f"{where}: 'values'", allow_empty=False)
        if len(values) < 2:
            raise r.fail(where, "a modifier set needs at least two values")
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise r.fail(where, "modifier values must be non-empty texts")
        if len(set(values)) != len(values):
            raise r.fail(where, "a modifier value is listed twice")
        modifier_sets.append(ModifierSet(set_name, list(values)))

    behaviours = _behaviours(r, top, {s.key for s in subjects}, {m.name for m in modifier_sets})
    kinds = {b.code: b.kind for b in behaviours}

    groups: list[ExclusiveGroup] = []
    seen = {}
    for i, raw in enumerate(r.items(top.get("exclusive_groups"), "exclusive_groups")):
        where = _label("exclusive_groups", i, raw, "name")
        entry = r.mapping(raw, where, ("name", "behaviours"), ("name", "behaviours"))
        group_name = r.text(entry, "name", where)
        _unique(r, seen, group_name, where, "exclusive group name")
        members = r.references(entry["behaviours"], set(kinds), "behaviours", where, "behaviour")
        if len(members) < 2:
            raise r.fail(where, "an exclusive group needs at least two behaviours")
        for member in members:
            if kinds[member] != "state":
                raise r.fail(
                    where,
                    f"behaviour {member!r} is a point event; exclusive groups hold state behaviours only",
                )
        groups.append(ExclusiveGroup(group_name, members))

    tasks: list[Task] = []
    seen = {}
    for i, raw in enumerate(r.items(top.get("tasks"), "tasks")):
        where = _label("tasks", i, raw, "code")
        entry = r.mapping(raw, where, ("code", "name", "description"), ("code", "name"))
        task = Task(
            r.identifier(entry, "code", where),
            r.text(entry, "name", where),
            r.text(entry, "description", where, ""),
        )
        _unique(r, seen, task.code, where, "task code")
        tasks.append(task)

    scales = _rating_scales(r, top, {t.code for t in tasks})
    return Scheme(name, subjects, behaviours, modifier_sets, groups, tasks, scales)


def _behaviours(r: _Reader, top: dict, subject_keys: set[str], modifier_names: set[str]) -> list[Behaviour]:
    behaviours: list[Behaviour] = []
    codes: dict[str, str] = {}
    keys: dict[str, str] = {}
    fields = (
        "code",
        "name",
        "kind",
        "key",
        "colour",
        "category",
        "subjects",
        "modifier_set",
        "modifier_when",
    )
    for i, raw in enumerate(r.items(top.get("behaviours"), "behaviours", allow_empty=False)):
        where = _label("behaviours", i, raw, "code")
        entry = r.mapping(raw, where, fields, ("code", "name", "kind", "colour", "subjects"))
        code = r.identifier(entry, "code", where)
        _unique(r, codes, code, where, "behaviour code")
        kind = entry["kind"]
        if kind not in KINDS:
            raise r.fail(where, f"'kind' must be point or state, found {_kind(kind)}")
        key = entry.get("key")
        if key is not None and (
            not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace()
        ):
            raise r.fail(
                where,
                f"'key' must be one printable keyboard character in quotes (or left out), found {_kind(key)}",
            )
        if key is not None:
            _unique(r, keys, key.casefold(), where, "keyboard key")
        colour = normalise_colour(entry["colour"]) if isinstance(entry["colour"], str) else None
        if colour is None:
            raise r.fail(
                where, f"'colour' must be a hex colour such as \"#1F77B4\", found {_kind(entry['colour'])}"
            )
        modifier_set = entry.get("modifier_set")
        if modifier_set is not None and modifier_set not in modifier_names:
            raise r.fail(where, f"'modifier_set' refers to unknown modifier set {modifier_set!r}")
        when = entry.get("modifier_when", "start")
        if when not in MODIFIER_WHEN:
            raise r.fail(where, f"'modifier_when' must be start or stop, found {_kind(when)}")
        if when == "stop" and kind == "point":
            raise r.fail(where, "a point event has no stop; 'modifier_when' must be start")
        behaviours.append(
            Behaviour(
                code=code,
                name=r.text(entry, "name", where),
                kind=kind,
                key=key,
                colour=colour,
                category=r.text(entry, "category", where, ""),
                subjects=r.references(entry["subjects"], subject_keys, "subjects", where, "subject"),
                modifier_set=modifier_set,
                modifier_when=when,
            )
        )
    return behaviours


def _rating_scales(r: _Reader, top: dict, task_codes: set[str]) -> list[RatingScale]:
    scales: list[RatingScale] = []
    seen: dict[str, str] = {}
    fields = ("code", "name", "minimum", "maximum", "anchors", "tasks", "description")
    for i, raw in enumerate(r.items(top.get("rating_scales"), "rating_scales")):
        where = _label("rating_scales", i, raw, "code")
        entry = r.mapping(raw, where, fields, ("code", "name", "minimum", "maximum", "tasks"))
        code = r.identifier(entry, "code", where)
        _unique(r, seen, code, where, "rating scale code")
        low, high = r.integer(entry, "minimum", where), r.integer(entry, "maximum", where)
        if low >= high:
            raise r.fail(where, f"'minimum' ({low}) must be below 'maximum' ({high})")
        anchors_raw = entry.get("anchors") or {}
        if not isinstance(anchors_raw, dict):
            raise r.fail(
                where, f"'anchors' must map scale points to descriptions, found {_kind(anchors_raw)}"
            )
        anchors: dict[int, str] = {}
        for point, text in anchors_raw.items():
            if isinstance(point, bool) or not isinstance(point, int):
                raise r.fail(where, f"anchor {point!r} is not a whole-number scale point")
            if not low <= point <= high:
                raise r.fail(where, f"anchor {point} is outside the range {low}-{high}")
            if not isinstance(text, str) or not text.strip():
                raise r.fail(where, f"anchor {point} needs a description")
            anchors[point] = text
        if not task_codes:
            raise r.fail(where, "the scheme defines no tasks for this scale to be rated in")
        scales.append(
            RatingScale(
                code=code,
                name=r.text(entry, "name", where),
                minimum=low,
                maximum=high,
                anchors=dict(sorted(anchors.items())),
                tasks=r.references(entry["tasks"], task_codes, "tasks", where, "task"),
                description=r.text(entry, "description", where, ""),
            )
        )
    return scales


def load_scheme(path: str | os.PathLike[str], max_bytes: int = MAX_SCHEME_BYTES) -> Scheme:
    """Read, parse (yaml.safe_load) and validate a scheme file; problems raise `WorkbenchError`."""
    path = Path(path)
    raw = read_limited(path, max_bytes, "coding scheme")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise WorkbenchError(
            f"{path.name} is not UTF-8 text (byte 0x{raw[exc.start]:02X} on line {line}); re-save it as UTF-8"
        ) from None
    if not text.strip():
        raise WorkbenchError(f"{path.name} is empty")
    refuse_long_numbers(text, path.name)
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        raise WorkbenchError(f"{path.name} is nested too deeply to be a coding scheme; refused") from None
    except ValueError as exc:  # a number YAML cannot convert
        raise WorkbenchError(f"{path.name} is not valid YAML ({' '.join(str(exc).split())[:120]})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" on line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise WorkbenchError(
            f"{path.name} is not valid YAML{place}: {' '.join(str(problem).split())}"
        ) from None
    refuse_nul(data, path.name)
    return scheme_from_mapping(data, source=path.name)
