"""What semantic search and code suggestions read besides the vectors: who may ask, and a code's
words (name, definition, inclusion criteria, example) to compare passages with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from workbench.model.errors import WorkbenchError
from workbench.model.roles import Action, can, refusal
from workbench.store.engine import Database
from workbench.store.schema import Code
from workbench.store.visibility import role


@dataclass(frozen=True)
class CodeWords:
    id: int
    guid: str
    name: str
    codable: bool
    text: str  # name, definition, inclusion criteria and example, as one passage


def check_reader(db: Database, coder_id: int) -> None:
    """Refuse whoever may not read transcript text for coding (a rater)."""
    with db.reading() as session:
        who = role(session, coder_id)
    if not can(who, Action.CODE_TRANSCRIPTS):
        raise WorkbenchError(refusal(who, Action.CODE_TRANSCRIPTS))


def code_words(db: Database, code_id: int) -> CodeWords:
    with db.reading() as session:
        row = session.execute(
            select(
                Code.id, Code.guid, Code.name, Code.codable, Code.definition, Code.inclusion, Code.example
            ).where(Code.id == code_id)
        ).one_or_none()
    if row is None:
        raise WorkbenchError(f"No code {code_id}.")
    parts = [row.name, row.definition, row.inclusion, row.example]
    text = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."
    return CodeWords(row.id, row.guid, row.name, row.codable, text)


def code_id_of(db: Database, guid: str) -> int:
    with db.reading() as session:
        found = session.scalar(select(Code.id).where(Code.guid == guid))
    if found is None:
        raise WorkbenchError("That code is not in this project.")
    return int(found)
