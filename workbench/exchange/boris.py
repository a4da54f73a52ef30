"""BORIS projects (``.boris``, JSON, project format 7): ethogram, subjects, observations, events.

A BORIS event row is ``[time_s, subject_name, code, modifiers, comment]``; a state behaviour is
a toggle (its start and its stop are both rows with its code; an odd count leaves it unpaired).
Modifiers are one text per modifier set joined by ``|`` ("None" or "" when not chosen); set values
may carry a shortcut suffix such as ``"a (a)"``, which is not part of the value. The empty subject
is BORIS's "no focal subject". Times are stored as seconds with millisecond precision.

Untrusted files are limited in size and nesting depth before ``json`` parses them.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.coding import observation as ob
from workbench.coding.scheme import Scheme
from workbench.exchange.coded import NO_FOCAL, CodedObservation, CodedProject, build_scheme, slug
from workbench.model.errors import WorkbenchError
from workbench.model.files import MAX_BORIS_BYTES, atomic_output, read_limited
from workbench.model.timing import MAX_TIME_MS
from workbench.model.untrusted import load_json

_SHORTCUT = re.compile(r"\s\(.\)$")


def load_boris_json(path: Path, max_bytes: int = MAX_BORIS_BYTES) -> dict[str, Any]:
    """The parsed project, or a one-line error for a file too large, too deep or not BORIS JSON."""
    path = Path(path)
    data = read_limited(path, max_bytes, "BORIS project")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbenchError(
            f"{path.name} is not UTF-8 text (byte 0x{data[exc.start]:02X} at {exc.start})"
        ) from None
    if not text.strip():
        raise WorkbenchError(f"{path.name} is empty")
    project = load_json(text, path.name)  # depth, bad numbers and NUL characters refused, with the place
    if not isinstance(project, dict) or not isinstance(project.get("behaviors_conf"), dict):
        raise WorkbenchError(f"{path.name} is not a BORIS project (no 'behaviors_conf' ethogram)")
    return project


def _entries(value: Any, where: str, source: str) -> list[dict]:
    """A BORIS numbered mapping {"0": {...}, "1": {...}} as a list in index order."""
    if value in ("", None):
        return []
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise WorkbenchError(f"{source}: {where} must be a mapping of numbered entries")
    return [
        value[k]
        for k in sorted(value, key=lambda k: (not str(k).isdigit(), int(k) if str(k).isdigit() else 0, k))
    ]


def _modifier_value(text: str) -> str:
    text = "" if text is None else str(text)
    return _SHORTCUT.sub("", text).strip()


def read_boris(path: Path) -> CodedProject:
    """A BORIS project as a scheme (its ethogram) and observations of start/stop/point events."""
    path = Path(path)
    source = path.name
    project = load_boris_json(path)
    taken_subjects: set[str] = {NO_FOCAL}
    subject_key: dict[str, str] = {"": NO_FOCAL}
    subjects = []
    for entry in _entries(project.get("subjects_conf"), "subjects_conf", source):
        name = str(entry.get("name", "")).strip()
        if not name or name in subject_key:
            continue
        subject_key[name] = slug(name, taken_subjects, "subject")
        subjects.append({"key": subject_key[name], "name": name})
    subjects.append({"key": NO_FOCAL, "name": "No focal subject"})

    codes: dict[str, str] = {}
    kinds: dict[str, str] = {}
    taken: set[str] = set()
    behaviours, sets, set_names, groups = [], [], {}, []
    notes: list[str] = []
    losses: list[tuple[str, str]] = []
    for i, entry in enumerate(_entries(project["behaviors_conf"], "behaviors_conf", source)):
        code = str(entry.get("code", "")).strip()
        if not code:
            raise WorkbenchError(f"{source}: behaviour #{i} has no code")
        if code in codes:
            raise WorkbenchError(f"{source}: behaviour code {code!r} is defined twice")
        kind_text = str(entry.get("type", ""))
        if "state" not in kind_text.lower() and "point" not in kind_text.lower():
            raise WorkbenchError(f"{source}: behaviour {code!r} has unknown type {kind_text!r}")
        codes[code] = slug(code, taken)
        kinds[code] = "state" if "state" in kind_text.lower() else "point"
        behaviour = {
            "code": codes[code],
            "name": code,
            "kind": kinds[code],
            "key": entry.get("key"),
            "category": str(entry.get("category") or ""),
            "subjects": [s["key"] for s in subjects],
        }
        modifier_sets = _entries(entry.get("modifiers"), f"behaviour {code!r} modifiers", source)
        for m_index, m in enumerate(modifier_sets):
            values = list(dict.fromkeys(v for v in (_modifier_value(x) for x in m.get("values") or []) if v))
            if len(values) < 2:
                losses.append(
                    (f"behaviour {code!r}: modifier set {m.get('name')!r}", "has fewer than two values")
                )
                continue
            set_name = f"{code}: {str(m.get('name') or m_index).strip()}"
            if m_index == 0:
                set_names[set_name] = values
                behaviour["modifier_set"] = set_name
            else:
                notes.append(
                    f"behaviour {code!r}: modifier set {m.get('name')!r} is kept on events but not in the "
                    "scheme (one modifier set per behaviour)"
                )
        behaviours.append(behaviour)
        excluded = [c.strip() for c in str(entry.get("excluded") or "").split(",") if c.strip()]
        if excluded:
            groups.append([code] + excluded)
    sets = [{"name": n, "values": v} for n, v in set_names.items()]
    exclusive: list[dict[str, Any]] = []
    for members in groups:
        members = [codes[c] for c in dict.fromkeys(members) if c in codes and kinds[c] == "state"]
        if len(members) >= 2 and sorted(members) not in [sorted(g["behaviours"]) for g in exclusive]:
            exclusive.append({"name": f"exclusive {len(exclusive) + 1}", "behaviours": members})
    name = str(project.get("project_name") or path.stem).strip() or path.stem
    scheme = build_scheme(f"BORIS: {name}", subjects, behaviours, sets, exclusive, source)

    observations = []
    raw_observations = project.get("observations") or {}
    if not isinstance(raw_observations, dict):
        raise WorkbenchError(f"{source}: 'observations' must be a mapping of observation names")
    for obs_name, raw in raw_observations.items():
        observations.append(_observation(source, str(obs_name), raw, codes, kinds, subject_key))
    for entry in _entries(project.get("independent_variables"), "independent_variables", source):
        label = str(entry.get("label") or "").strip()
        extra = [k for k in ("description", "default value", "possible values") if entry.get(k)]
        if str(entry.get("type") or "text") != "text":
            extra.append(f"type {entry.get('type')!r}")
        if label and extra:
            losses.append(
                (
                    f"independent variable {label!r}: {', '.join(extra)}",
                    "only each observation's value is kept",
                )
            )
    unpaired = sum(len(ob.pair_states(o.events).unpaired) for o in observations)
    if unpaired:
        notes.append(f"{unpaired} state event(s) are unpaired (an odd number of toggles)")
    return CodedProject(scheme, observations, notes, losses)


def _observation(
    source: str, name: str, raw: Any, codes: dict, kinds: dict, subject_key: dict
) -> CodedObservation:
    where = f"{source}: observation {name!r}"
    if not isinstance(raw, dict) or not isinstance(raw.get("events", []), list):
        raise WorkbenchError(f"{where} is not an observation with a list of events")
    files = raw.get("file") or {}
    media = [
        str(f)
        for player in (files.values() if isinstance(files, dict) else [files])
        for f in (player if isinstance(player, list) else [player])
        if f
    ]
    offset = raw.get("time offset", 0) or 0
    rows = []
    for i, row in enumerate(raw.get("events", [])):
        if not isinstance(row, list) or len(row) < 3:
            raise WorkbenchError(f"{where}: event {i + 1} is not a [time, subject, code, ...] row")
        time_ms = _time_ms(row[0], offset, f"{where}: event {i + 1}")
        code, subject = str(row[2]), str(row[1] or "")
        if code not in codes:
            raise WorkbenchError(
                f"{where}: event {i + 1} uses behaviour {code!r}, which is not in the ethogram"
            )
        if subject not in subject_key:
            raise WorkbenchError(
                f"{where}: event {i + 1} uses subject {subject!r}, which is not in the subjects"
            )
        text = str(row[3]) if len(row) > 3 and row[3] is not None else ""
        values = (
            tuple("" if v.strip() in ("", "None") else _modifier_value(v) for v in text.split("|"))
            if text
            else ()
        )
        if values and not any(values):
            values = ()
        comment = str(row[4]) if len(row) > 4 and row[4] is not None else ""
        rows.append(
            ob.Event(codes[code], subject_key[subject], "toggle", time_ms, modifiers=values, comment=comment)
        )
    state_codes = {codes[c] for c, k in kinds.items() if k == "state"}
    variables = raw.get("independent_variables") or {}
    return CodedObservation(
        name,
        media,
        ob.toggles_to_events(rows, state_codes),
        description=str(raw.get("description") or ""),
        variables={str(k): "" if v is None else str(v) for k, v in variables.items()}
        if isinstance(variables, dict)
        else {},
        media_info=_media_info(raw, media, offset),
    )


def _mapping(value: Any) -> dict:
    """``value`` when it is a mapping (a JSON object), else an empty one."""
    return value if isinstance(value, dict) else {}


def _media_info(raw: dict, media: list[str], offset: Any) -> dict[str, dict[str, float]]:
    """Per media file: its duration and frame rate as BORIS recorded them, and the time offset."""
    info = _mapping(raw.get("media_info"))
    found: dict[str, dict[str, float]] = {}
    for name in media:
        entry = {"offset_ms": _number(offset) * 1000}
        for key, field_name, scale in (("length", "duration_ms", 1000), ("fps", "frame_rate", 1)):
            table = _mapping(info.get(key))
            value = _number(table.get(name))
            if value > 0:
                entry[field_name] = value * scale
        found[name] = entry
    return found


def _number(value: Any) -> float:
    """A finite number within any recording's length, else 0 (these are descriptive, never event times)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return number if math.isfinite(number) and 0 <= number * 1000 <= MAX_TIME_MS else 0.0


def _time_ms(value: Any, offset: Any, where: str) -> int:
    """Seconds (plus the observation's offset) as whole milliseconds within ``MAX_TIME_MS``."""
    try:
        seconds = float(value) + float(offset)
    except (TypeError, ValueError, OverflowError):
        raise WorkbenchError(f"{where} has time {value!r}, not a number of seconds") from None
    if not math.isfinite(seconds) or seconds * 1000 > MAX_TIME_MS:
        raise WorkbenchError(f"{where} has time {value!r}, later than any recording")
    if seconds < 0:
        raise WorkbenchError(f"{where} is at a negative time ({value} s)")
    return int(round(seconds * 1000))


def write_boris(coded: CodedProject, path: Path) -> None:
    """Write a BORIS 7 project: the scheme as ethogram, each observation's events as rows, its
    description and independent variables; one with no media file is a LIVE observation. BORIS has no
    place for the coder (a lead's export names them in the file's description)."""
    scheme: Scheme = coded.scheme
    subject_name = {s.key: (s.name if slug(s.name, set()) == s.key else s.key) for s in scheme.subjects}
    subject_name[NO_FOCAL] = ""
    groups = {b.code: scheme.exclusive_partners(b.code) for b in scheme.behaviours}
    ethogram = {}
    for i, b in enumerate(scheme.behaviours):
        modifiers = {}
        if b.modifier_set:
            modifiers = {
                "0": {"name": b.modifier_set, "type": 0, "values": scheme.modifier_set(b.modifier_set).values}
            }
        ethogram[str(i)] = {
            "type": "State event" if b.kind == "state" else "Point event",
            "key": b.key or "",  # BORIS writes no key as an empty text
            "code": b.code,
            "description": b.name,
            "category": b.category,
            "modifiers": modifiers,
            "excluded": ",".join(groups[b.code]),
            "coding map": "",
        }
    subjects = {
        str(i): {"key": "", "name": subject_name[s.key], "description": s.name}
        for i, s in enumerate(x for x in scheme.subjects if x.key != NO_FOCAL)
    }
    observations = {}
    for o in coded.observations:
        rows = [
            [
                round(e.time_ms / 1000, 3),
                subject_name.get(e.subject or NO_FOCAL, e.subject or ""),
                e.behaviour,
                "|".join(m if m else "None" for m in e.modifiers),
                e.comment,
            ]
            for e in ob.time_order(o.events)
        ]
        info = {f: o.media_info.get(f, {}) for f in o.media_files}
        observations[o.name] = {
            "file": {"1": list(o.media_files), "2": []},
            "type": "MEDIA" if o.media_files else "LIVE",
            "date": datetime.now().isoformat(timespec="seconds"),
            "description": o.description,
            "time offset": 0.0,
            "events": rows,
            "independent_variables": dict(o.variables),
            "visualize_spectrogram": False,
            "close_behaviors_between_videos": False,
            "media_info": {
                "length": {f: i.get("duration_ms", 0.0) / 1000 for f, i in info.items()},
                "fps": {f: i.get("frame_rate", 0.0) for f, i in info.items()},
                "hasVideo": {f: True for f in o.media_files},
                "offset": {"1": 0.0},
            },
        }
    labels = list(dict.fromkeys(k for o in coded.observations for k in o.variables))
    coders = sorted({o.coder for o in coded.observations if o.coder})
    project = {
        "time_format": "hh:mm:ss",
        "project_name": scheme.name.removeprefix("BORIS: "),
        "project_date": datetime.now().isoformat(timespec="seconds"),
        "project_description": "Exported by workbench"
        + (f"; coded by {', '.join(coders)}" if coders else ""),
        "project_format_version": "7.0",
        "subjects_conf": subjects,
        "behaviors_conf": ethogram,
        "observations": observations,
        "behavioral_categories": sorted({b.category for b in scheme.behaviours if b.category}),
        "independent_variables": {
            str(i): {
                "label": k,
                "description": "",
                "type": "text",
                "default value": "",
                "possible values": "",
            }
            for i, k in enumerate(labels)
        },
        "coding_map": {},
        "behaviors_coding_map": [],
        "converters": {},
    }
    with atomic_output(Path(path)) as handle:
        handle.write(json.dumps(project, indent=1, ensure_ascii=False).encode("utf-8"))
