"""Project data as reliability inputs: text codings, timed observations and ratings by coder.

Each builder returns a plain "material" holding the input for
``workbench.coding.reliability.report.build_report`` plus the ids behind every
label, so a disagreement can be found again (navigation) and resolved (the
``Consensus`` coder, see ``workbench.store.consensus``). The Consensus coder is
never one of the compared coders unless named.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from workbench.coding import observation as ob
from workbench.coding.reconcile import ScaleRange
from workbench.coding.reliability.ratings import Rating as RatingRow
from workbench.coding.reliability.report import RatingsInput, TextInput, TimedInput
from workbench.coding.reliability.text import TextCoding as TextUnit
from workbench.coding.reliability.text import Transcript as TextDoc
from workbench.coding.reliability.timed import Event as TimedEvent
from workbench.coding.reliability.timed import Observation as TimedObservation
from workbench.coding.reliability.timed import ObservationPair, State
from workbench.model.errors import WorkbenchError
from workbench.store.coding_ops import document
from workbench.store.engine import Database
from workbench.store.observations import list_observations, observation_data
from workbench.store.schema import (
    Assignment,
    Code,
    Coder,
    CodingScheme,
    Media,
    Participant,
    RatingScale,
    TextCoding,
    Timepoint,
    Transcript,
)
from workbench.store.schemes import read_scheme

CONSENSUS = "Consensus"
MATERIALS = ("transcripts", "observations", "ratings")


@dataclass(frozen=True)
class TextMaterial:
    input: TextInput
    transcript_ids: dict[str, int]  # label -> transcripts.id
    code_ids: dict[str, int]  # label -> codes.id
    coder_ids: dict[str, int]
    texts: dict[str, str] = field(default_factory=dict)  # label -> the transcript's text


@dataclass(frozen=True)
class TimedMaterial:
    input: TimedInput
    media_ids: dict[str, int]  # observation label -> media.id
    scheme: dict[str, str]  # observation label -> scheme name
    events: dict[str, tuple[tuple[ob.Event, ...], tuple[ob.Event, ...]]] = field(default_factory=dict)
    coder_ids: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # behaviour/subject code -> its name
    colours: dict[str, str] = field(default_factory=dict)  # behaviour code -> its colour
    durations: dict[str, int] = field(default_factory=dict)  # observation label -> ms


def scheme_vocabulary(session, scheme_names: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(code -> name, behaviour code -> colour) of the named schemes' behaviours, subjects, tasks and
    rating scales: what people read instead of the codes stored with events and ratings."""
    names: dict[str, str] = {}
    colours: dict[str, str] = {}
    for scheme_name in sorted(set(scheme_names)):
        scheme = read_scheme(session, scheme_name)
        for code, name in (
            [(s.key, s.name) for s in scheme.subjects]
            + [(t.code, t.name) for t in scheme.tasks]
            + [(r.code, r.name) for r in scheme.rating_scales]
            + [(b.code, b.name) for b in scheme.behaviours]
        ):
            names.setdefault(code, name)
        for b in scheme.behaviours:
            colours.setdefault(b.code, b.colour)
    return names, colours


def _coders(session) -> dict[str, int]:
    return {name: i for i, name in session.execute(select(Coder.id, Coder.name))}


def _check_names(known: dict[str, int], names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in known]
    if unknown:
        raise WorkbenchError(f"No coder called {unknown[0]!r} in this project.")
    if len(set(names)) != len(names) or len(names) < 2:
        raise WorkbenchError("Choose at least two different coders to compare.")


def _label(names: dict[int, str], ids: Sequence[int], name_of) -> dict[str, int]:
    """A unique label per row: its name, with the id where names repeat."""
    counts = Counter(name_of(i) for i in ids)
    return {(name_of(i) if counts[name_of(i)] == 1 else f"{name_of(i)} #{i}"): i for i in ids}


def text_coders(db: Database) -> list[str]:
    """Coders with text codings, most codings first."""
    with db.reading() as session:
        rows = session.execute(
            select(Coder.name, func.count(TextCoding.id))
            .join(TextCoding)
            .group_by(Coder.name)
            .order_by(func.count(TextCoding.id).desc(), Coder.name)
        ).all()
    return [name for name, _ in rows]


def text_material(
    db: Database, coders: Sequence[str] | None = None, min_overlap: float = 0.9, min_chars: int = 1
) -> TextMaterial:
    """Codings of the chosen coders (default: the two with most codings, Consensus aside) on the
    transcripts that every one of them coded; lengths and segment spans of the document text."""
    if coders is None:
        coders = [c for c in text_coders(db) if c != CONSENSUS][:2]
    coders = list(coders)
    with db.reading() as session:
        known = _coders(session)
        _check_names(known, coders)
        ids = [known[c] for c in coders]
        per = {
            cid: set(session.scalars(select(TextCoding.transcript_id).where(TextCoding.coder_id == cid)))
            for cid in ids
        }
        shared = sorted(set.intersection(*per.values()))
        if not shared:
            raise WorkbenchError(f"No transcript was coded by all of {', '.join(coders)}.")
        names = dict(
            session.execute(select(Transcript.id, Transcript.name).where(Transcript.id.in_(shared))).all()
        )
        t_labels = _label(names, shared, names.get)
        docs, texts = [], {}
        for label, tid in t_labels.items():
            doc = document(session, tid)
            texts[label] = doc.text
            docs.append(
                TextDoc(label, len(doc.text), tuple(doc.segment_span(i) for i in range(len(doc.segments))))
            )
        rows = session.execute(
            select(
                TextCoding.coder_id,
                TextCoding.transcript_id,
                TextCoding.code_id,
                TextCoding.start_pos,
                TextCoding.end_pos,
            ).where(TextCoding.coder_id.in_(ids), TextCoding.transcript_id.in_(shared))
        ).all()
        code_ids = sorted({r.code_id for r in rows})
        cnames = dict(session.execute(select(Code.id, Code.name).where(Code.id.in_(code_ids))).all())
    c_labels = _label(cnames, code_ids, cnames.get)
    t_of, c_of = {v: k for k, v in t_labels.items()}, {v: k for k, v in c_labels.items()}
    by_coder: dict[str, list[TextUnit]] = {c: [] for c in coders}
    name_of = {known[c]: c for c in coders}
    lengths = {d.id: d.length for d in docs}
    for r in rows:
        t = t_of[r.transcript_id]
        end = min(r.end_pos, lengths[t])  # a coding past a shortened text is compared up to its end
        by_coder[name_of[r.coder_id]].append(TextUnit(t, c_of[r.code_id], min(r.start_pos, end), end))
    return TextMaterial(
        TextInput(by_coder, docs, coders, min_overlap, min_chars),
        t_labels,
        c_labels,
        {c: known[c] for c in coders},
        texts,
    )


def _media_labels(session, media_ids: Sequence[int]) -> dict[str, int]:
    rows = session.execute(
        select(Media.id, Participant.pseudonym, Timepoint.name, Media.task)
        .join(Participant, Participant.id == Media.participant_id)
        .outerjoin(Timepoint, Timepoint.id == Media.timepoint_id)
        .where(Media.id.in_(list(media_ids)))
    ).all()
    name = {r.id: " / ".join(x for x in (r.pseudonym, r.name, r.task) if x) for r in rows}
    return _label(name, sorted(name), name.get)


def observation_raters(db: Database) -> list[str]:
    """Raters with observations, most observations first."""
    counts = Counter(r.coder_id for r in list_observations(db))
    with db.reading() as session:
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
    return [names[i] for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]]))]


def _pairs_by_media(db: Database, coders: Sequence[str] | None):
    """(rater names, {media id: (observation of A, observation of B)}) of the same media and scheme."""
    obs = list_observations(db)
    with db.reading() as session:
        known = _coders(session)
    if coders is None:
        coders = _default_pair(db, obs, known)
    coders = list(coders)
    _check_names(known, coders)
    if len(coders) != 2:
        raise WorkbenchError("Timed events are compared between exactly two raters.")
    a, b = known[coders[0]], known[coders[1]]
    # of several sessions of one video by one rater, the one the coder view opens (unnamed, else the
    # first by name) is compared: later entries win, so the order is reversed
    ordered = sorted(obs, key=lambda r: (r.name, r.id), reverse=True)
    mine = {(r.media_id, r.scheme): r for r in ordered if r.coder_id == a}
    theirs = {(r.media_id, r.scheme): r for r in ordered if r.coder_id == b}
    both = {k: (mine[k], theirs[k]) for k in sorted(set(mine) & set(theirs))}
    if not both:
        raise WorkbenchError(f"No recording was rated by both {coders[0]} and {coders[1]}.")
    return coders, both


def _default_pair(db: Database, obs, known: dict[str, int]) -> list[str]:
    """The primary and reliability raters of the reliability sample (the pair most often assigned
    together whose observations exist), else the two raters who observed the most media in common."""
    names = {v: k for k, v in known.items()}
    by_media = defaultdict(set)
    for r in obs:
        by_media[r.media_id].add(r.coder_id)
    with db.reading() as session:
        rows = session.execute(
            select(Assignment.media_id, Assignment.coder_id, Assignment.purpose).where(
                Assignment.media_id.is_not(None)
            )
        ).all()
    roles: dict[int, dict[str, int]] = defaultdict(dict)
    for media_id, coder_id, purpose in rows:
        assert media_id is not None  # picked by is_not(None)
        roles[media_id][purpose] = coder_id
    assigned = Counter(
        (r["primary"], r["reliability"])
        for m, r in roles.items()
        if {"primary", "reliability"} <= set(r) and {r["primary"], r["reliability"]} <= by_media[m]
    )
    if assigned:
        best = max(assigned, key=lambda p: (assigned[p], -p[0], -p[1]))
        return [names[best[0]], names[best[1]]]
    together = Counter(
        (a, b)
        for raters in by_media.values()
        for a in sorted(raters)
        for b in sorted(raters)
        if a < b and CONSENSUS not in (names[a], names[b])
    )
    if not together:
        raise WorkbenchError("No recording was rated by two raters.")
    best = max(together, key=lambda p: (together[p], -p[0], -p[1]))
    return [names[best[0]], names[best[1]]]


def _timed_observation(events: Sequence[ob.Event], duration: int) -> TimedObservation:
    pairing = ob.pair_states(events)
    points = tuple(
        TimedEvent(e.behaviour, e.time_ms, "point", e.subject or "")
        for e in events
        if e.event_type == "point"
    )
    states = [State(i.behaviour, i.start_ms, i.stop_ms, i.subject or "") for i in pairing.intervals]
    states += [
        State(e.behaviour, e.time_ms, duration, e.subject or "")  # never stopped: runs to the end
        for e in pairing.unpaired
        if e.event_type == "start"
    ]
    return TimedObservation(duration, points, tuple(states))


def timed_material(
    db: Database,
    coders: Sequence[str] | None = None,
    unit_ms: int = 1000,
    tolerance_ms: int = 0,
    window_ms: int = 2000,
) -> TimedMaterial:
    """Observations of the same media (and scheme) by two raters (default: the reliability sample's
    primary and second rater, else the pair sharing most media)."""
    coders, both = _pairs_by_media(db, coders)
    with db.reading() as session:
        labels = _media_labels(session, sorted({m for m, _ in both}))
        durations = dict(session.execute(select(Media.id, Media.duration_ms)).all())
    label_of = {v: k for k, v in labels.items()}
    multi_scheme = len({s for _, s in both}) > 1
    pairs, media_ids, schemes, events = [], {}, {}, {}
    for (media_id, scheme), (ra, rb) in both.items():
        label = label_of[media_id] + (f" ({scheme})" if multi_scheme else "")
        ea, eb = observation_data(db, ra.id).events, observation_data(db, rb.id).events
        last = max([e.time_ms for e in ea + eb], default=0)
        duration = max(int(durations.get(media_id) or 0), last + 1)
        pairs.append(
            ObservationPair(label, _timed_observation(ea, duration), _timed_observation(eb, duration))
        )
        media_ids[label], schemes[label], events[label] = media_id, scheme, (ea, eb)
    with db.reading() as session:
        known = _coders(session)
        names, colours = scheme_vocabulary(session, list(schemes.values()))
    return TimedMaterial(
        TimedInput(pairs, (coders[0], coders[1]), unit_ms, tolerance_ms, window_ms, labels=names),
        media_ids,
        schemes,
        events,
        {c: known[c] for c in coders},
        names,
        colours,
        {p.id: p.a.duration_ms for p in pairs},
    )


@dataclass(frozen=True)
class RatedEpoch:
    """The task epoch behind a rating unit, for one rater: where the consensus epoch goes."""

    media_id: int
    scheme: str
    task: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class RatingsMaterial:
    input: RatingsInput
    raters: tuple[str, str]  # A and B for reconciliation: the first two compared
    epochs: dict[tuple[str, str], RatedEpoch]  # (unit label, rater) -> that rater's epoch
    scales: dict[str, ScaleRange]  # scale code -> range and anchors
    coder_ids: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # task/scale code -> its name
    unit_names: dict[str, str] = field(default_factory=dict)  # unit label -> with the task's name


def _scale_ranges(session, schemes: set[str]) -> dict[str, ScaleRange]:
    rows = session.execute(
        select(
            RatingScale.code,
            RatingScale.name,
            RatingScale.minimum,
            RatingScale.maximum,
            RatingScale.anchors,
            CodingScheme.name.label("scheme"),
        )
        .join(CodingScheme, CodingScheme.id == RatingScale.scheme_id)
        .order_by(RatingScale.id)
    ).all()
    out: dict[str, ScaleRange] = {}
    for r in sorted(rows, key=lambda r: r.scheme not in schemes):  # the compared schemes' scales first
        anchors = tuple(sorted((int(k), str(v)) for k, v in (r.anchors or {}).items()))
        out.setdefault(r.code, ScaleRange(r.code, r.name, r.minimum, r.maximum, anchors))
    return out


def ratings_material(db: Database, coders: Sequence[str] | None = None) -> RatingsMaterial:
    """One rating per epoch x scale x rater (the unit is the media's label, task and epoch number),
    with each rater's epoch and each scale's range and anchors behind them."""
    obs = [r for r in list_observations(db)]
    with db.reading() as session:
        coder_names = dict(session.execute(select(Coder.id, Coder.name)).all())
        labels = {v: k for k, v in _media_labels(session, sorted({r.media_id for r in obs})).items()}
    if coders is not None:
        _check_names({n: i for i, n in coder_names.items()}, list(coders))
    rows, epochs, schemes, unit_parts = [], {}, set(), {}
    for r in obs:
        rater = coder_names[r.coder_id]
        if (coders is not None and rater not in coders) or (coders is None and rater == CONSENSUS):
            continue
        data = observation_data(db, r.id)
        number: dict[str, int] = Counter()
        epoch_unit = {}
        for epoch in data.epochs:
            number[epoch.task] += 1
            unit = f"{labels[r.media_id]}: {epoch.task} {number[epoch.task]}"
            unit_parts[unit] = (labels[r.media_id], epoch.task, number[epoch.task])
            epoch_unit[epoch.id] = (epoch.task, unit)
            epochs[(unit, rater)] = RatedEpoch(r.media_id, r.scheme, epoch.task, epoch.start_ms, epoch.end_ms)
        for rating in data.ratings:
            task, unit = epoch_unit[rating.epoch_id]
            rows.append(RatingRow(unit, rating.scale, rater, rating.value, task))
            schemes.add(r.scheme)
    if not rows:
        raise WorkbenchError("There are no ratings to compare in this project.")
    raters = list(coders) if coders is not None else sorted({r.rater for r in rows})
    if len({r.rater for r in rows}) < 2:
        raise WorkbenchError("Ratings by at least two raters are needed.")
    with db.reading() as session:  # each scale's points, so that kappa weights span the whole scale
        scales = _scale_ranges(session, schemes)
        names, _colours = scheme_vocabulary(session, sorted(schemes))
    points = {
        scale: list(range(scales[scale].minimum, scales[scale].maximum + 1))
        for scale in {r.scale for r in rows}
        if scale in scales
    }
    inp = RatingsInput(rows, list(coders) if coders is not None else None, points or None, labels=names)
    ids = {n: i for i, n in coder_names.items()}
    unit_names = {
        unit: f"{media}: {names.get(task, task)} {n}" for unit, (media, task, n) in unit_parts.items()
    }
    return RatingsMaterial(
        inp, (raters[0], raters[1]), epochs, scales, {c: ids[c] for c in raters}, names, unit_names
    )


def ratings_input(db: Database, coders: Sequence[str] | None = None) -> RatingsInput:
    """The ratings of :func:`ratings_material`, without the ids behind them."""
    return ratings_material(db, coders).input
