"""Who sees whose codings: the views "mine / one other coder's / all" and independent-coding mode.

In independent-coding mode (project setting ``independent_coding`` = "1") a coder sees only their
own codings and memos, plus other coders' codings (and memos) on transcripts the lead has released
(per transcript, or all at once with the project setting ``codings_released`` = "1"). Leads always
see everything; raters see no transcript coding at all. Every query over codings takes a
:class:`Viewer` and applies :func:`coding_filter`, every query over memos :func:`memo_filter`, so
the rule holds in retrieval, counts, matrices, exports and the coding view alike, on SQLite as the
server's row-level security holds it on PostgreSQL (migrations 0003 and 0008).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from workbench.model.errors import WorkbenchError
from workbench.model.records import Change
from workbench.model.roles import Action, can, refusal
from workbench.store import audit
from workbench.store.commands import command
from workbench.store.engine import Database, server_refusals
from workbench.store.schema import Coder, Memo, Setting, TextCoding, Transcript

INDEPENDENT = "independent_coding"
RELEASED = "codings_released"
VIEWS = ("mine", "other", "all")


@dataclass(frozen=True)
class Viewer:
    """Who is asking and which codings they want: ``view`` is mine, other (``other_id``) or all."""

    coder_id: int
    view: str = "all"
    other_id: int | None = None

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise WorkbenchError(f"Unknown view {self.view!r}: choose mine, other or all.")
        if self.view == "other" and self.other_id is None:
            raise WorkbenchError("Choose whose codings to show.")


def _setting(session: Session, key: str) -> bool:
    row = session.get(Setting, key)
    return row is not None and row.value == "1"


def role(session: Session, coder_id: int) -> str:
    found = session.scalar(select(Coder.role).where(Coder.id == coder_id))
    if found is None:
        raise WorkbenchError(f"No coder {coder_id} in this project.")
    return found


def may(session: Session, coder_id: int, action: Action) -> bool:
    """Whether this coder's role allows ``action`` (the rules: ``workbench.model.roles``)."""
    return can(role(session, coder_id), action)


def _sees_everyone(session: Session, who: str) -> bool:
    """Whether someone with role ``who`` sees every coder's codings and memos now (a lead, or
    nobody coding independently, or the codings released project-wide)."""
    return (
        can(who, Action.SEE_ALL_CODINGS) or not _setting(session, INDEPENDENT) or _setting(session, RELEASED)
    )


def coding_filter(session: Session, viewer: Viewer):
    """A SQL condition on TextCoding (joined to Transcript) selecting what ``viewer`` may see."""
    who = role(session, viewer.coder_id)
    if not can(who, Action.CODE_TRANSCRIPTS):
        return false()  # raters: no transcript coding (the server grants them none)
    if viewer.view == "mine":
        chosen = TextCoding.coder_id == viewer.coder_id
    elif viewer.view == "other":
        chosen = TextCoding.coder_id == viewer.other_id
    else:
        chosen = true()
    if _sees_everyone(session, who):
        return chosen
    own = TextCoding.coder_id == viewer.coder_id
    released = TextCoding.transcript_id.in_(select(Transcript.id).where(Transcript.codings_released))
    if viewer.view == "mine" or viewer.other_id == viewer.coder_id:
        return chosen
    if viewer.view == "other":
        return and_(chosen, released)
    return or_(own, released)


def memo_filter(session: Session, coder_id: int):
    """A SQL condition on Memo selecting the memos ``coder_id`` may read: everyone's, except while
    coding independently: then their own, and others' only on released transcripts and on the
    codings there (memos on codes and participants wait for the project-wide release)."""
    who = role(session, coder_id)
    if not can(who, Action.CODE_TRANSCRIPTS):
        return false()  # raters: no memos (the server grants them none)
    if _sees_everyone(session, who):
        return true()
    released = select(Transcript.id).where(Transcript.codings_released)
    on_released = select(TextCoding.id).where(TextCoding.transcript_id.in_(released))
    return or_(
        Memo.coder_id == coder_id,
        and_(Memo.target_kind == "transcript", Memo.target_id.in_(released)),
        and_(Memo.target_kind == "coding", Memo.target_id.in_(on_released)),
    )


@dataclass(frozen=True)
class CodingMode:
    """Whether coders code independently, and what the lead has released."""

    independent: bool
    released_all: bool
    released_transcripts: int
    transcripts: int

    def describe(self) -> str:
        if not self.independent:
            return "Independent coding is off: every coder sees everyone's codings and memos."
        if self.released_all:
            return "Independent coding is on, and the codings are released: coders see everyone's."
        return (
            "Independent coding is on: coders see only their own codings and memos "
            f"(released on {self.released_transcripts} of {self.transcripts} transcripts)."
        )


def coding_mode(db: Database) -> CodingMode:
    """The project's coding mode (anyone who may read transcripts may read it)."""
    with db.reading() as session, server_refusals("Reading the coding mode"):
        released = session.scalar(
            select(func.count()).select_from(Transcript).where(Transcript.codings_released)
        )
        total = session.scalar(select(func.count()).select_from(Transcript))
        return CodingMode(
            _setting(session, INDEPENDENT), _setting(session, RELEASED), released or 0, total or 0
        )


def check_comparison(db: Database, coder_id: int, material: str = "transcripts") -> None:
    """Refuse a reliability comparison to whoever may not see every coder's work now: a rater; a coder
    comparing video coding (observations, ratings), where each coder sees only their own, as the
    team server holds it; or a coder while independent coding hides the others' transcript codings."""
    with db.reading() as session:
        who = role(session, coder_id)
        if not can(who, Action.COMPARE_CODERS):
            raise WorkbenchError(refusal(who, Action.COMPARE_CODERS))
        if material != "transcripts" and not can(who, Action.SEE_ALL_CODINGS):
            raise WorkbenchError(
                f"Each coder sees only their own video coding, so only a lead compares {material}."
            )
        if not _sees_everyone(session, who):
            raise WorkbenchError(
                "Independent coding is on, and comparing coders would show you the others' codings: "
                "a lead can compute reliability, or release the codings first."
            )


def _require_lead(session: Session, coder_id: int, what: str) -> None:
    if not may(session, coder_id, Action.SET_CODING_MODE):
        raise WorkbenchError(f"Only a lead can {what}.")


@command("set_independent_mode")
def set_independent_mode(db: Database, lead_id: int, on: bool) -> Change:
    """Switch independent-coding mode on or off (lead only)."""
    return _set_flag(
        db,
        lead_id,
        INDEPENDENT,
        on,
        "switch independent coding",
        "Independent coding " + ("on" if on else "off"),
    )


@command("release_codings")
def release_codings(
    db: Database, lead_id: int, transcript_id: int | None = None, released: bool = True
) -> Change:
    """Let coders see each other's codings: on one transcript, or project-wide (lead only)."""
    if transcript_id is None:
        return _set_flag(
            db,
            lead_id,
            RELEASED,
            released,
            "release codings",
            "Codings " + ("released" if released else "withheld") + " project-wide",
        )
    with db.transaction() as session:
        _require_lead(session, lead_id, "release codings")
        row = session.get(Transcript, transcript_id)
        if row is None:
            raise WorkbenchError(f"No transcript {transcript_id}.")
        before = row.codings_released
        row.codings_released = released
        audit.record(
            session,
            "release codings",
            "transcripts",
            transcript_id,
            coder_id=lead_id,
            before={"released": before},
            after={"released": released},
        )
        return Change(
            f"Codings on {row.name} " + ("released" if released else "withheld"),
            updated={"transcripts": (transcript_id,)},
        )


def _set_flag(db: Database, lead_id: int, key: str, on: bool, what: str, description: str) -> Change:
    with db.transaction() as session:
        _require_lead(session, lead_id, what)
        row = session.get(Setting, key)
        before = row.value if row else None
        if row is None:
            session.add(Setting(key=key, value="1" if on else "0"))
        else:
            row.value = "1" if on else "0"
        audit.record(
            session,
            what,
            "settings",
            None,
            coder_id=lead_id,
            before={key: before},
            after={key: "1" if on else "0"},
        )
        return Change(description, updated={"settings": ()})
