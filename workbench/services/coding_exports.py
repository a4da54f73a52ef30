"""Exports of coded material (no Qt), each passed through the project's pseudonym key so that no
original name leaves the project: coded extracts (XLSX, CSV, DOCX), the framework matrix (XLSX)
and a REFI-QDA project (.qdpx); and the import of a REFI-QDA project. What is exported is what ``viewer`` may see (a lead sees all).

Texts in a .qdpx are redacted with their selections re-anchored (a replaced name moves codings
as pseudonymisation does); names, notes and code descriptions are redacted as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from workbench.coding.anchoring import Anchoring
from workbench.coding.codebook import Code, Codebook
from workbench.exchange import extracts as out
from workbench.exchange.qdpx_model import QdaProject, Selection
from workbench.exchange.refi_qdpx import write_qdpx
from workbench.model.tasks import TaskState
from workbench.model.wording import counted
from workbench.nlp.pseudonymise import PseudonymKey, edit_opcodes, pseudonymise_text
from workbench.services.qdpx_export import export_project
from workbench.store import pseudonym_keys, retrieval
from workbench.store.engine import server_refusals
from workbench.store.retrieval import Filters
from workbench.store.visibility import Viewer


def export_extracts(db, viewer: Viewer, filters: Filters, path: Path, progress=None, cancelled=None) -> str:
    """Coded extracts in the format the extension names; returns a sentence for the user."""
    state = TaskState(progress, cancelled)
    state.report(0.0, "Retrieving extracts")
    with server_refusals("Cannot export the coded extracts"):
        rows = retrieval.extracts(db, viewer, filters)
    state.check()
    out.write_extracts(
        rows,
        path,
        redact=pseudonym_keys.export_redactor(db),
        progress=state.sub(0.2, 1.0).report,
        cancelled=cancelled,
    )
    return f"Wrote {counted(len(rows), 'extract')} to {path}"


def export_framework(
    db,
    viewer: Viewer,
    code_guids: Sequence[str],
    path: Path,
    filters: Filters = Filters(),
    progress=None,
    cancelled=None,
) -> str:
    with server_refusals("Cannot export the framework matrix"):
        data = retrieval.framework_matrix(db, viewer, code_guids, filters)
    out.write_framework_xlsx(
        data, path, redact=pseudonym_keys.export_redactor(db), progress=progress, cancelled=cancelled
    )
    return (
        f"Wrote the framework matrix ({counted(len(data.participants), 'participant')} × "
        f"{counted(len(data.codes), 'code')}) to {path}"
    )


def export_qdpx(
    db, viewer: Viewer, path: Path, codebook_name: str | None = None, progress=None, cancelled=None
) -> str:
    state = TaskState(progress, cancelled)
    state.report(0.0, "Reading the project")
    with server_refusals("Cannot export the project"):
        project = export_project(db, viewer, codebook_name)
    state.check()
    key = pseudonym_keys.export_key(db)
    if key is not None:
        project = redact_project(project, key)
    write_qdpx(project, path)
    count = sum(1 for _ in project.codings())
    texts = len(project.sources) + sum(len(m.transcripts) for m in project.media)
    return (
        f"Wrote {counted(texts, 'transcript')}, {counted(count, 'coding')}, "
        f"{counted(project.codebook.count(), 'code')} and {counted(len(project.notes), 'memo')} to {path}"
    )


# --- redaction ----------------------------------------------------------------------------------


def _redact_text(
    text: str | None, selections: list[Selection], key: PseudonymKey
) -> tuple[str | None, list[Selection], Anchoring | None]:
    """The redacted text, its selections moved with it, and how positions move (None: unchanged)."""
    if not text:
        return text, selections, None
    result = pseudonymise_text(text, key)
    if not result.edits:
        return text, selections, None
    anchoring = Anchoring(text, result.text, edit_opcodes(result.edits, len(text)))
    moved = []
    for s in selections:
        mapped = anchoring.map_span(s.start, s.end)
        moved.append(replace(s, start=mapped.start, end=mapped.end, name=key.redact(s.name)))
    return result.text, moved, anchoring


def _redact_code(code: Code, fix) -> Code:
    return replace(
        code,
        name=fix(code.name),
        definition=fix(code.definition),
        inclusion=fix(code.inclusion),
        exclusion=fix(code.exclusion),
        example=fix(code.example),
        children=[_redact_code(c, fix) for c in code.children],
    )


def redact_project(project: QdaProject, key: PseudonymKey) -> QdaProject:
    """A copy of ``project`` with every original in ``key`` replaced (texts, names, notes, codes)."""
    fix = key.redact
    sources = []
    for s in project.sources:
        text, selections, _ = _redact_text(s.text, s.selections, key)
        sources.append(
            replace(
                s,
                name=fix(s.name),
                text=text,
                selections=selections,
                description=fix(s.description),
                values={g: fix(v) if isinstance(v, str) else v for g, v in s.values.items()},
            )
        )
    media = []
    for m in project.media:
        transcripts = []
        for t in m.transcripts:
            text, selections, anchoring = _redact_text(t.text, t.selections, key)
            if anchoring is not None:  # sync points move with the text
                points = [replace(p, position=anchoring.map_point(p.position)) for p in t.sync_points]
            else:
                points = t.sync_points
            transcripts.append(
                replace(t, name=fix(t.name), text=text, selections=selections, sync_points=points)
            )
        media.append(
            replace(
                m,
                name=fix(m.name),
                path=fix(m.path),
                description=fix(m.description),
                transcripts=transcripts,
                values={g: fix(v) if isinstance(v, str) else v for g, v in m.values.items()},
            )
        )
    book = project.codebook
    codebook = Codebook(
        name=fix(book.name),
        codes=[_redact_code(c, fix) for c in book.codes],
        origin=book.origin,
        sets=[replace(s, name=fix(s.name), description=fix(s.description)) for s in book.sets],
    )
    return replace(
        project,
        name=fix(project.name),
        description=fix(project.description),
        codebook=codebook,
        sources=sources,
        media=media,
        notes=[replace(n, name=fix(n.name), text=fix(n.text)) for n in project.notes],
        cases=[
            replace(
                c,
                name=fix(c.name),
                description=fix(c.description),
                values={g: fix(v) if isinstance(v, str) else v for g, v in c.values.items()},
            )
            for c in project.cases
        ],
    )
