"""Pseudonymising transcripts for the dialog: the Qt-free work lives in ``workbench.services.pseudonymising``
(shared with ``workbench pseudonymise``); re-exported here for the dialog."""

from __future__ import annotations

from workbench.services.pseudonymising import (  # noqa: F401
    apply_to_project,
    document_texts,
    parse_terms,
    pseudonymised_segments,
    suggestions_task,
)
