"""The self-check's Qt lines (platform plugin, QtMultimedia backend, a sound output device) and the
whole list both ``workbench self-check`` and Help → Check this computer… run.

The Qt facts come from :func:`qt_probe`, which needs a running QGuiApplication: the window asks in
its own process; the command line asks a child process (``workbench self-check --qt-probe``), since
a Qt platform plugin that cannot load ends the process that tried.
"""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from workbench.model.resources import is_frozen
from workbench.services.computer_checks import REINSTALL, computer_checks
from workbench.services.self_check import Check, CheckFailed

PROBE_TIMEOUT_S = 60
QT_LIBS = "libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0"


def qt_probe() -> dict[str, Any]:
    """What Qt says about this computer (call with a QGuiApplication running)."""
    from PySide6.QtMultimedia import QMediaDevices, QMediaFormat  # loads the backend: only when asked

    decode = QMediaFormat.ConversionMode.Decode
    outputs = QMediaDevices.audioOutputs()
    default = QMediaDevices.defaultAudioOutput()
    return {
        "platform": QGuiApplication.platformName(),
        "formats": len(QMediaFormat().supportedFileFormats(decode)),
        "audio_codecs": len(QMediaFormat().supportedAudioCodecs(decode)),
        "outputs": [device.description() for device in outputs],
        "default_output": "" if default.isNull() else default.description(),
    }


def probe_command() -> list[str]:
    """This program, asked for :func:`qt_probe` as JSON (the bundle's executable, or Python)."""
    if is_frozen():
        return [sys.executable, "self-check", "--qt-probe"]
    return [sys.executable, "-m", "workbench", "self-check", "--qt-probe"]


def probe_in_child() -> dict[str, Any]:
    """:func:`qt_probe` in a child process; ``{"error": ...}`` when Qt could not start there."""
    try:
        done = subprocess.run(
            probe_command(), capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"the Qt probe did not finish: {exc}"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    said = [line for line in lines if "could not" in line.lower() or "cannot" in line.lower()]
    return {"error": said[0] if said else (lines or [f"exit status {done.returncode}"])[-1]}


def qt_checks(found: dict[str, Any]) -> list[Check]:
    """Three checks that report what the probe ``found``."""
    return [
        Check("Qt platform plugin", "qt", lambda: _platform(found)),
        Check("QtMultimedia backend", "qt", lambda: _multimedia(found)),
        Check("Sound output device", "audio", lambda: _audio(found)),
    ]


def _platform(found: dict[str, Any]) -> str:
    if "error" in found:
        raise CheckFailed(f"Qt could not start: {found['error']}", _platform_fix(str(found["error"])))
    return f"'{found['platform']}'"


def _platform_fix(error: str) -> str:
    if sys.platform.startswith("linux"):
        if "xcb-cursor" in error:
            return "apt-get install libxcb-cursor0"
        return f"apt-get install {QT_LIBS}; without a screen, set QT_QPA_PLATFORM=offscreen"
    return REINSTALL


def _multimedia(found: dict[str, Any]) -> str:
    if "error" in found:
        raise CheckFailed("not tried: Qt could not start", _platform_fix(str(found["error"])))
    if not found["formats"]:
        fix = REINSTALL if is_frozen() else "pip install --force-reinstall PySide6-Addons"
        raise CheckFailed("no media formats can be decoded: the FFmpeg plugin did not load", fix)
    return f"{found['formats']} file formats, {found['audio_codecs']} audio codecs"


def _audio(found: dict[str, Any]) -> str:
    if "error" in found:
        raise CheckFailed("not tried: Qt could not start", _platform_fix(str(found["error"])))
    if not found["outputs"]:
        raise CheckFailed("no sound output device: recordings play without sound", _audio_fix())
    default = found["default_output"] or "none chosen"
    return f"{len(found['outputs'])} device(s), default: {default}"


def _audio_fix() -> str:
    if sys.platform == "win32":
        return "connect or turn on a sound device (Settings → System → Sound)"
    if sys.platform == "darwin":
        return "choose an output device in System Settings → Sound"
    if ctypes.util.find_library("pulse") is None:
        return "apt-get install libpulse0 (the PulseAudio client library Qt plays sound through)"
    return "no sound server answers: start PipeWire or PulseAudio (apt-get install pipewire-pulse), or connect a sound device"


def team_url(settings: QSettings) -> str | None:
    """The team project last connected to in the window (no password), or None."""
    database = str(settings.value("team/database", "") or "")
    if not database:
        return None
    host = str(settings.value("team/host", "localhost") or "localhost")
    user = str(settings.value("team/user", "") or "")
    port = int(str(settings.value("team/port", 5432) or 5432))
    return f"postgresql+psycopg://{user}@{host}:{port}/{database}"


def all_checks(found: dict[str, Any], db_url: str | None = None) -> list[Check]:
    """The whole self-check: Qt's lines from ``found``, then the rest."""
    return qt_checks(found) + computer_checks(db_url)
