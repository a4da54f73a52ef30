"""The workbench application. Importing it keeps the dependencies' caches inside the workbench's own
cache folder (:mod:`workbench.model.caches`); third-party telemetry is turned off by ``transcription``."""

from workbench.model.caches import contain_dependency_caches

contain_dependency_caches()
