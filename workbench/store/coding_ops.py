"""Coding actions: apply a code to a span, remove, recode, in-vivo code, memos.

Each is a registered command: one transaction returning a :class:`Change` scoped to its
transcript, whose ``inverse`` undoes it (``bus.run(db, change.inverse)``). A coder may remove or
recode only their own codings; a lead may change anyone's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.coding.codebook import new_guid
from workbench.coding.transcript_text import TranscriptText
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command, NewSegment, Scope
from workbench.model.roles import Action
from workbench.store import audit
from workbench.store.commands import absent, command, restore_command, snapshot
from workbench.store.engine import Database, retrying
from workbench.store.schema import (
    Code,
    FrameworkSummary,
    Memo,
    Participant,
    Segment,
    TextCoding,
    Transcript,
    utcnow,
)
from workbench.store.visibility import may

MEMO_TARGETS = {"coding": TextCoding, "code": Code, "transcript": Transcript, "participant": Participant}


def document(session: Session, transcript_id: int) -> TranscriptText:
    """The transcript's document text (segments without word timings), inside a session."""
    rows = session.execute(
        select(Segment.start_ms, Segment.end_ms, Segment.text, Segment.speaker)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Segment.position)
    ).all()
    if not rows and session.get(Transcript, transcript_id) is None:
        raise WorkbenchError(f"No transcript {transcript_id}.")
    return TranscriptText([NewSegment(r.start_ms, r.end_ms, r.text, r.speaker) for r in rows])


def _check_span(doc: TranscriptText, start: int, end: int) -> None:
    if not 0 <= start < end <= len(doc.text):
        raise WorkbenchError(
            f"Select some text to code (positions {start}..{end} are not a span "
            f"of this transcript of {len(doc.text)} characters)."
        )


def _codable(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise WorkbenchError(f"No code {code_id}.")
    if not code.codable:
        raise WorkbenchError(f"{code.name} is a heading, not a code: choose one of its sub-codes.")
    return code


def _undo(description: str, rows, coder_id: int, scope: Scope | None) -> Command:
    return restore_command(f"Undo: {description}", rows, coder_id, scope)


def _scope(rows: Iterable[TextCoding]) -> Scope | None:
    """("transcript", id) when the codings are all in one transcript."""
    ids = {r.transcript_id for r in rows}
    return ("transcript", ids.pop()) if len(ids) == 1 else None


def _memo_scope(session: Session, kind: str, target_id: int | None) -> Scope | None:
    if kind == "coding":
        return _scope([session.get_one(TextCoding, target_id)])
    if kind == "code":
        return ("codebook", session.get_one(Code, target_id).codebook_id)
    return (kind, target_id)


@command("apply_code")
@retrying
def apply_code(
    db: Database,
    transcript_id: int,
    code_id: int,
    coder_id: int,
    start: int,
    end: int,
    expected_version: int | None = None,
    suggested: bool = False,
) -> Change:
    """Code the text [start, end) of a transcript with ``code_id`` for ``coder_id``.

    ``expected_version`` is the transcript version the coder selected the text in: if someone has
    corrected the transcript since, the coding is refused (its positions would point elsewhere).
    ``suggested``: the coder accepted a code suggestion (the audit entry says so)."""
    with db.transaction() as session:
        _check_version(session, transcript_id, expected_version)
        code = _codable(session, code_id)
        doc = document(session, transcript_id)
        _check_span(doc, start, end)
        row = TextCoding(
            transcript_id=transcript_id,
            code_id=code_id,
            coder_id=coder_id,
            start_pos=start,
            end_pos=end,
            quote=doc.text[start:end],
        )
        session.add(row)
        session.flush()
        after = {"code": code.guid, "transcript": transcript_id, "start": start, "end": end}
        if suggested:
            after["source"] = "suggestion"
        audit.record(
            session,
            "apply suggested code" if suggested else "apply code",
            "text_codings",
            row.id,
            coder_id=coder_id,
            after=after,
        )
        text, scope = f"Coded {code.name}", ("transcript", transcript_id)
        return Change(
            text,
            created={"text_codings": (row.id,)},
            scope=scope,
            inverse=_undo(text, absent("text_codings", [row.id]), coder_id, scope),
        )


def _check_version(session: Session, transcript_id: int, expected: int | None) -> None:
    # FOR KEY SHARE: a correction (FOR UPDATE) either committed before this read or waits for us
    version = session.scalar(
        select(Transcript.version)
        .where(Transcript.id == transcript_id)
        .with_for_update(read=True, key_share=True)
    )
    if version is None:
        raise WorkbenchError(f"No transcript {transcript_id}.")
    if expected is not None and version != expected:
        raise WorkbenchError(
            "Someone corrected this transcript while you were coding (now version "
            f"{version}, you selected in version {expected}); reload it and code the "
            "passage again."
        )


def _own(session: Session, coding_ids: list[int], coder_id: int) -> list[TextCoding]:
    rows = session.scalars(select(TextCoding).where(TextCoding.id.in_(coding_ids))).all()
    if len(rows) != len(set(coding_ids)):
        raise WorkbenchError("Some of these codings no longer exist.")
    if not may(session, coder_id, Action.CHANGE_OTHERS_CODINGS) and any(r.coder_id != coder_id for r in rows):
        raise WorkbenchError("You can change only your own codings.")
    return list(rows)


def _memo_ids(session: Session, kind: str, ids: Iterable[int]) -> list[int]:
    return list(
        session.scalars(select(Memo.id).where(Memo.target_kind == kind, Memo.target_id.in_(list(ids))))
    )


@command("remove_codings")
@retrying
def remove_codings(db: Database, coding_ids: Iterable[int], coder_id: int) -> Change:
    """Remove codings (and the memos on them); undo brings both back with their ids."""
    coding_ids = list(coding_ids)
    with db.transaction() as session:
        scope = _scope(_own(session, coding_ids, coder_id))
        memos = _memo_ids(session, "coding", coding_ids)
        before = snapshot(session, "memos", memos) + snapshot(session, "text_codings", coding_ids)
        for memo in memos:
            session.delete(session.get(Memo, memo))
        for row in session.scalars(select(TextCoding).where(TextCoding.id.in_(coding_ids))):
            session.delete(row)
        audit.record(
            session, "remove codings", "text_codings", None, coder_id=coder_id, before={"ids": coding_ids}
        )
        text = f"Removed {len(coding_ids)} coding{'s' if len(coding_ids) != 1 else ''}"
        return Change(
            text,
            deleted={"text_codings": tuple(coding_ids), "memos": tuple(memos)},
            scope=scope,
            inverse=_undo(text, before, coder_id, scope),
        )


@command("recode")
@retrying
def recode(db: Database, coding_ids: Iterable[int], new_code_id: int, coder_id: int) -> Change:
    """Change the code of codings (same spans)."""
    coding_ids = list(coding_ids)
    with db.transaction() as session:
        code = _codable(session, new_code_id)
        rows = _own(session, coding_ids, coder_id)
        before = snapshot(session, "text_codings", coding_ids)
        for row in rows:
            row.code_id = new_code_id
        audit.record(
            session,
            "recode",
            "text_codings",
            None,
            coder_id=coder_id,
            after={"ids": coding_ids, "code": code.guid},
        )
        text, scope = f"Recoded {len(rows)} as {code.name}", _scope(rows)
        return Change(
            text,
            updated={"text_codings": tuple(coding_ids)},
            scope=scope,
            inverse=_undo(text, before, coder_id, scope),
        )


@command("in_vivo_code")
@retrying
def in_vivo_code(
    db: Database,
    transcript_id: int,
    parent_id: int | None,
    coder_id: int,
    start: int,
    end: int,
    codebook_id: int | None = None,
    expected_version: int | None = None,
) -> Change:
    """A new code named from the selected words (under ``parent_id``, or top level of ``codebook_id``)
    and a coding of the selection with it; ``expected_version`` as for :func:`apply_code`."""
    with db.transaction() as session:
        _check_version(session, transcript_id, expected_version)
        doc = document(session, transcript_id)
        _check_span(doc, start, end)
        name = re.sub(r"\s+", " ", doc.text[start:end]).strip().strip("\"'“”‘’")[:300]
        if not name:
            raise WorkbenchError("Select some words to make an in-vivo code from.")
        if parent_id is not None:
            parent = session.get(Code, parent_id)
            if parent is None:
                raise WorkbenchError(f"No code {parent_id}.")
            codebook_id = parent.codebook_id
        if codebook_id is None:
            raise WorkbenchError("Choose where the in-vivo code goes.")
        siblings = session.scalars(
            select(Code.position).where(
                Code.codebook_id == codebook_id,
                Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
            )
        ).all()
        code = Code(
            codebook_id=codebook_id,
            guid=new_guid(),
            parent_id=parent_id,
            position=max(siblings, default=-1) + 1,
            name=name,
        )
        session.add(code)
        session.flush()
        row = TextCoding(
            transcript_id=transcript_id,
            code_id=code.id,
            coder_id=coder_id,
            start_pos=start,
            end_pos=end,
            quote=doc.text[start:end],
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            "in-vivo code",
            "codes",
            code.id,
            coder_id=coder_id,
            after={"name": name, "guid": code.guid, "coding": row.id},
        )
        text, scope = f"In-vivo code {name}", ("transcript", transcript_id)
        undo = absent("text_codings", [row.id]) + absent("codes", [code.id])
        return Change(
            text,
            created={"codes": (code.id,), "text_codings": (row.id,)},
            scope=scope,
            inverse=_undo(text, undo, coder_id, scope),
        )


# --- memos --------------------------------------------------------------------------------------


@command("add_memo")
@retrying
def add_memo(
    db: Database, coder_id: int, target_kind: str, target_id: int, text: str, title: str = ""
) -> Change:
    """A memo on a coding, code, transcript or participant."""
    model = MEMO_TARGETS.get(target_kind)
    if model is None:
        raise WorkbenchError(f"A memo goes on a {', '.join(MEMO_TARGETS)}; not on {target_kind!r}.")
    with db.transaction() as session:
        if session.get(model, target_id) is None:
            raise WorkbenchError(f"No {target_kind} {target_id} to write a memo on.")
        memo = Memo(coder_id=coder_id, target_kind=target_kind, target_id=target_id, title=title, text=text)
        session.add(memo)
        session.flush()
        audit.record(
            session,
            "add memo",
            "memos",
            memo.id,
            coder_id=coder_id,
            after={"target": f"{target_kind}:{target_id}"},
        )
        scope = _memo_scope(session, target_kind, target_id)
        return Change(
            f"Memo on {target_kind}",
            created={"memos": (memo.id,)},
            scope=scope,
            inverse=_undo("memo", absent("memos", [memo.id]), coder_id, scope),
        )


@command("edit_memo")
@retrying
def edit_memo(db: Database, memo_id: int, coder_id: int, text: str, title: str | None = None) -> Change:
    with db.transaction() as session:
        memo = _memo(session, memo_id, coder_id)
        before = snapshot(session, "memos", [memo_id])
        memo.text = text
        memo.title = memo.title if title is None else title
        memo.updated_at = utcnow()
        audit.record(session, "edit memo", "memos", memo_id, coder_id=coder_id)
        scope = _memo_scope(session, memo.target_kind, memo.target_id)
        return Change(
            "Edited memo",
            updated={"memos": (memo_id,)},
            scope=scope,
            inverse=_undo("edit memo", before, coder_id, scope),
        )


def _memo(session: Session, memo_id: int, coder_id: int) -> Memo:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise WorkbenchError(f"No memo {memo_id}.")
    if memo.coder_id != coder_id and not may(session, coder_id, Action.CHANGE_OTHERS_CODINGS):
        raise WorkbenchError("You can change only your own memos.")
    return memo


@command("set_framework_summary")
@retrying
def set_framework_summary(
    db: Database, coder_id: int, participant_id: int, code_id: int, text: str
) -> Change:
    """Write (or clear, with "") the summary of one framework-matrix cell."""
    with db.transaction() as session:
        if session.get(Participant, participant_id) is None or session.get(Code, code_id) is None:
            raise WorkbenchError("That framework cell's participant or code is not in this project.")
        row = session.scalar(
            select(FrameworkSummary).where(
                FrameworkSummary.participant_id == participant_id, FrameworkSummary.code_id == code_id
            )
        )
        if row is None:
            row = FrameworkSummary(
                participant_id=participant_id, code_id=code_id, coder_id=coder_id, text=text
            )
            session.add(row)
            session.flush()
            before = absent("framework_summaries", [row.id])
        else:
            before = snapshot(session, "framework_summaries", [row.id])
            row.text, row.coder_id, row.updated_at = text, coder_id, utcnow()
        audit.record(session, "framework summary", "framework_summaries", row.id, coder_id=coder_id)
        scope = ("participant", participant_id)
        return Change(
            "Framework summary",
            updated={"framework_summaries": (row.id,)},
            scope=scope,
            inverse=_undo("framework summary", before, coder_id, scope),
        )
