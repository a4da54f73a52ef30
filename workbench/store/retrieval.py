"""Retrieval queries: a transcript with its codings, coded extracts by code / participant /
attribute / coder, code-tree counts, frequencies, co-occurrence and the framework matrix.

Every query takes a :class:`~workbench.store.visibility.Viewer` and applies its coding filter, so
independent-coding mode holds here. Masked attributes (trial arm) can be filtered on by leads only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeAlias

import pandas as pd
from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, selectinload

from workbench.coding.export_scope import ExportScope, ScopeCode, Tally
from workbench.coding.retrieval import (
    CodeCount,
    Extract,
    FrameworkCell,
    FrameworkMatrix,
    cooccurrence_table,
    frequency_table,
    overlap_pairs,
    unit_pairs,
)
from workbench.coding.transcript_text import SegmentIndex, TranscriptText
from workbench.model.errors import WorkbenchError
from workbench.model.records import NewSegment, NewWord
from workbench.model.roles import Action
from workbench.store.engine import Database
from workbench.store.schema import (
    Code,
    Coder,
    FrameworkSummary,
    Media,
    Memo,
    Participant,
    ParticipantAttribute,
    Segment,
    TextCoding,
    Timepoint,
    Transcript,
)
from workbench.store.visibility import Viewer, coding_filter, may, memo_filter


@dataclass(frozen=True)
class CodingRecord:
    id: int
    code_id: int
    code_guid: str
    coder_id: int
    coder: str
    start_pos: int
    end_pos: int
    needs_review: bool


@dataclass(frozen=True)
class TranscriptView:
    """What the coding view needs to open a transcript."""

    id: int
    name: str
    participant: str
    version: int
    text: TranscriptText
    codings: tuple[CodingRecord, ...]


@dataclass(frozen=True)
class Filters:
    """Which extracts: codes (GUIDs, with sub-codes unless told), participants, site, timepoint,
    other attributes (name -> value), coders, transcripts. Empty means any."""

    code_guids: tuple[str, ...] = ()
    include_subcodes: bool = True
    participants: tuple[str, ...] = ()
    site: str | None = None
    timepoint: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    coder_ids: tuple[int, ...] = ()
    transcript_ids: tuple[int, ...] = ()


def visible_codings(session: Session, viewer: Viewer, transcript_id: int) -> tuple[CodingRecord, ...]:
    """The codings ``viewer`` may see on one transcript, in text order."""
    rows = session.execute(
        select(
            TextCoding.id,
            TextCoding.code_id,
            Code.guid,
            TextCoding.coder_id,
            Coder.name,
            TextCoding.start_pos,
            TextCoding.end_pos,
            TextCoding.needs_review,
        )
        .join(Code, Code.id == TextCoding.code_id)
        .join(Coder, Coder.id == TextCoding.coder_id)
        .join(Transcript, Transcript.id == TextCoding.transcript_id)
        .where(TextCoding.transcript_id == transcript_id, coding_filter(session, viewer))
        .order_by(TextCoding.start_pos, TextCoding.id)
    ).all()
    return tuple(CodingRecord(*r) for r in rows)


def open_transcript(db: Database, viewer: Viewer, transcript_id: int) -> TranscriptView:
    """A transcript's text (with word timings) and the codings ``viewer`` may see on it."""
    with db.reading() as session:
        row = session.get(Transcript, transcript_id)
        if row is None:
            raise WorkbenchError(f"No transcript {transcript_id}.")
        segments = session.scalars(
            select(Segment)
            .where(Segment.transcript_id == transcript_id)
            .order_by(Segment.position)
            .options(selectinload(Segment.words))
        ).all()
        text = TranscriptText(
            [
                NewSegment(
                    s.start_ms,
                    s.end_ms,
                    s.text,
                    s.speaker,
                    s.confidence,
                    tuple(NewWord(w.start_ms, w.end_ms, w.text) for w in s.words),
                )
                for s in segments
            ]
        )
        pseudonym = session.scalars(
            select(Participant.pseudonym).where(Participant.id == row.participant_id)
        ).one()
        return TranscriptView(
            row.id, row.name, pseudonym, row.version, text, visible_codings(session, viewer, transcript_id)
        )


# --- codes --------------------------------------------------------------------------------------


_CodeRow: TypeAlias = "Row[int, int | None, str, str, int]"  # id, parent_id, guid, name, position


def _code_tree(
    session: Session,
) -> tuple[dict[int, _CodeRow], dict[int, tuple[str, ...]], dict[int, list[int]]]:
    rows = session.execute(select(Code.id, Code.parent_id, Code.guid, Code.name, Code.position)).all()
    by_id = {r.id: r for r in rows}
    paths: dict[int, tuple[str, ...]] = {}

    def path(code_id: int) -> tuple[str, ...]:
        if code_id not in paths:
            r = by_id[code_id]
            paths[code_id] = (path(r.parent_id) if r.parent_id else ()) + (r.name,)
        return paths[code_id]

    children: dict[int, list[int]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (r.position, r.id)):
        if r.parent_id:
            children[r.parent_id].append(r.id)
    for r in rows:
        path(r.id)
    return by_id, paths, children


def _with_descendants(children: dict[int, list[int]], ids: Iterable[int]) -> list[int]:
    out, stack = [], list(ids)
    while stack:
        code_id = stack.pop()
        out.append(code_id)
        stack.extend(children.get(code_id, ()))
    return list(dict.fromkeys(out))


def _code_ids(session: Session, guids: Iterable[str], children, include_subcodes: bool) -> list[int]:
    guids = list(guids)
    ids = list(session.scalars(select(Code.id).where(Code.guid.in_(guids))))
    if len(ids) != len(set(guids)):
        raise WorkbenchError("Some of the chosen codes are not in this project.")
    return _with_descendants(children, ids) if include_subcodes else ids


def code_counts(db: Database, viewer: Viewer) -> dict[int, CodeCount]:
    """Per code id: codings and participants, its own and with its sub-codes (code tree counts)."""
    with db.reading() as session:
        _by_id, _paths, children = _code_tree(session)
        rows = session.execute(
            select(TextCoding.code_id, Transcript.participant_id, func.count())
            .join(Transcript, Transcript.id == TextCoding.transcript_id)
            .where(coding_filter(session, viewer))
            .group_by(TextCoding.code_id, Transcript.participant_id)
        ).all()
        own: dict[int, dict[int, int]] = defaultdict(dict)
        for code_id, participant, n in rows:
            own[code_id][participant] = n
        out = {}
        for code_id in _by_id:
            total: dict[int, int] = defaultdict(int)
            for c in _with_descendants(children, [code_id]):
                for p, n in own.get(c, {}).items():
                    total[p] += n
            mine = own.get(code_id, {})
            out[code_id] = CodeCount(sum(mine.values()), len(mine), sum(total.values()), len(total))
        return out


def export_scope(db: Database, viewer: Viewer) -> ExportScope:
    """The code tree, and per code x coder x transcript the codings ``viewer`` may see: what an
    export of coded material can hold (the window shows it, with counts, before exporting)."""
    with db.reading() as session:
        by_id, paths, children = _code_tree(session)
        rows = session.execute(
            select(TextCoding.code_id, TextCoding.coder_id, TextCoding.transcript_id, func.count())
            .join(Transcript, Transcript.id == TextCoding.transcript_id)
            .where(coding_filter(session, viewer))
            .group_by(TextCoding.code_id, TextCoding.coder_id, TextCoding.transcript_id)
        ).all()
        coder_ids = sorted({r[1] for r in rows})
        transcript_ids = sorted({r[2] for r in rows})
        coders = dict(session.execute(select(Coder.id, Coder.name).where(Coder.id.in_(coder_ids))).all())
        transcripts = {
            tid: f"{pseudonym} · {name}"
            for tid, name, pseudonym in session.execute(
                select(Transcript.id, Transcript.name, Participant.pseudonym)
                .join(Participant, Participant.id == Transcript.participant_id)
                .where(Transcript.id.in_(transcript_ids))
                .order_by(Participant.pseudonym, Transcript.name, Transcript.id)
            )
        }
    tops = sorted((r for r in by_id.values() if not r.parent_id), key=lambda r: (r.position, r.id))
    order = _with_descendants_in_order(children, [r.id for r in tops])
    codes = tuple(
        ScopeCode(by_id[i].guid, paths[i], by_id[by_id[i].parent_id].guid if by_id[i].parent_id else None)
        for i in order
    )
    guid = {i: r.guid for i, r in by_id.items()}
    tallies = tuple(Tally(guid[code], coder, tid, n) for code, coder, tid, n in rows)
    named = dict(sorted(coders.items(), key=lambda kv: kv[1].casefold()))
    return ExportScope(codes, named, transcripts, tallies)


def _with_descendants_in_order(children: dict[int, list[int]], ids: Iterable[int]) -> list[int]:
    """Depth first, each code before its sub-codes, siblings in their tree order."""
    out: list[int] = []
    for code_id in ids:
        out.append(code_id)
        out.extend(_with_descendants_in_order(children, children.get(code_id, ())))
    return out


# --- extracts -----------------------------------------------------------------------------------


def _apply_filters(session: Session, viewer: Viewer, query, filters: Filters, children):
    if filters.code_guids:
        query = query.where(
            TextCoding.code_id.in_(_code_ids(session, filters.code_guids, children, filters.include_subcodes))
        )
    if filters.participants:
        query = query.where(Participant.pseudonym.in_(filters.participants))
    if filters.site is not None:
        query = query.where(Participant.site == filters.site)
    if filters.timepoint is not None:
        query = query.where(Timepoint.name == filters.timepoint)
    if filters.coder_ids:
        query = query.where(TextCoding.coder_id.in_(filters.coder_ids))
    if filters.transcript_ids:
        query = query.where(TextCoding.transcript_id.in_(filters.transcript_ids))
    lead = None
    for name, value in filters.attributes:
        masked = session.scalar(
            select(ParticipantAttribute.id)
            .where(ParticipantAttribute.name == name, ParticipantAttribute.masked.is_(True))
            .limit(1)
        )
        if masked is not None:
            lead = may(session, viewer.coder_id, Action.SEE_MASKED_ATTRIBUTES) if lead is None else lead
            if not lead:
                raise WorkbenchError(f"Only a lead can select by {name} (it is masked).")
        query = query.where(
            Participant.id.in_(
                select(ParticipantAttribute.participant_id).where(
                    ParticipantAttribute.name == name, ParticipantAttribute.value == value
                )
            )
        )
    return query


def transcript_ids_matching(db: Database, viewer: Viewer, filters: Filters) -> list[int] | None:
    """Transcripts whose participant, site, timepoint and attributes pass ``filters`` (codes and
    coders are about codings, not transcripts, and are left out); None when nothing narrows them."""
    if not (filters.participants or filters.site or filters.timepoint or filters.attributes):
        if not filters.transcript_ids:
            return None
    narrowed = replace(filters, code_guids=(), coder_ids=(), transcript_ids=())
    with db.reading() as session:
        query = (
            select(Transcript.id)
            .join(Participant, Participant.id == Transcript.participant_id)
            .outerjoin(Media, Media.id == Transcript.media_id)
            .outerjoin(Timepoint, Timepoint.id == Media.timepoint_id)
        )
        query = _apply_filters(session, viewer, query, narrowed, {})
        if filters.transcript_ids:
            query = query.where(Transcript.id.in_(filters.transcript_ids))
        return [int(t) for t in session.scalars(query.order_by(Transcript.id))]


def _segment_indexes(session: Session, transcript_ids: Iterable[int]) -> dict[int, SegmentIndex]:
    parts: dict[int, tuple[list, list, list, list]] = {}
    ids = list(transcript_ids)
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(
                Segment.transcript_id,
                func.length(Segment.text),
                Segment.start_ms,
                Segment.end_ms,
                Segment.speaker,
            )
            .where(Segment.transcript_id.in_(ids[i : i + 500]))
            .order_by(Segment.transcript_id, Segment.position)
        )
        for tid, length, start, end, speaker in rows:
            lists = parts.setdefault(tid, ([], [], [], []))
            lists[0].append(length or 0)
            lists[1].append(start)
            lists[2].append(end)
            lists[3].append(speaker)
    return {tid: SegmentIndex(*lists) for tid, lists in parts.items()}


def extracts(db: Database, viewer: Viewer, filters: Filters = Filters()) -> list[Extract]:
    """Coded extracts ``viewer`` may see, in participant, transcript and text order. Times are the
    segment timings interpolated over characters (the coding view uses word timings)."""
    with db.reading() as session:
        _by_id, paths, children = _code_tree(session)
        query = (
            select(
                TextCoding.id,
                Participant.pseudonym,
                Timepoint.name,
                Transcript.id,
                Transcript.name,
                Code.guid,
                TextCoding.code_id,
                Coder.name,
                TextCoding.quote,
                TextCoding.start_pos,
                TextCoding.end_pos,
                TextCoding.needs_review,
            )
            .join(Transcript, Transcript.id == TextCoding.transcript_id)
            .join(Participant, Participant.id == Transcript.participant_id)
            .outerjoin(Media, Media.id == Transcript.media_id)
            .outerjoin(Timepoint, Timepoint.id == Media.timepoint_id)
            .join(Code, Code.id == TextCoding.code_id)
            .join(Coder, Coder.id == TextCoding.coder_id)
            .where(coding_filter(session, viewer))
        )
        query = _apply_filters(session, viewer, query, filters, children)
        rows = session.execute(
            query.order_by(Participant.pseudonym, Transcript.id, TextCoding.start_pos, TextCoding.id)
        ).all()
        memos = _memos(session, viewer.coder_id, [r[0] for r in rows])
        index = _segment_indexes(session, {r[3] for r in rows})
        out = []
        for cid, participant, timepoint, tid, tname, guid, code_id, coder, quote, start, end, review in rows:
            seg = index.get(tid)
            out.append(
                Extract(
                    coding_id=cid,
                    participant=participant,
                    timepoint=timepoint,
                    transcript_id=tid,
                    transcript_name=tname,
                    speaker=seg.speaker_at(start) if seg else None,
                    start_ms=seg.time_at(start) if seg else 0,
                    end_ms=seg.time_at(end) if seg else 0,
                    code_guid=guid,
                    code_path=paths[code_id],
                    coder=coder,
                    text=quote,
                    memo=memos.get(cid, ""),
                    start_pos=start,
                    end_pos=end,
                    needs_review=review,
                )
            )
        return out


def _memos(session: Session, reader: int, coding_ids: list[int]) -> dict[int, str]:
    out: dict[int, list[str]] = defaultdict(list)
    visible = memo_filter(session, reader)
    for i in range(0, len(coding_ids), 5000):
        for target, text in session.execute(
            select(Memo.target_id, Memo.text)
            .where(Memo.target_kind == "coding", Memo.target_id.in_(coding_ids[i : i + 5000]), visible)
            .order_by(Memo.id)
        ):
            assert target is not None  # picked by id
            out[target].append(text)
    return {k: "\n\n".join(v) for k, v in out.items()}


# --- tables -------------------------------------------------------------------------------------


def _label(path: tuple[str, ...]) -> str:
    return " / ".join(path)


def code_frequencies(db: Database, viewer: Viewer, filters: Filters = Filters()) -> pd.DataFrame:
    """Codings per participant (rows) and code path (columns)."""
    rows = extracts(db, viewer, filters)
    with db.reading() as session:
        participants = list(session.scalars(select(Participant.pseudonym).order_by(Participant.pseudonym)))
    return frequency_table(((e.participant, _label(e.code_path)) for e in rows), participants)


def cooccurrence(
    db: Database, viewer: Viewer, unit: str = "span", filters: Filters = Filters()
) -> pd.DataFrame:
    """Code x code co-occurrence. ``unit="span"``: pairs of codings whose spans overlap in a
    transcript (diagonal: codings of the code); ``unit="segment"``: segments holding both codes
    (diagonal: segments holding the code)."""
    if unit not in ("span", "segment"):
        raise WorkbenchError("Co-occurrence is counted by 'span' or by 'segment'.")
    rows = extracts(db, viewer, filters)
    by_transcript: dict[int, list] = defaultdict(list)
    for e in rows:
        by_transcript[e.transcript_id].append(e)
    if unit == "span":
        pairs: list[tuple[str, str]] = []
        diagonal: dict[str, int] = defaultdict(int)
        for items in by_transcript.values():
            pairs += overlap_pairs([(e.start_pos, e.end_pos, _label(e.code_path)) for e in items])
            for e in items:
                diagonal[_label(e.code_path)] += 1
        return cooccurrence_table(pairs, dict(diagonal))
    with db.reading() as session:
        index = _segment_indexes(session, by_transcript)
    units: dict[tuple[int, int], set[str]] = defaultdict(set)
    for tid, items in by_transcript.items():
        seg = index[tid]
        for e in items:
            for s in range(seg.segment_of(e.start_pos), seg.segment_of(max(e.start_pos, e.end_pos - 1)) + 1):
                units[(tid, s)].add(_label(e.code_path))
    pairs, diagonal = unit_pairs(units.values())
    return cooccurrence_table(pairs, diagonal)


def framework_matrix(
    db: Database, viewer: Viewer, code_guids: Iterable[str], filters: Filters = Filters()
) -> FrameworkMatrix:
    """Participants x the chosen codes; each cell the extracts (with sub-codes) and the summary."""
    guids = list(code_guids)
    with db.reading() as session:
        _by_id, paths, children = _code_tree(session)
        codes = {
            g: (i, paths[i])
            for i, g in session.execute(select(Code.id, Code.guid).where(Code.guid.in_(guids)))
        }
        if len(codes) != len(set(guids)):
            raise WorkbenchError("Some of the chosen codes are not in this project.")
        participants = tuple(session.scalars(select(Participant.pseudonym).order_by(Participant.pseudonym)))
        summaries = {
            (p, g): t
            for p, g, t in session.execute(
                select(Participant.pseudonym, Code.guid, FrameworkSummary.text)
                .join(Participant, Participant.id == FrameworkSummary.participant_id)
                .join(Code, Code.id == FrameworkSummary.code_id)
                .where(Code.guid.in_(guids))
            )
        }
        below = {g: set(_with_descendants(children, [codes[g][0]])) for g in guids}
        code_id_of = {r.guid: r.id for r in _by_id.values()}
    if filters.participants:
        participants = tuple(p for p in participants if p in filters.participants)
    cells: dict[tuple[str, str], list[Extract]] = defaultdict(list)
    chosen = Filters(**{**filters.__dict__, "code_guids": tuple(guids), "include_subcodes": True})
    for e in extracts(db, viewer, chosen):
        for g in guids:
            if code_id_of[e.code_guid] in below[g]:
                cells[(e.participant, g)].append(e)
    keys = set(cells) | set(summaries)
    return FrameworkMatrix(
        participants,
        tuple((g, codes[g][1]) for g in guids),
        {k: FrameworkCell(tuple(cells.get(k, ())), summaries.get(k, "")) for k in keys},
    )
