"""The demo project: three participants at two timepoints, real media, the team's codebook and scheme.

Built from files in the repository (``demo/media``, ``codebooks/``); see ``demo/ATTRIBUTION.md``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.coding.scheme import load_scheme
from workbench.exchange.refi_qdc import read_qdc
from workbench.model.errors import WorkbenchError
from workbench.model.resources import is_frozen, resource
from workbench.model.tasks import CancelFn, ProgressFn, TaskState
from workbench.model.user_dirs import default_projects_dir
from workbench.services.media_import import import_media
from workbench.services.project import PROJECT_FILE, Project
from workbench.store import codebooks, participants, people, schemes

DEMO_MEDIA = resource("demo", "media")  # the checkout's files, or the bundle's copies
CODEBOOK = resource("codebooks", "cosp_interview.qdc")
SCHEME = resource("codebooks", "play_task_scheme.yaml")
TIMEPOINTS = ["baseline", "12 months"]

PARTICIPANTS = [  # pseudonym, site, trial arm (masked from raters)
    ("P001", "Leeds", "COS-P + usual care"),
    ("P002", "Sheffield", "usual care"),
    ("P003", "Bradford", "COS-P + usual care"),
]
MEDIA = [  # participant, timepoint, task, file
    ("P001", "baseline", "interview", "fasterwhisper_stereo_diarization.wav"),
    ("P001", "baseline", "free play", "intel_one-by-one-person-detection.mp4"),
    ("P001", "12 months", "interview", "whisper_jfk.flac"),
    ("P002", "baseline", "interview", "pocketsphinx_librivox_sns_0870.wav"),
    ("P002", "baseline", "book sharing", "moviepy_fire2.mp4"),
    ("P003", "12 months", "clothing change", "intel_asl_thanks.mkv"),
]
TEAM = [("Rater A", "rater"), ("Rater B", "rater"), ("Second coder", "coder")]


def default_folder() -> Path:
    """Where the demo project goes: ``projects/demo`` in a checkout (``make run``), else, from the
    bundled application, the user's projects folder (never beside the program)."""
    return Path("projects/demo") if not is_frozen() else default_projects_dir() / "demo"


def create_demo(
    folder: Path, progress: ProgressFn | None = None, cancelled: CancelFn | None = None
) -> Project:
    """Create the demo project in ``folder`` (which must not hold a project yet).

    Built in a sibling temporary folder and renamed into place, so an interrupted build never
    leaves a half-made demo behind.
    """
    folder = Path(folder)
    if (folder / PROJECT_FILE).exists():
        raise WorkbenchError(f"{folder} already holds a project.")
    for needed in (DEMO_MEDIA, CODEBOOK, SCHEME):
        if not needed.exists():
            raise WorkbenchError(
                f"Demo files are missing: {needed} (run from a full checkout or the complete bundle)."
            )
    state = TaskState(progress, cancelled)
    building = folder.with_name(f".{folder.name}.building")
    shutil.rmtree(building, ignore_errors=True)
    try:
        project = Project.create(building, name="COS-P demo")
        _fill(project, state)
        project.close()
        if folder.exists():
            folder.rmdir()  # only an empty folder may be replaced
        building.replace(folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Project.open(folder)


def _fill(project: Project, state: TaskState) -> None:
    db = project.db
    people.add_timepoints(db, TIMEPOINTS)
    for name, role in TEAM:
        people.add_coder(db, name, role)
    for pseudonym, site, arm in PARTICIPANTS:
        participants.add_participant(
            db, pseudonym, site=site, attributes={"trial arm": arm}, masked=frozenset({"trial arm"})
        )
    codebook = read_qdc(CODEBOOK)
    codebook.name = "COS-P interviews"
    codebooks.add_codebook(db, codebook)
    schemes.add_scheme(db, load_scheme(SCHEME), origin="codebooks/play_task_scheme.yaml")
    for i, (pseudonym, timepoint, task, name) in enumerate(MEDIA):
        step = state.sub(0.1 + 0.9 * i / len(MEDIA), 0.1 + 0.9 * (i + 1) / len(MEDIA))
        import_media(
            project,
            [DEMO_MEDIA / name],
            pseudonym,
            timepoint=timepoint,
            task=task,
            progress=step.progress,
            cancelled=state.cancelled,
        )
