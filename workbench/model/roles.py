"""Who may do what: the one table of role rules (``CoderRecord.can`` and the store ask it).

A lead runs the study and may do everything; a coder works with participants' recordings and
transcripts and codes them; a rater is blind to participants and only codes and rates the videos
assigned to them, under masked IDs. On a team server the database's own grants enforce the same
split (``workbench.store.team``); this table is what the application shows and refuses.
"""

from __future__ import annotations

from enum import Enum

ROLES = ("lead", "coder", "rater")


class Action(Enum):
    """Something only some roles may do (the value says it in words)."""

    SEE_PARTICIPANTS = "see participants, their recordings and transcripts"
    SEE_MASKED_ATTRIBUTES = "see masked participant attributes (e.g. the trial arm)"
    IMPORT_MEDIA = "import media"
    TRANSCRIBE = "transcribe recordings"
    CODE_TRANSCRIPTS = "code transcripts"
    RATE_VIDEOS = "rate videos"
    OPEN_ANY_VIDEO = "open any video of the project unmasked"
    EXPORT_UNMASKED = "export video codings under real participant IDs"
    RESOLVE_DISAGREEMENTS = "resolve disagreements between coders"
    READ_AUDIT_LOG = "read the audit log"
    KEEP_PSEUDONYM_KEY = "keep a pseudonymisation key"
    ERASE_PARTICIPANT = "erase a participant's data"
    ASSIGN_VIDEOS = "assign videos to raters"
    CHANGE_OTHERS_CODINGS = "change other people's codings and memos"
    RESHAPE_CODEBOOK = "merge and split codes (it changes everyone's codings)"
    SEE_ALL_CODINGS = "see everyone's codings while coding independently"
    SET_CODING_MODE = "switch independent coding on and off, and release codings"
    IMPORT_PROJECT = "import a project's transcripts and codings"
    COMPARE_CODERS = "compute inter-rater reliability (it shows everyone's coding side by side)"
    HAND_OVER = "work as another person of a local project (handing this computer over)"


_CODER = frozenset(
    {
        Action.SEE_PARTICIPANTS,
        Action.IMPORT_MEDIA,
        Action.TRANSCRIBE,
        Action.CODE_TRANSCRIPTS,
        Action.RATE_VIDEOS,
        Action.COMPARE_CODERS,
    }
)
RULES: dict[str, frozenset[Action]] = {
    "lead": frozenset(Action),
    "coder": _CODER,
    "rater": frozenset({Action.RATE_VIDEOS}),
}


def can(role: str, action: Action) -> bool:
    """Whether someone with ``role`` may do ``action`` (an unknown role may do nothing)."""
    return action in RULES.get(role, frozenset())


def roles_that_can(action: Action) -> tuple[str, ...]:
    """The roles that may do ``action``, fewest rights first (for messages)."""
    return tuple(role for role in reversed(ROLES) if can(role, action))


def refusal(role: str, action: Action) -> str:
    """The one sentence that refuses ``action`` to someone with ``role`` (says who may)."""
    allowed = roles_that_can(action)
    who = " or ".join(allowed) if allowed else "nobody"
    return f"As a {role} you cannot {action.value}; only a {who} can."
