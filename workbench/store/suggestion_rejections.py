"""A coder's rejected code suggestions: "not this code for this passage", remembered per coder.

A rejection names the passage by transcript and text (its quote), so the same sentence is not
suggested to that coder for that code again, while a corrected sentence may be. Undoable like any
command; the audit entry names the code, transcript and span, not the text.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change, Command
from workbench.store import audit
from workbench.store.coding_ops import document
from workbench.store.commands import command
from workbench.store.engine import Database, retrying
from workbench.store.schema import Code, SuggestionRejection, table_of


@command("reject_suggestion")
@retrying
def reject_suggestion(
    db: Database, coder_id: int, code_id: int, transcript_id: int, start: int, end: int
) -> Change:
    """Remember that ``coder_id`` does not want ``code_id`` suggested for this passage."""
    with db.transaction() as session:
        code = session.get(Code, code_id)
        if code is None:
            raise WorkbenchError(f"No code {code_id}.")
        text = document(session, transcript_id).text
        if not 0 <= start < end <= len(text):
            raise WorkbenchError("That passage is no longer in the transcript (it was corrected).")
        row = SuggestionRejection(
            coder_id=coder_id,
            code_id=code_id,
            transcript_id=transcript_id,
            start_pos=start,
            end_pos=end,
            quote=text[start:end],
        )
        session.add(row)
        session.flush()
        where = {"code": code.guid, "transcript": transcript_id, "start": start, "end": end}
        audit.record(
            session, "reject suggestion", "suggestion_rejections", row.id, coder_id=coder_id, after=where
        )
        return Change(
            f"Not suggesting {code.name} there again",
            created={"suggestion_rejections": (row.id,)},
            scope=("transcript", transcript_id),
            inverse=Command("restore_suggestion", {"rejection_id": row.id, "coder_id": coder_id}),
        )


@command("restore_suggestion")
@retrying
def restore_suggestion(db: Database, rejection_id: int, coder_id: int) -> Change:
    """Forget a rejection (the undo of :func:`reject_suggestion`): the passage may be suggested again."""
    with db.transaction() as session:
        row = session.get(SuggestionRejection, rejection_id)
        if row is None or row.coder_id != coder_id:
            raise WorkbenchError("That rejected suggestion is no longer there.")
        values = {c.name: getattr(row, c.name) for c in table_of(SuggestionRejection).columns}
        session.execute(delete(SuggestionRejection).where(SuggestionRejection.id == rejection_id))
        audit.record(
            session,
            "restore suggestion",
            "suggestion_rejections",
            rejection_id,
            coder_id=coder_id,
            before={"transcript": row.transcript_id, "start": row.start_pos, "end": row.end_pos},
        )
        return Change(
            "The passage may be suggested again",
            deleted={"suggestion_rejections": (rejection_id,)},
            scope=("transcript", values["transcript_id"]),
            inverse=Command("reinstate_rejection", {"values": values}),
        )


@command("reinstate_rejection")
@retrying
def reinstate_rejection(db: Database, values: dict) -> Change:
    """Put a rejection back with its id (the redo of a rejection)."""
    with db.transaction() as session:
        if session.get(SuggestionRejection, values["id"]) is None:
            session.execute(insert(table_of(SuggestionRejection)).values(**values))
        return Change(
            "Not suggesting it there again",
            created={"suggestion_rejections": (values["id"],)},
            scope=("transcript", values["transcript_id"]),
            inverse=Command(
                "restore_suggestion", {"rejection_id": values["id"], "coder_id": values["coder_id"]}
            ),
        )


def rejected(db: Database, coder_id: int, code_id: int) -> set[tuple[int, str]]:
    """(transcript id, passage text) pairs this coder rejected for this code."""
    with db.reading() as session:
        rows = session.execute(
            select(SuggestionRejection.transcript_id, SuggestionRejection.quote).where(
                SuggestionRejection.coder_id == coder_id, SuggestionRejection.code_id == code_id
            )
        )
        return {(int(t), q) for t, q in rows}
