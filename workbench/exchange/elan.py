"""ELAN annotation files (``.eaf``): one tier per behaviour and subject, times in milliseconds.

Written: EAF 3.0. A behaviour read from an ELAN tier (category ``ELAN tier: <name>``) goes back
to a tier of that name with its participant; any other behaviour to a tier ``<behaviour>@<subject>``
(PARTICIPANT = subject). A state is one annotation from its start to its stop, a point event an
annotation of 1 ms (ELAN needs a positive length); the annotation value is the event's modifiers
joined by ``|``, and its ``@tier=value`` modifiers become dependent tiers (``elan_refs``). Behaviours
with a modifier set use a linguistic type holding a controlled vocabulary of the set's values.
Comments, and the modifiers of a state's other event, go to dependent tiers ``<tier> (start
comment)``, ``(stop comment)``, ``(start modifiers)``/``(stop modifiers)``; frame times are not carried.

Read: our own files back exactly; any other EAF as one state behaviour per time-aligned tier
(subject = the tier's participant), each aligned annotation an interval whose value is its first
modifier; annotations of one tier that overlap go to further behaviours of that tier ("lanes",
``<tier> (2)``) so that each stays its own interval. Annotations on slots without a time get
ELAN's interpolated time; a zero-length one lasts 1 ms. Referring (symbolic) tiers become
modifiers of the annotation they hang from. A tier's controlled vocabulary becomes its modifier
set when every value on the tier is one of its entries. ``counts`` give the tiers and annotations
the file holds and those kept.
"""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from workbench.coding import observation as ob
from workbench.exchange import elan_refs
from workbench.exchange.coded import NO_FOCAL, CodedObservation, CodedProject, build_scheme, slug
from workbench.exchange.safe_xml import parse_xml_file
from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_output
from workbench.model.timing import MAX_TIME_MS

MARK = "workbench:scheme"
POINT_LENGTH_MS = 1
TIER_CATEGORY = "ELAN tier: "


def _type_id(kind: str, when: str, modifier_set: str | None) -> str:
    base = "state-stop" if kind == "state" and when == "stop" and modifier_set else kind
    return f"{base}|{modifier_set}" if modifier_set else base


def _tier_of(scheme, code: str, subject: str) -> tuple[str, str]:
    """(TIER_ID, PARTICIPANT) a behaviour and subject are written to."""
    behaviour = scheme.behaviour(code)
    if behaviour.category.startswith(TIER_CATEGORY):
        names = {s.key: s.name for s in scheme.subjects}
        return behaviour.category[len(TIER_CATEGORY) :], "" if subject == NO_FOCAL else names.get(subject, "")
    return f"{code}@{subject}", subject


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
            MIME_TYPE=mimetypes.guess_type(name)[0] or "video/mp4",
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
    spans: dict[tuple[str, str], list[tuple[int, int, tuple[str, ...], tuple]]] = {}
    for e in observation.events:
        if e.event_type == "point":
            spans.setdefault((e.behaviour, e.subject or NO_FOCAL), []).append(
                (e.time_ms, e.time_ms + POINT_LENGTH_MS, e.modifiers, _extras(e, None, False))
            )
    for i in pairing.intervals:
        on_stop = _value_on_stop(scheme.behaviour(i.behaviour))
        modifiers = i.stop.modifiers if on_stop else i.start.modifiers
        spans.setdefault((i.behaviour, i.subject or NO_FOCAL), []).append(
            (i.start_ms, i.stop_ms, modifiers, _extras(i.start, i.stop, on_stop))
        )
    tiers: dict[str, tuple[str, str, list]] = {}
    used_types: dict[str, str | None] = {}
    for b in scheme.behaviours:
        for subject in [s.key for s in scheme.subjects]:
            items = spans.get((b.code, subject), [])
            if not items:
                continue
            type_id = _type_id(b.kind, b.modifier_when, b.modifier_set)
            used_types[type_id] = b.modifier_set
            tier_id, participant = _tier_of(scheme, b.code, subject)
            tiers.setdefault(tier_id, (participant, type_id, []))[2].extend(items)
    refs = elan_refs.RefWriter(root)
    slot = annotation = 0
    for tier_id, (participant, type_id, items) in tiers.items():
        tier = etree.SubElement(
            root, "TIER", TIER_ID=tier_id, PARTICIPANT=participant, LINGUISTIC_TYPE_REF=type_id
        )
        for start, stop, modifiers, extras in sorted(items):
            plain, dependents = elan_refs.split_modifiers(modifiers)
            dependents += [((elan_refs.Step(f"{tier_id} ({what})"),), value) for what, value in extras]
            ids = []
            for t in (start, stop):
                slot += 1
                etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=f"ts{slot}", TIME_VALUE=str(t))
                ids.append(f"ts{slot}")
            annotation += 1
            aligned = etree.SubElement(
                etree.SubElement(tier, "ANNOTATION"),
                "ALIGNABLE_ANNOTATION",
                ANNOTATION_ID=f"a{annotation}",
                TIME_SLOT_REF1=ids[0],
                TIME_SLOT_REF2=ids[1],
            )
            etree.SubElement(aligned, "ANNOTATION_VALUE").text = "|".join(plain)
            refs.add(tier_id, f"a{annotation}", participant, dependents)
    for type_id, modifier_set in used_types.items():
        attrs = {"GRAPHIC_REFERENCES": "false", "LINGUISTIC_TYPE_ID": type_id, "TIME_ALIGNABLE": "true"}
        if modifier_set:
            attrs["CONTROLLED_VOCABULARY_REF"] = modifier_set
        etree.SubElement(root, "LINGUISTIC_TYPE", **attrs)
    for type_id, constraint in refs.types().items():
        etree.SubElement(
            root,
            "LINGUISTIC_TYPE",
            CONSTRAINTS=constraint,
            GRAPHIC_REFERENCES="false",
            LINGUISTIC_TYPE_ID=type_id,
            TIME_ALIGNABLE="false",
        )
    etree.SubElement(
        root,
        "LANGUAGE",
        LANG_DEF="http://cdb.iso.org/lg/CDB-00130975-001",
        LANG_ID="und",
        LANG_LABEL="undetermined (und)",
    )
    for constraint in sorted(set(refs.types().values())):
        etree.SubElement(root, "CONSTRAINT", DESCRIPTION=constraint.replace("_", " "), STEREOTYPE=constraint)
    for vocabulary in scheme.modifier_sets:
        cv = etree.SubElement(root, "CONTROLLED_VOCABULARY", CV_ID=vocabulary.name)
        etree.SubElement(cv, "DESCRIPTION", LANG_REF="und")
        for n, value in enumerate(vocabulary.values, start=1):
            entry = etree.SubElement(cv, "CV_ENTRY_ML", CVE_ID=f"cve_{slug(vocabulary.name, set())}_{n}")
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


def _slot_times(root, path: Path) -> tuple[dict[str, int], set[str]]:
    """Every time slot's time, and the ids of those without one (given ELAN's interpolation: evenly
    between the nearest slots with a time before and after, in TIME_ORDER order)."""
    ids: list[str] = []
    given: dict[int, int] = {}
    for ts in root.iterfind("TIME_ORDER/TIME_SLOT"):
        slot_id, value = ts.get("TIME_SLOT_ID") or "", ts.get("TIME_VALUE")
        if value is not None:
            given[len(ids)] = _slot_ms(value, f"{path.name}: time slot {slot_id!r}")
        ids.append(slot_id)
    times = {ids[i]: ms for i, ms in given.items()}
    missing = {slot_id for i, slot_id in enumerate(ids) if i not in given}
    known = sorted(given)
    if not known:
        return times, missing
    for gap_from, gap_to in zip([-1, *known], [*known, len(ids)]):
        for i in range(gap_from + 1, gap_to):
            if gap_from < 0 or gap_to >= len(ids):
                times[ids[i]] = given[gap_to if gap_from < 0 else gap_from]
            else:
                low, high = given[gap_from], given[gap_to]
                times[ids[i]] = round(low + (high - low) * (i - gap_from) / (gap_to - gap_from))
    return times, missing


def _chain_times(aligned, times: dict[str, int], untimed: set[str]) -> dict[str, int]:
    """Times for a tier's slots without one, as ELAN shows them: along each chain of annotations
    that share slots (one's end the next one's start), evenly between the chain's timed slots."""
    found: dict[str, int] = {}
    chain: list[str] = []
    for a in [*aligned, None]:
        first, second = (
            (a.get("TIME_SLOT_REF1") or "", a.get("TIME_SLOT_REF2") or "") if a is not None else ("", "")
        )
        if chain and a is not None and first == chain[-1]:
            chain.append(second)
            continue
        timed = [i for i, slot in enumerate(chain) if slot not in untimed and slot in times]
        for low, high in zip(timed, timed[1:]):
            t0, t1 = times[chain[low]], times[chain[high]]
            for k in range(low + 1, high):
                found[chain[k]] = round(t0 + (t1 - t0) * (k - low) / (high - low))
        chain = [first, second] if a is not None else []
    return found


def _vocabularies(root) -> dict[str, list[str]]:
    """Controlled vocabularies by id: their entries' values (the first language of a multilingual one)."""
    found: dict[str, list[str]] = {}
    for cv in root.iterfind("CONTROLLED_VOCABULARY"):
        values = [e.text or "" for e in cv.iterfind("CV_ENTRY")]
        values += [e.findtext("CVE_VALUE") or "" for e in cv.iterfind("CV_ENTRY_ML")]
        found[cv.get("CV_ID") or ""] = list(dict.fromkeys(v for v in values if v.strip()))
    return found


def lanes(spans: list) -> list[int]:
    """For spans (start, stop, ...), the 0-based lane of each: the first lane free at its start
    (a lane whose last span stops at or before it), so that no two spans of a lane overlap."""
    ends: list[int] = []
    out = [0] * len(spans)
    for n in sorted(range(len(spans)), key=lambda k: (spans[k][0], spans[k][1], k)):
        start, stop = spans[n][0], spans[n][1]
        lane = next((k for k, end in enumerate(ends) if end <= start), len(ends))
        if lane == len(ends):
            ends.append(stop)
        else:
            ends[lane] = stop
        out[n] = lane
    return out


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
    times, untimed = _slot_times(root, path)
    properties = {p.get("NAME"): (p.text or "") for p in root.iterfind("HEADER/PROPERTY")}
    media = [
        (d.get("RELATIVE_MEDIA_URL") or d.get("MEDIA_URL") or "").rsplit("/", 1)[-1]
        for d in root.iterfind("HEADER/MEDIA_DESCRIPTOR")
    ]
    types = {t.get("LINGUISTIC_TYPE_ID"): t for t in root.iterfind("LINGUISTIC_TYPE")}
    symbolic = {
        type_id: t.get("CONSTRAINTS") == "Symbolic_Subdivision"
        for type_id, t in types.items()
        if t.get("CONSTRAINTS") in ("Symbolic_Subdivision", "Symbolic_Association")
    }
    notes: list[str] = []
    tiers, aligned_ids = [], set()
    interpolated = stretched = 0
    for tier in root.iterfind("TIER"):
        tier_id = tier.get("TIER_ID") or ""
        aligned = tier.findall("ANNOTATION/ALIGNABLE_ANNOTATION")
        if not aligned:
            if not len(tier):
                notes.append(f"tier {tier_id!r} has no annotations; not kept")
            continue
        spans, unaligned = [], 0
        here = {**times, **_chain_times(aligned, times, untimed)} if untimed else times
        for a in aligned:
            refs = a.get("TIME_SLOT_REF1"), a.get("TIME_SLOT_REF2")
            start, stop = here.get(refs[0]), here.get(refs[1])
            if start is None or stop is None or stop < start:
                unaligned += 1
                continue
            interpolated += any(r in untimed for r in refs)
            if stop == start:
                stop, stretched = start + 1, stretched + 1
            spans.append((start, stop, a.findtext("ANNOTATION_VALUE") or "", a.get("ANNOTATION_ID") or ""))
            aligned_ids.add(a.get("ANNOTATION_ID") or "")
        if unaligned:
            notes.append(f"tier {tier_id!r}: {unaligned} annotation(s) without usable times left out")
        parent = tier.get("PARENT_REF")
        if parent:
            constraint = types.get(tier.get("LINGUISTIC_TYPE_REF"), tier).get("CONSTRAINTS") or "a dependency"
            notes.append(
                f"tier {tier_id!r} ({constraint} of {parent!r}) is kept as its own time-aligned tier; "
                "the link to its parent tier is not"
            )
        tiers.append((tier, spans))
    if not tiers:
        raise WorkbenchError(f"{path.name} has no time-aligned annotations to import")
    if interpolated:
        notes.append(
            f"{interpolated} annotation(s) on time slots without a time got ELAN's interpolated times"
        )
    if stretched:
        notes.append(f"{stretched} annotation(s) of zero length were given 1 ms")
    referring: set[str] = set()
    dependents = elan_refs.dependent_entries(root, symbolic, aligned_ids, notes, referring)
    kept = sum(len(v) for v in dependents.values())
    if kept:
        notes.append(
            f"{kept} annotation(s) of referring tiers kept as @tier modifiers of their parent annotation"
        )
    name = properties.get("workbench:observation") or path.stem
    if MARK in properties:
        coded = _read_ours(path, properties[MARK], name, media, tiers, dependents, scheme, notes)
    else:
        coded = _read_foreign(path, name, media, tiers, dependents, _vocabularies(root), types, notes)
    timed = {tier.get("TIER_ID") or "" for tier, spans in tiers if spans}
    coded.counts = {  # held in the file, kept (referring ones as modifiers of a kept annotation)
        "tiers": (len(root.findall("TIER")), sum(1 for _t, s in tiers if s) + len(referring - timed)),
        "annotations": (len(root.findall("TIER/ANNOTATION")), sum(len(s) for _t, s in tiers) + kept),
    }
    return coded


def _modifiers(value: str, ann_id: str, dependents: dict[str, list[str]]) -> tuple[str, ...]:
    return ((value,) if value else ()) + tuple(dependents.get(ann_id, ()))


def _fits(path: Path, what: str, text: str, limit: int) -> str:
    """``text`` when a project can hold it (names are stored in columns of ``limit`` characters)."""
    if len(text) > limit:
        raise WorkbenchError(
            f"{path.name}: {what} name {text[:40]!r}... is {len(text)} characters long; "
            f"a project keeps at most {limit}. Nothing was imported."
        )
    return text


def _read_foreign(
    path: Path, name: str, media, tiers, dependents, vocabularies, types, notes
) -> CodedProject:
    subject_of, subjects, taken_subjects = {}, [], {NO_FOCAL}
    behaviours, events = [], []
    sets = {cv: {"name": cv, "values": values} for cv, values in vocabularies.items() if len(values) >= 2}
    for cv in sorted(set(vocabularies) - set(sets)):
        notes.append(f"vocabulary {cv!r} not kept: it lists fewer than two entries (or is external)")
    taken: set[str] = set()
    for cv in sets:
        _fits(path, "vocabulary", cv, 100)
    for tier, spans in tiers:
        tier_id = _fits(path, "tier", tier.get("TIER_ID") or "tier", 100 - len(TIER_CATEGORY))
        participant = _fits(path, "participant", (tier.get("PARTICIPANT") or "").strip(), 100)
        if participant and participant not in subject_of:
            subject_of[participant] = slug(participant, taken_subjects, "subject")
            subjects.append({"key": subject_of[participant], "name": participant})
        subject = subject_of.get(participant, NO_FOCAL)
        cv_id = types.get(tier.get("LINGUISTIC_TYPE_REF"), tier).get("CONTROLLED_VOCABULARY_REF")
        entries = vocabularies.get(cv_id or "", [])
        modifier_set = None
        if cv_id in sets and all(not s[2] or s[2] in entries for s in spans):
            modifier_set = cv_id
        elif cv_id in sets:
            notes.append(f"tier {tier_id!r} is not tied to its vocabulary {cv_id!r} (it holds other values)")
        placed = lanes(spans)
        codes = []
        for lane in range(max(placed) + 1 if placed else 1):
            label = tier_id if lane == 0 else f"{tier_id} ({lane + 1})"
            codes.append(slug(label, taken))
            behaviours.append(
                {
                    "code": codes[-1],
                    "name": label,
                    "kind": "state",
                    "key": None,
                    "category": TIER_CATEGORY + tier_id,
                    "subjects": [subject],
                    **({"modifier_set": modifier_set} if modifier_set else {}),
                }
            )
        if len(codes) > 1:
            notes.append(f"tier {tier_id!r} has overlapping annotations: kept as {len(codes)} lanes")
        for (start, stop, value, ann_id), lane in zip(spans, placed):
            events += [
                ob.Event(
                    codes[lane], subject, "start", start, modifiers=_modifiers(value, ann_id, dependents)
                ),
                ob.Event(codes[lane], subject, "stop", stop),
            ]
    subjects.append({"key": NO_FOCAL, "name": "No focal subject"})
    scheme = build_scheme(f"ELAN: {path.stem}", subjects, behaviours, list(sets.values()), [], path.name)
    return CodedProject(scheme, [CodedObservation(name, media, ob.time_order(events))], notes)


def _tier_behaviours(path: Path, scheme, tier_id: str, scheme_name: str) -> list[tuple[str, str]]:
    """(behaviour code, subject) of each lane of one of our own tiers."""
    lanes_ = [
        (b.code, b.subjects[0])
        for b in scheme.behaviours
        if b.category == TIER_CATEGORY + tier_id and b.subjects
    ]
    if lanes_:
        return lanes_
    code, _, subject = tier_id.partition("@")
    try:
        scheme.behaviour(code)
    except KeyError:
        raise WorkbenchError(
            f"{path.name}: tier {tier_id!r} names behaviour {code!r}, which the scheme {scheme_name!r} lacks"
        ) from None
    return [(code, subject)]


EXTRA_FIELDS = ("start comment", "stop comment", "start modifiers", "stop modifiers")


def _value_on_stop(behaviour) -> bool:
    """Whether a state's annotation value comes from its stop event (modifiers asked at the stop)."""
    return (
        behaviour.kind == "state" and behaviour.modifier_when == "stop" and behaviour.modifier_set is not None
    )


def _extras(start: ob.Event, stop: ob.Event | None, on_stop: bool) -> tuple[tuple[str, str], ...]:
    """What an annotation value cannot hold, as (field, text) for the tiers ``<tier> (<field>)``:
    comments, and the modifiers of the event that does not give the value."""
    other = start if on_stop else stop
    fields = {
        "start comment": start.comment,
        "stop comment": stop.comment if stop is not None else "",
        ("start modifiers" if on_stop else "stop modifiers"): "|".join(other.modifiers) if other else "",
    }
    return tuple((what, value) for what, value in fields.items() if value)


def _own_extras(tier_id: str, dependents) -> tuple[tuple[str, ...], dict[str, str]]:
    """(the other dependent modifiers, {field: text}) of one of our own annotations."""
    kept, extras = [], {}
    wanted = {f"{tier_id} ({what})": what for what in EXTRA_FIELDS}
    for text in dependents:
        parsed = elan_refs.parse_entry(text)
        if parsed and len(parsed[0]) == 1 and parsed[0][0].place is None and parsed[0][0].tier in wanted:
            extras[wanted[parsed[0][0].tier]] = parsed[1]
        else:
            kept.append(text)
    return tuple(kept), extras


def _read_ours(
    path: Path, scheme_name: str, name: str, media, tiers, dependents, scheme, notes
) -> CodedProject:
    if scheme is None or scheme.name != scheme_name:
        raise WorkbenchError(
            f"{path.name} was coded with the scheme {scheme_name!r}, which this project lacks; "
            "add that scheme first"
        )
    events: list[ob.Event] = []
    for tier, spans in tiers:
        tier_id = tier.get("TIER_ID") or ""
        targets = _tier_behaviours(path, scheme, tier_id, scheme_name)
        placed = lanes(spans)
        if placed and max(placed) >= len(targets):
            raise WorkbenchError(
                f"{path.name}: tier {tier_id!r} has annotations overlapping {max(placed) + 1} deep; "
                f"the scheme {scheme_name!r} has {len(targets)} lane(s) for it"
            )
        for (start, stop, text, ann_id), lane in zip(spans, placed):
            code, subject = targets[lane]
            behaviour = scheme.behaviour(code)
            kept, extras = _own_extras(tier_id, dependents.get(ann_id, ()))
            whole = behaviour.category.startswith(TIER_CATEGORY)  # an ELAN value is one modifier
            modifiers = (((text,) if whole else tuple(text.split("|"))) if text else ()) + kept
            first, second = ("start", "stop") if behaviour.kind == "state" else ("point", "")
            made = {first: ob.Event(code, subject, first, start, comment=extras.get("start comment", ""))}
            if second:
                made[second] = ob.Event(code, subject, second, stop, comment=extras.get("stop comment", ""))
            carrier, other = ("stop", "start") if _value_on_stop(behaviour) else (first, second)
            made[carrier] = replace(made[carrier], modifiers=modifiers)
            if other and extras.get(f"{other} modifiers"):
                made[other] = replace(made[other], modifiers=tuple(extras[f"{other} modifiers"].split("|")))
            events += made.values()
    return CodedProject(scheme, [CodedObservation(name, media, ob.time_order(events))], notes)
