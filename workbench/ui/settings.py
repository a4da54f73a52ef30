"""Where the window remembers its geometry and layout (QSettings), kept apart per user and test.

Settings are an INI file in the workbench configuration folder (``workbench.services.recent.config_dir()``,
so ``$WORKBENCH_CONFIG_DIR`` isolates them); the organisation name is ``$WORKBENCH_SETTINGS_ORG``
or "workbench".
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from workbench.services import recent

APP_NAME = "workbench"
ORG_ENV = "WORKBENCH_SETTINGS_ORG"


def organisation() -> str:
    return os.environ.get(ORG_ENV) or APP_NAME


def app_settings() -> QSettings:
    """The user's UI settings (window geometry, dock layout, last folders)."""
    folder = recent.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / f"{organisation()}-ui.ini"), QSettings.Format.IniFormat)
