"""Right to erasure: delete one participant's data from a project completely (leads only).

:func:`plan_erasure` lists what would go; :func:`erase_participant` does it, after recording in
``erasure-pending.json`` (project folder, written atomically) the participant and every file to
delete, so that an erasure killed at any step is finished by :func:`finish_erasure` (a re-run of
``workbench erase-participant``); the record is removed last:

1. the database rows (``workbench.store.erasure``: participant, attributes, media, transcripts,
   segments, words, codings, memos, observations, events, epochs, ratings, assignments; audit
   payloads redacted), then the database file is compacted (VACUUM) so no deleted page keeps them;
2. their media copies in ``media/`` (named by content: a copy another participant's media row
   also uses is kept; linked files outside the project are the user's own and are listed, not
   deleted);
3. transcription job checkpoints in ``jobs/`` for their recordings;
4. files in ``exports/`` that mention them (their ID or a sentence of their transcripts; inside
   XLSX/DOCX too), when ``delete_exports``;
5. lines of the log file (``<config dir>/workbench.log``) naming them are redacted;
6. backups in ``backups/`` still hold them: deleted when ``prune_backups``, otherwise listed.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from workbench.model.errors import WorkbenchError
from workbench.model.files import atomic_write_text
from workbench.model.roles import Action
from workbench.services import recent
from workbench.store import erasure as store_erasure
from workbench.store.backup import backups as list_backups

LOG_FILE = "workbench.log"
MIN_PHRASE = 30  # transcript segments at least this long are looked for in exports
MAX_PHRASES = 500


@dataclass
class ErasurePlan:
    pseudonym: str
    rows: dict[str, int]
    media_files: list[Path] = field(default_factory=list)
    kept_shared: list[Path] = field(default_factory=list)
    linked: list[Path] = field(default_factory=list)
    jobs: list[Path] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    def summary(self) -> list[str]:
        rows = ", ".join(f"{n} {table}" for table, n in self.rows.items())
        lines = [
            f"Participant {self.pseudonym}: {rows}",
            f"Media files to delete: {len(self.media_files)}"
            + (
                f" (kept, shared with another participant: {len(self.kept_shared)})"
                if self.kept_shared
                else ""
            ),
        ]
        lines += [
            f"  linked file outside the project (not deleted; delete it yourself): {p}" for p in self.linked
        ]
        if self.jobs:
            lines.append(f"Transcription job checkpoints to delete: {len(self.jobs)}")
        lines += [f"Export mentioning them: {p}" for p in self.exports]
        if self.backups:
            lines.append(
                f"{len(self.backups)} backup(s) in backups/ still hold this participant "
                "(delete them with --prune-backups once you no longer need them)."
            )
        return lines


@dataclass
class ErasureReport:
    plan: ErasurePlan
    audit_redacted: int
    compacted: bool
    exports_deleted: list[Path]
    backups_deleted: list[Path]
    log_lines_redacted: int

    def lines(self) -> list[str]:
        out = [
            f"Erased participant {self.plan.pseudonym}: {sum(self.plan.rows.values())} rows, "
            f"{len(self.plan.media_files)} media file(s), {len(self.plan.jobs)} job checkpoint(s), "
            f"{len(self.exports_deleted)} export(s); {self.audit_redacted} audit entries redacted."
        ]
        if not self.compacted:
            out.append(
                "The database could not be compacted now (another program has it open?); "
                "run the command again later or VACUUM it, so deleted pages are overwritten."
            )
        kept = [p for p in self.plan.exports if p not in self.exports_deleted]
        out += [f"Export still mentioning them (kept): {p}" for p in kept]
        remaining = [p for p in self.plan.backups if p not in self.backups_deleted]
        if remaining:
            out.append(
                f"{len(remaining)} backup(s) in backups/ still hold this participant; replace them by "
                "one without them with `workbench backup PROJECT --replace-all`."
            )
        out += [f"Linked file outside the project, not deleted: {p}" for p in self.plan.linked]
        return out


def _root(project) -> Path:
    return project.folder or project.media_root


def _needles(pseudonym: str, texts) -> list[bytes]:
    phrases = sorted({t.strip() for t in texts if len(t.strip()) >= MIN_PHRASE}, key=len, reverse=True)
    needles = []
    for item in [pseudonym] + phrases[:MAX_PHRASES]:
        for form in {item, escape(item, quote=False), escape(item)}:
            needles.append(form.encode("utf-8"))
    return needles


def _mentions(path: Path, needles: list[bytes]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    blobs = [data]
    if data[:2] == b"PK":  # xlsx, docx, qdpx: look inside
        try:
            with zipfile.ZipFile(path) as archive:
                blobs += [
                    archive.read(info)
                    for info in archive.infolist()[:1000]
                    if info.file_size < 512 * 1024 * 1024
                ]
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
            pass
    for encoding in ("utf-16-le", "utf-16-be"):
        blobs.append(data.decode(encoding, errors="ignore").encode("utf-8", errors="ignore"))
    return any(needle in blob for blob in blobs for needle in needles)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def plan_erasure(project, pseudonym: str) -> ErasurePlan:
    """What erasing ``pseudonym`` would delete (nothing is changed); leads only."""
    if not project.coder.can(Action.ERASE_PARTICIPANT):
        raise WorkbenchError("Only a lead can erase a participant's data.")
    found = store_erasure.participant_footprint(project.db, pseudonym)
    plan = ErasurePlan(pseudonym, found.counts())
    root = _root(project)
    for media in found.media:
        path = (project.media_root / media.path).resolve()
        if media.linked:
            plan.linked.append(path)
        elif media.shared:
            plan.kept_shared.append(path)
        elif path.is_file():
            plan.media_files.append(path)
    prefixes = {m.sha256[:16] for m in found.media if not m.shared}
    plan.jobs = [p for p in _files(root / "jobs") if p.name[:16] in prefixes]
    needles = _needles(pseudonym, found.texts)
    plan.exports = [p for p in _files(root / "exports") if _mentions(p, needles)]
    plan.backups = [p for _, p in list_backups(root / "backups")] if project.folder else []
    return plan


def _redact_log(pseudonym: str) -> int:
    log = recent.config_dir() / LOG_FILE
    if not log.is_file():
        return 0
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    hits = sum(1 for line in lines if pseudonym in line)
    if hits:
        atomic_write_text(log, "".join(line.replace(pseudonym, store_erasure.ERASED_NAME) for line in lines))
    return hits


INTENT_FILE = "erasure-pending.json"
_KINDS = ("media_files", "jobs", "exports", "backups")


def checkpoint(point: str) -> None:
    """Called at each step of an erasure (``intent``, ``rows``, ``compacted``, ``file``, ``log``);
    does nothing: a test replaces it to kill the process there."""


def _intent_path(project) -> Path:
    return _root(project) / INTENT_FILE


def _write_intent(project, plan: ErasurePlan, delete_exports: bool, prune_backups: bool) -> None:
    """Record durably (written atomically) what this erasure will delete, before anything goes."""
    root = _root(project)

    def stored(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    intent = {
        "participant": plan.pseudonym,
        "delete_exports": delete_exports,
        "prune_backups": prune_backups,
        **{kind: [stored(p) for p in getattr(plan, kind)] for kind in _KINDS},
    }
    atomic_write_text(_intent_path(project), json.dumps(intent, ensure_ascii=False, indent=1))


def _read_intent(project) -> dict | None:
    path = _intent_path(project)
    try:
        intent = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise WorkbenchError(f"Cannot read the record of an unfinished erasure, {path}: {exc}") from None
    root = _root(project)
    for kind in _KINDS:
        intent[kind] = [root / p for p in intent.get(kind, [])]  # an absolute path stays as it is
    return intent


def _merge(plan: ErasurePlan, intent: dict) -> None:
    """Add the files an interrupted erasure of the same participant had listed to ``plan``."""
    for kind in _KINDS:
        listed = getattr(plan, kind)
        listed += [p for p in intent[kind] if p not in listed]


def erase_participant(
    project, pseudonym: str, delete_exports: bool = True, prune_backups: bool = False
) -> ErasureReport:
    """Erase everything about ``pseudonym`` (see the module text); leads only.

    What will go is recorded first (``erasure-pending.json`` in the project folder), then the rows,
    then the files; the record is removed last. An erasure interrupted at any point is finished
    by :func:`finish_erasure` (which this runs first)."""
    finish_erasure(project, unless=pseudonym)
    plan = plan_erasure(project, pseudonym)
    project.wait_for_backup()  # a routine backup still being written would escape the pruning
    plan.backups = [p for _, p in list_backups(_root(project) / "backups")] if project.folder else []
    previous = _read_intent(project)
    if previous is not None:  # the same participant, interrupted before its rows went
        _merge(plan, previous)
        delete_exports = delete_exports or previous["delete_exports"]
        prune_backups = prune_backups or previous["prune_backups"]
    if not delete_exports:
        plan_exports, plan.exports = plan.exports, []
    if not prune_backups:
        plan_backups, plan.backups = plan.backups, []
    _write_intent(project, plan, delete_exports, prune_backups)
    checkpoint("intent")
    _found, redacted = store_erasure.erase_participant(project.db, pseudonym, project.coder.id)
    checkpoint("rows")
    report = _delete_files(project, plan, redacted)
    if not delete_exports:
        report.plan.exports = plan_exports  # listed as kept
    if not prune_backups:
        report.plan.backups = plan_backups
    return report


def _delete_files(project, plan: ErasurePlan, redacted: int) -> ErasureReport:
    """After the rows: compact the database, delete the planned files, redact the log, then
    remove the record of the erasure (every step can be run again)."""
    compacted = store_erasure.compact(project.db)
    checkpoint("compacted")
    for path in plan.media_files + plan.jobs + plan.exports + plan.backups:
        path.unlink(missing_ok=True)
        checkpoint("file")
    log_lines = _redact_log(plan.pseudonym)
    checkpoint("log")
    _intent_path(project).unlink(missing_ok=True)
    return ErasureReport(plan, redacted, compacted, list(plan.exports), list(plan.backups), log_lines)


def finish_erasure(project, unless: str | None = None) -> ErasureReport | None:
    """Finish an erasure that was interrupted (killed, power lost): its rows, if they are still
    there, then its files; None when there is none. ``unless``: leave it when it is of that
    participant whose rows are still there (the caller is about to erase them anyway)."""
    intent = _read_intent(project)
    if intent is None:
        return None
    pseudonym = intent["participant"]
    if not project.coder.can(Action.ERASE_PARTICIPANT):  # what a lead confirmed, a lead finishes
        raise WorkbenchError(
            "An erasure was stopped midway in this project; a lead must open it to finish it."
        )
    try:
        store_erasure.participant_footprint(project.db, pseudonym)
    except WorkbenchError:  # the rows are gone: only the files are left to delete
        plan = ErasurePlan(pseudonym, {}, **{kind: intent[kind] for kind in _KINDS})
        return _delete_files(project, plan, 0)
    if pseudonym == unless:
        return None
    return erase_participant(project, pseudonym, intent["delete_exports"], intent["prune_backups"])
