"""Retrieval extracts for export tests, built from what an export row shows."""

from __future__ import annotations

from workbench.coding.retrieval import Extract


def extract(
    participant: str,
    timepoint: str,
    transcript: str,
    speaker: str,
    start_ms: int | None,
    end_ms: int | None,
    code: str,
    coder: str,
    text: str,
    memo: str = "",
) -> Extract:
    """An extract as the store returns it; ``code`` is its path ('Support / Group'), also its GUID."""
    return Extract(
        coding_id=0,
        participant=participant,
        timepoint=timepoint or None,
        transcript_id=0,
        transcript_name=transcript,
        speaker=speaker or None,
        start_ms=start_ms,  # type: ignore[arg-type]  # an export takes untimed extracts too
        end_ms=end_ms,  # type: ignore[arg-type]
        code_guid=code,
        code_path=tuple(code.split(" / ")),
        coder=coder,
        text=text,
        memo=memo,
        start_pos=0,
        end_pos=len(text),
    )
