"""Text search over transcripts (exact, regular expression, lemma) with keyword-in-context hits.

Lemmas are computed once per transcript version with spaCy and stored in ``text_lemmas``
(``transcripts.lemmas_version`` says which version they belong to; a correction clears them).
A lemma search first indexes any transcript whose lemmas are missing or stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from workbench.coding.retrieval import KwicHit, compile_pattern, find_spans, kwic, phrase_matches
from workbench.coding.transcript_text import SEPARATOR, TranscriptText
from workbench.model.records import Change, NewSegment
from workbench.model.tasks import CancelFn, ProgressFn, TaskState
from workbench.store.engine import Database
from workbench.store.schema import Participant, Segment, TextLemma, Transcript


def _documents(session: Session, transcript_ids: Iterable[int] | None) -> dict[int, TranscriptText]:
    query = select(Segment.transcript_id, Segment.start_ms, Segment.end_ms, Segment.text, Segment.speaker)
    if transcript_ids is not None:
        query = query.where(Segment.transcript_id.in_(list(transcript_ids)))
    parts: dict[int, list[NewSegment]] = defaultdict(list)
    for tid, start, end, text, speaker in session.execute(
        query.order_by(Segment.transcript_id, Segment.position)
    ):
        parts[tid].append(NewSegment(start, end, text, speaker))
    return {tid: TranscriptText(segments) for tid, segments in parts.items()}


def _names(session: Session) -> dict[int, tuple[str, str]]:
    return {
        tid: (name, pseudonym)
        for tid, name, pseudonym in session.execute(
            select(Transcript.id, Transcript.name, Participant.pseudonym).join(
                Participant, Participant.id == Transcript.participant_id
            )
        )
    }


def _hits(
    docs: dict[int, TranscriptText],
    spans: dict[int, list[tuple[int, int]]],
    names: dict[int, tuple[str, str]],
    width: int,
) -> list[KwicHit]:
    out = []
    for tid in sorted(spans, key=lambda t: (names[t][1], names[t][0], t)):
        doc = docs[tid]
        for start, end in sorted(spans[tid]):
            out.append(_hit(doc, tid, names[tid], start, end, width))
    return out


def document_texts(db: Database, transcript_ids: Iterable[int]) -> dict[int, str]:
    """The document text of each of these transcripts (those that exist)."""
    with db.reading() as session:
        return {tid: doc.text for tid, doc in _documents(session, list(transcript_ids)).items()}


def in_context(db: Database, spans: Iterable[tuple[int, int, int]], width: int = 40) -> list[KwicHit]:
    """Each ``(transcript id, start, end)`` as a hit with its context, in the order given (spans of
    transcripts that are gone, or past their text's end, are left out)."""
    spans = list(spans)
    with db.reading() as session:
        docs = _documents(session, {tid for tid, _s, _e in spans})
        names = _names(session)
    out = []
    for tid, start, end in spans:
        doc = docs.get(tid)
        if doc is None or end > len(doc.text) or tid not in names:
            continue
        out.append(_hit(doc, tid, names[tid], start, end, width))
    return out


def _hit(doc, tid: int, name: tuple[str, str], start: int, end: int, width: int) -> KwicHit:
    """One match with its context, speaker and time."""
    left, match, right = kwic(doc.text, start, end, width)
    return KwicHit(
        tid, name[0], name[1], start, end, left, match, right, doc.speaker_at(start), doc.time_at(start)
    )


def search_text(
    db: Database,
    query: str,
    mode: str = "exact",
    case_sensitive: bool = False,
    width: int = 40,
    transcript_ids: Iterable[int] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> list[KwicHit]:
    """Hits of ``query`` across transcripts: ``exact`` text, ``regex`` (a bad pattern is a clear
    WorkbenchError) or ``lemma`` (any inflection: "felt" finds "feel", "feeling"; several words
    match as a phrase)."""
    ids = None if transcript_ids is None else list(transcript_ids)
    if mode == "lemma":
        return _lemma_search(db, query, width, ids, progress, cancelled)
    pattern = compile_pattern(query, mode, case_sensitive)
    with db.reading() as session:
        docs = _documents(session, ids)
        names = _names(session)
    spans = {tid: list(find_spans(pattern, doc.text)) for tid, doc in docs.items()}
    return _hits(docs, {t: s for t, s in spans.items() if s}, names, width)


def _lemma_search(db, query, width, ids, progress, cancelled) -> list[KwicHit]:
    from workbench.nlp.lemmas import query_lemmas

    lemmas = query_lemmas(query)
    index_lemmas(db, ids, progress, cancelled)
    with db.reading() as session:
        where = [TextLemma.lemma.in_(set(lemmas))]
        if ids is not None:
            where.append(TextLemma.transcript_id.in_(ids))
        tokens: dict[int, list] = defaultdict(list)
        for tid, index, lemma, start, end in session.execute(
            select(
                TextLemma.transcript_id,
                TextLemma.token_index,
                TextLemma.lemma,
                TextLemma.start_pos,
                TextLemma.end_pos,
            ).where(*where)
        ):
            tokens[tid].append((index, lemma, start, end))
        spans = {tid: phrase_matches(sorted(items), lemmas) for tid, items in tokens.items()}
        spans = {t: s for t, s in spans.items() if s}
        docs = _documents(session, list(spans))
        names = _names(session)
    return _hits(docs, spans, names, width)


def index_lemmas(
    db: Database,
    transcript_ids: Iterable[int] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> Change:
    """Compute and store lemmas for transcripts whose lemmas are missing or stale (one transaction
    per transcript, so a cancel keeps the ones done)."""
    from workbench.nlp.lemmas import lemmatize

    state = TaskState(progress, cancelled)
    with db.reading() as session:
        query = select(Transcript.id, Transcript.version).where(
            or_(Transcript.lemmas_version.is_(None), Transcript.lemmas_version != Transcript.version)
        )
        if transcript_ids is not None:
            query = query.where(Transcript.id.in_(list(transcript_ids)))
        todo = session.execute(query.order_by(Transcript.id)).all()
    done = []
    for n, (tid, version) in enumerate(todo):
        state.check()
        state.report(n / max(1, len(todo)), f"Lemmas: transcript {n + 1} of {len(todo)}")
        with db.transaction() as session:
            row = session.get(Transcript, tid, with_for_update=True)
            if row is None or row.version != version:
                continue  # changed meanwhile: the next search indexes the new version
            texts = list(
                session.scalars(
                    select(Segment.text).where(Segment.transcript_id == tid).order_by(Segment.position)
                )
            )
            rows, offset, index = [], 0, 0
            for text, tokens in zip(texts, lemmatize(texts)):
                for lemma, start, end in tokens:
                    rows.append(
                        {
                            "transcript_id": tid,
                            "token_index": index,
                            "lemma": lemma[:100],
                            "start_pos": offset + start,
                            "end_pos": offset + end,
                        }
                    )
                    index += 1
                offset += len(text) + len(SEPARATOR)
            session.execute(delete(TextLemma).where(TextLemma.transcript_id == tid))
            if rows:
                session.execute(insert(TextLemma), rows)
            row.lemmas_version = version
            done.append(tid)
    state.report(1.0, "Lemmas ready")
    return Change(f"Lemmas for {len(done)} transcript(s)", updated={"transcripts": tuple(done)})
