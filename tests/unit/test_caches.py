"""The workbench's cache folder: one rule for the models (``transcription``) and matplotlib (``workbench``)."""

from __future__ import annotations

from pathlib import Path

from transcription.models import default_cache_dir
from transcription.quiet import SWITCHES, silence
from workbench.model.caches import cache_dir, contain_dependency_caches


def test_models_and_matplotlib_share_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKBENCH_MODEL_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_dir() == tmp_path / "home" / ".cache" / "workbench"
    assert default_cache_dir() == cache_dir() / "models"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "workbench"
    assert default_cache_dir() == cache_dir() / "models"
    environ: dict[str, str] = {}
    contain_dependency_caches(environ)
    assert Path(environ["MPLCONFIGDIR"]) == tmp_path / "xdg" / "workbench" / "matplotlib"
    chosen = {"MPLCONFIGDIR": str(tmp_path / "mine")}
    contain_dependency_caches(chosen)
    assert chosen == {"MPLCONFIGDIR": str(tmp_path / "mine")}  # a folder the user chose is kept
    # the bundle: PyInstaller's start-up hook chose a fresh temporary folder (a font list rebuilt
    # on every start): the cache folder replaces it
    bundled = {"MPLCONFIGDIR": str(tmp_path / "_MEI123" / "tmp-mpl")}
    contain_dependency_caches(bundled, frozen=True)
    assert Path(bundled["MPLCONFIGDIR"]) == tmp_path / "xdg" / "workbench" / "matplotlib"


def test_telemetry_switches_are_forced():
    environ = {"ORT_DISABLE_TELEMETRY": "0", "HF_HUB_OFFLINE": "0", "PATH": "/bin"}
    silence(environ)
    assert environ == {**SWITCHES, "PATH": "/bin"}
    assert SWITCHES["ORT_DISABLE_TELEMETRY"] == "1" and SWITCHES["HF_HUB_DISABLE_TELEMETRY"] == "1"
