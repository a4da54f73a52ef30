"""ELAN annotation files (``.eaf``): one tier per behaviour and subject, times in milliseconds.

Written: EAF 3.0 with a tier ``<behaviour>@<subject>`` (PARTICIPANT = subject) per behaviour and
subject used; a state is one annotation from its start to its stop, a point event an annotation
of 1 ms (ELAN needs a positive length); the annotation value is the event's modifiers joined by
``|``. Behaviours with a modifier set use a linguistic type holding a controlled vocabulary of the
set's values. Comments and frame times are not carried (EAF has no place for them).

Read: our own files back exactly; any other EAF as one state behaviour per time-aligned tier
(subject = the tier's participant), each aligned annotation an interval, its text the comment.
Annotations on unaligned time slots and symbolic (reference) tiers are skipped and reported.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from workbench.coding import observation as ob
from workbench.exchange.coded import NO_FOCAL, CodedObservation, CodedProject, build_scheme, slug
from workbench.exchange.safe_xml import parse_xml_file
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output
from workbench.model.timing import MAX_TIME_MS

MARK = "workbench:scheme"
POINT_LENGTH_MS = 1


def _type_id(kind: str, when: str, modifier_set: str | None) -> str:
    base = "state-stop" if kind == "state" and when == "stop" and modifier_set else kind
    return f"{base}|{modifier_set}" if modifier_set else base


def write_eaf(coded: CodedProject, path: Path) -> list[str]:
    """Write the project's single observation as EAF 3.0; returns notes on what was left out."""
    if len(coded.observations) != 1:
        raise WorkbenchError(f"An ELAN file holds one observation; {len(coded.observations)} were given.")
    scheme, observation = coded.scheme, coded.observations[0]
    notes = []
    root = etree.Element(
        "ANNOTATION_DOCUMENT",
        AUTHOR=observation.coder,
        FORMAT="3.0",
        VERSION="3.0",
        DATE=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    root.set(
        "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation",
        "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
    )
    header = etree.SubElement(root, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    for name in observation.media_files:
        etree.SubElement(
            header,
            "MEDIA_DESCRIPTOR",
            MEDIA_URL=f"file:///{name}",
            MIME_TYPE="video/mp4",
            RELATIVE_MEDIA_URL=f"./{name}",
        )
    etree.SubElement(header, "PROPERTY", NAME=MARK).text = scheme.name
    etree.SubElement(header, "PROPERTY", NAME="workbench:observation").text = observation.name
    order = etree.SubElement(root, "TIME_ORDER")
    pairing = ob.pair_states(observation.events)
    if pairing.unpaired:
        notes.append(
            f"{len(pairing.unpaired)} unpaired state event(s) left out (ELAN needs a start and a stop)"
        )
    spans: dict[tuple[str, str], list[tuple[int, int, tuple[str, ...]]]] = {}
    for e in observation.events:
        if e.event_type == "point":
            spans.setdefault((e.behaviour, e.subject or NO_FOCAL), []).append(
                (e.time_ms, e.time_ms + POINT_LENGTH_MS, e.modifiers)
            )
    for i in pairing.intervals:
        when = scheme.behaviour(i.behaviour).modifier_when
        modifiers = i.stop.modifiers if when == "stop" else i.start.modifiers
        spans.setdefault((i.behaviour, i.subject or NO_FOCAL), []).append((i.start_ms, i.stop_ms, modifiers))
    slot = annotation = 0
    used_types = {}
    for b in scheme.behaviours:
        for subject in [s.key for s in scheme.subjects]:
            items = sorted(spans.get((b.code, subject), []))
            if not items:
                continue
            type_id = _type_id(b.kind, b.modifier_when, b.modifier_set)
            used_types[type_id] = b.modifier_set
            tier = etree.SubElement(
                root, "TIER", TIER_ID=f"{b.code}@{subject}", PARTICIPANT=subject, LINGUISTIC_TYPE_REF=type_id
            )
            for start, stop, modifiers in items:
                refs = []
                for t in (start, stop):
                    slot += 1
                    etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=f"ts{slot}", TIME_VALUE=str(t))
                    refs.append(f"ts{slot}")
                annotation += 1
                wrapper = etree.SubElement(tier, "ANNOTATION")
                aligned = etree.SubElement(
                    wrapper,
                    "ALIGNABLE_ANNOTATION",
                    ANNOTATION_ID=f"a{annotation}",
                    TIME_SLOT_REF1=refs[0],
                    TIME_SLOT_REF2=refs[1],
                )
                etree.SubElement(aligned, "ANNOTATION_VALUE").text = "|".join(modifiers)
    for type_id, modifier_set in used_types.items():
        attrs = {"GRAPHIC_REFERENCES": "false", "LINGUISTIC_TYPE_ID": type_id, "TIME_ALIGNABLE": "true"}
        if modifier_set:
            attrs["CONTROLLED_VOCABULARY_REF"] = modifier_set
        etree.SubElement(root, "LINGUISTIC_TYPE", **attrs)
    etree.SubElement(
        root,
        "LANGUAGE",
        LANG_DEF="http://cdb.iso.org/lg/CDB-00130975-001",
        LANG_ID="und",
        LANG_LABEL="undetermined (und)",
    )
    for modifier_set in sorted({m for m in used_types.values() if m}):
        cv = etree.SubElement(root, "CONTROLLED_VOCABULARY", CV_ID=modifier_set)
        etree.SubElement(cv, "DESCRIPTION", LANG_REF="und")
        for n, value in enumerate(scheme.modifier_set(modifier_set).values, start=1):
            entry = etree.SubElement(cv, "CV_ENTRY_ML", CVE_ID=f"cve_{slug(modifier_set, set())}_{n}")
            etree.SubElement(entry, "CVE_VALUE", LANG_REF="und").text = value
    with atomic_output(Path(path)) as handle:
        handle.write(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return notes


def _slot_ms(value: str, where: str) -> int:
    """A time slot's value: whole milliseconds from 0 to ``MAX_TIME_MS``."""
    try:
        ms = int(value)
    except ValueError:
        raise WorkbenchError(f"{where} has time {value[:40]!r}, not whole milliseconds") from None
    if not 0 <= ms <= MAX_TIME_MS:
        raise WorkbenchError(f"{where} has time {value[:40]!r}, outside 0 to {MAX_TIME_MS} ms")
    return ms


def scheme_mark(path: Path) -> str | None:
    """The scheme name our own export records in an EAF file's header (None in other files)."""
    for prop in parse_xml_file(Path(path)).getroot().iterfind("HEADER/PROPERTY"):
        if prop.get("NAME") == MARK:
            return prop.text or ""
    return None


def read_eaf(path: Path, scheme=None) -> CodedProject:
    """An EAF file as one observation; ``scheme`` (the project's scheme of our own export) if known."""
    path = Path(path)
    root = parse_xml_file(path).getroot()
    if root.tag != "ANNOTATION_DOCUMENT":
        raise WorkbenchError(f"{path.name} is not an ELAN file (its root element is <{root.tag}>)")
    header = root.find("HEADER")
    units = header.get("TIME_UNITS", "milliseconds") if header is not None else "milliseconds"
    if units != "milliseconds":
        raise WorkbenchError(f"{path.name} uses time units {units!r}; only milliseconds are supported")
    times = {}
    for ts in root.iterfind("TIME_ORDER/TIME_SLOT"):
        value = ts.get("TIME_VALUE")
        if value is not None:
            times[ts.get("TIME_SLOT_ID")] = _slot_ms(
                value, f"{path.name}: time slot {ts.get('TIME_SLOT_ID')!r}"
            )
    properties = {p.get("NAME"): (p.text or "") for p in root.iterfind("HEADER/PROPERTY")}
    media = [
        (d.get("RELATIVE_MEDIA_URL") or d.get("MEDIA_URL") or "").rsplit("/", 1)[-1]
        for d in root.iterfind("HEADER/MEDIA_DESCRIPTOR")
    ]
    ours = MARK in properties
    notes, tiers = [], []
    for tier in root.iterfind("TIER"):
        aligned = tier.findall("ANNOTATION/ALIGNABLE_ANNOTATION")
        if not aligned:
            if len(tier):
                notes.append(f"tier {tier.get('TIER_ID')!r} refers to other annotations (no times); skipped")
            continue
        spans, unaligned = [], 0
        for a in aligned:
            start, stop = times.get(a.get("TIME_SLOT_REF1")), times.get(a.get("TIME_SLOT_REF2"))
            if start is None or stop is None or stop < start:
                unaligned += 1
                continue
            spans.append((start, stop, a.findtext("ANNOTATION_VALUE") or ""))
        if unaligned:
            notes.append(f"tier {tier.get('TIER_ID')!r}: {unaligned} annotation(s) without times skipped")
        tiers.append((tier, spans))
    if not tiers:
        raise WorkbenchError(f"{path.name} has no time-aligned annotations to import")
    name = properties.get("workbench:observation") or path.stem
    if ours:
        return _read_ours(path, properties[MARK], name, media, tiers, scheme, notes)
    return _read_foreign(path, name, media, tiers, notes)


def _read_foreign(path: Path, name: str, media: list[str], tiers, notes) -> CodedProject:
    subject_of, subjects, taken_subjects = {}, [], {NO_FOCAL}
    behaviours, events = [], []
    taken: set[str] = set()
    for tier, spans in tiers:
        participant = (tier.get("PARTICIPANT") or "").strip()
        if participant and participant not in subject_of:
            subject_of[participant] = slug(participant, taken_subjects, "subject")
            subjects.append({"key": subject_of[participant], "name": participant})
        subject = subject_of.get(participant, NO_FOCAL)
        code = slug(tier.get("TIER_ID") or "tier", taken)
        behaviours.append(
            {
                "code": code,
                "name": tier.get("TIER_ID") or code,
                "kind": "state",
                "key": None,
                "category": tier.get("LINGUISTIC_TYPE_REF") or "",
                "subjects": [subject],
            }
        )
        for start, stop, text in spans:
            events += [
                ob.Event(code, subject, "start", start, comment=text),
                ob.Event(code, subject, "stop", stop),
            ]
    subjects.append({"key": NO_FOCAL, "name": "No focal subject"})
    scheme = build_scheme(f"ELAN: {path.stem}", subjects, behaviours, [], [], path.name)
    return CodedProject(scheme, [CodedObservation(name, media, events)], notes)


def _read_ours(path: Path, scheme_name: str, name: str, media, tiers, scheme, notes) -> CodedProject:
    if scheme is None or scheme.name != scheme_name:
        raise WorkbenchError(
            f"{path.name} was coded with the scheme {scheme_name!r}, which this project lacks; "
            "add that scheme first"
        )
    events = []
    for tier, spans in tiers:
        tier_id = tier.get("TIER_ID") or ""
        code, _, subject = tier_id.partition("@")
        try:
            behaviour = scheme.behaviour(code)
        except KeyError:
            raise WorkbenchError(
                f"{path.name}: tier {tier_id!r} names behaviour {code!r}, "
                f"which the scheme {scheme_name!r} lacks"
            ) from None
        for start, stop, text in spans:
            modifiers = tuple(text.split("|")) if text else ()
            if behaviour.kind == "point":
                events.append(ob.Event(code, subject, "point", start, modifiers=modifiers))
                continue
            at_stop = behaviour.modifier_when == "stop" and behaviour.modifier_set is not None
            events += [
                ob.Event(code, subject, "start", start, modifiers=() if at_stop else modifiers),
                ob.Event(code, subject, "stop", stop, modifiers=modifiers if at_stop else ()),
            ]
    return CodedProject(scheme, [CodedObservation(name, media, ob.time_order(events))], notes)
