"""Codebooks and their code trees in the project (the shared .qdc file is the team's source)."""

from __future__ import annotations

from sqlalchemy import func, select

from workbench.coding.codebook import Code as CodeData
from workbench.coding.codebook import Codebook as CodebookData
from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.store import audit
from workbench.store.engine import Database
from workbench.store.schema import Code, Codebook


def add_codebook(db: Database, codebook: CodebookData) -> Change:
    """Store a whole codebook (codes keep their GUIDs); a name or GUID already present is refused."""
    with db.transaction() as session:
        if session.scalar(select(Codebook.id).where(Codebook.name == codebook.name)) is not None:
            raise WorkbenchError(f"The project already has a codebook called {codebook.name!r}.")
        book = Codebook(name=codebook.name, origin=codebook.origin)
        session.add(book)
        session.flush()
        ids: list[int] = []

        def insert(code: CodeData, parent_id, position: int) -> None:
            row = Code(
                codebook_id=book.id,
                guid=code.guid,
                parent_id=parent_id,
                position=position,
                name=code.name,
                definition=code.definition,
                inclusion=code.inclusion,
                exclusion=code.exclusion,
                example=code.example,
                colour=code.colour,
                codable=code.codable,
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
            for i, child in enumerate(code.children):
                insert(child, row.id, i)

        guids = [c.guid for top in codebook.codes for c, _ in top.walk()]
        taken = session.scalars(select(Code.guid).where(Code.guid.in_(guids))).all()
        if taken:
            raise WorkbenchError(f"Codes with these GUIDs are already in the project: {', '.join(taken[:3])}")
        for i, code in enumerate(codebook.codes):
            insert(code, None, i)
        audit.record(
            session, "add codebook", "codebooks", book.id, after={"name": codebook.name, "codes": len(ids)}
        )
        return Change(
            f"Added codebook {codebook.name} ({len(ids)} codes)",
            created={"codebooks": (book.id,), "codes": tuple(ids)},
        )


def load_codebook(db: Database, name: str) -> CodebookData:
    """The stored codebook as plain data (tree order kept)."""
    with db.reading() as session:
        book = session.scalar(select(Codebook).where(Codebook.name == name))
        if book is None:
            raise WorkbenchError(f"No codebook called {name!r} in this project.")
        rows = session.scalars(
            select(Code).where(Code.codebook_id == book.id).order_by(Code.parent_id, Code.position)
        ).all()
        nodes = {
            r.id: CodeData(
                guid=r.guid,
                name=r.name,
                definition=r.definition,
                inclusion=r.inclusion,
                exclusion=r.exclusion,
                example=r.example,
                colour=r.colour,
                codable=r.codable,
            )
            for r in rows
        }
        roots: list[CodeData] = []
        for r in rows:
            (nodes[r.parent_id].children if r.parent_id else roots).append(nodes[r.id])
        return CodebookData(name=book.name, codes=roots, origin=book.origin)


def codebook_names(db: Database) -> list[str]:
    with db.reading() as session:
        return list(session.scalars(select(Codebook.name).order_by(Codebook.name)))


def code_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Code.id))) or 0
