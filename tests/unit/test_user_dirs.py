"""The user's folders by platform; never beside the program."""

import sys
from pathlib import Path

import pytest

from workbench.model import user_dirs
from workbench.services import demo


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    for name in (
        "WORKBENCH_CONFIG_DIR",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "APPDATA",
        "LOCALAPPDATA",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_linux_follows_xdg(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert user_dirs.config_dir() == home / ".config" / "workbench"
    assert user_dirs.data_dir() == home / ".local" / "share" / "workbench"
    assert user_dirs.cache_dir() == home / ".cache" / "workbench"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "d"))
    assert user_dirs.default_projects_dir() == home / "d" / "workbench" / "projects"
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(home / "isolated"))
    assert user_dirs.config_dir() == home / "isolated"


def test_windows_and_macos_use_their_own_folders(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(home / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "Local"))
    assert user_dirs.config_dir() == home / "Roaming" / "workbench"
    assert user_dirs.data_dir() == home / "Local" / "workbench"
    assert user_dirs.cache_dir() == home / "Local" / "workbench" / "cache"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert user_dirs.data_dir() == home / "Library" / "Application Support" / "workbench"
    assert user_dirs.cache_dir() == home / "Library" / "Caches" / "workbench"


def test_the_bundled_demo_goes_to_the_users_projects_folder(home, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert demo.default_folder() == Path("projects/demo")  # a checkout: make run's demo
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert demo.default_folder() == home / ".local" / "share" / "workbench" / "projects" / "demo"
