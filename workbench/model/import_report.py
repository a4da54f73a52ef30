"""What an import found in a file, what it brought in, and what it left out and why.

Every importer (BORIS, ELAN, REFI-QDA, transcripts) returns one; the CLI prints :meth:`ImportReport.render`
and refuses to write when :attr:`ImportReport.losses` is true unless told to accept them; the GUI shows
the same text and asks first.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Counts per kind of thing (``"observations"``, ``"events"``, ``"tiers"``, ``"codes"``...) held in the
    file and imported, plus each thing left out as ``(thing, reason)``; ``notes`` are remarks that lose
    nothing (e.g. "observation 'x' has no video: imported as a live observation")."""

    kind: str
    file: str
    held: dict[str, int] = field(default_factory=dict)
    imported: dict[str, int] = field(default_factory=dict)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, held: int = 0, imported: int = 0) -> None:
        """Add to the held and imported counts of ``what``."""
        self.held[what] = self.held.get(what, 0) + held
        self.imported[what] = self.imported.get(what, 0) + imported

    def leave_out(self, thing: str, reason: str) -> None:
        """Record that ``thing`` is not imported, and why."""
        self.left_out.append((thing, reason))

    @property
    def losses(self) -> bool:
        """Whether anything in the file would not be in the project after this import."""
        return bool(self.left_out) or any(self.imported.get(what, 0) < n for what, n in self.held.items())

    def render(self) -> str:
        """Plain text: a header, one row per kind (in file / imported), then each loss with its reason."""
        lines = [f"{self.kind} import report: {self.file}"]
        kinds = list(dict.fromkeys([*self.held, *self.imported]))
        if kinds:
            width = max(len(k) for k in kinds)
            lines.append(f"  {'':{width}}  in file  imported")
            for what in kinds:
                held, got = self.held.get(what, 0), self.imported.get(what, 0)
                lines.append(f"  {what:{width}}  {held:>7}  {got:>8}")
        lines.extend(f"  note: {note}" for note in self.notes)
        if self.left_out:
            lines.append(f"  left out ({len(self.left_out)}):")
            lines.extend(f"    {thing}: {reason}" for thing, reason in self.left_out)
        else:
            lines.append("  nothing left out")
        return "\n".join(lines)
