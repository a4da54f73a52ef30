"""A fresh user for one test: its own home folder (XDG folders inside), temporary folder and work
folder, commands run without a network (``unshare -n``) and traced (``strace``), and what they left.

:meth:`Sandbox.run` runs a command as that user. Afterwards :meth:`Sandbox.stray_files` names every
file or folder left outside the work folder and the workbench's documented config and cache
folders: new entries in the home, temporary and runtime folders (listed before and after), and,
with strace, anything the traced processes created elsewhere that is still there.
:meth:`Sandbox.connections` lists every ``connect()`` the traced processes attempted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

WORKBENCH = [str(Path(sys.executable).with_name("workbench"))]  # the console script a user runs
PYTHON = [sys.executable]


def _working_strace() -> str | None:
    """strace, where it is installed and allowed to trace (a container may forbid ptrace)."""
    found = shutil.which("strace")
    if found is None:
        return None
    probe = subprocess.run([found, "-f", "-o", os.devnull, "true"], capture_output=True)
    return found if probe.returncode == 0 else None


STRACE = _working_strace()
# the calls that create a file or folder (or a name for one), and connect
TRACED = "connect,open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat"
# the switches this test must see the workbench set itself: none may come from the test's own process
CLEARED = (
    "WORKBENCH_CONFIG_DIR",
    "WORKBENCH_MODEL_CACHE",
    "MPLCONFIGDIR",
    "ORT_DISABLE_TELEMETRY",
    "HF_HUB_DISABLE_TELEMETRY",
    "HF_HUB_OFFLINE",
    "DO_NOT_TRACK",
    "DBUS_SESSION_BUS_ADDRESS",
    "PYTHONPATH",
    # build-server markers: onnxruntime sends no telemetry where one is set, and a user's desktop has none
    "CI",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "CIRCLECI",
    "TRAVIS",
    "JENKINS_URL",
    "CODEBUILD_BUILD_ID",
    "BUILDKITE",
    "TEAMCITY_VERSION",
)
_CREATING = re.compile(
    r"^(open|openat|creat|mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat)\("
)
_RETURNED_PATH = re.compile(r"= \d+<(.*)>$")
_CONNECT = re.compile(r"^connect\(\d+(?:<[^>]*>)?, \{(.*)\}, \d+\) = ")


def no_network_prefix() -> tuple[list[str], str | None]:
    """The command prefix that runs a program in a new, empty network namespace, or why there is none."""
    if shutil.which("unshare") is None:
        return [], "unshare is not installed"
    for prefix in (["unshare", "-n"], ["unshare", "-r", "-n"]):  # as root; else in a user namespace
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix, None
    return [], "unshare -n is refused here (needs root or unprivileged user namespaces)"


class Sandbox:
    def __init__(self, root: Path):
        self.root = root
        self.home, self.tmp, self.work = root / "home", root / "tmp", root / "work"
        self.runtime = root / "runtime"  # $XDG_RUNTIME_DIR, as a desktop session has one
        self.logs = root / "traces"
        for folder in (self.home, self.tmp, self.work, self.logs):
            folder.mkdir(parents=True)
        self.runtime.mkdir(mode=0o700)
        self.told = [self.work, self.home / ".config" / "workbench", self.home / ".cache" / "workbench"]
        self.told.append(self.home / ".local" / "share" / "workbench")  # projects by default (the README)
        # the sound system's per-session socket folder (PulseAudio's client makes it where libpulse is
        # installed, for QtMultimedia): the session's own runtime state, gone at logout, not user data
        self.told.append(self.runtime / "pulse")
        self.env = {k: v for k, v in os.environ.items() if k not in CLEARED and not k.startswith("XDG_")}
        self.env |= {
            "HOME": str(self.home),
            "USER": "tester",  # a login session names its user (no lookup in the system's user database)
            "LOGNAME": "tester",
            "TMPDIR": str(self.tmp),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "XDG_STATE_HOME": str(self.home / ".local" / "state"),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONDONTWRITEBYTECODE": "1",  # bytecode caches belong to the installation, not to a run
        }
        self.before = self._listing()
        self.no_network, self.why_network = no_network_prefix()
        self._runs = 0

    def run(self, *args: str, program: list[str] = WORKBENCH, network: bool = False):
        """Run ``program args`` in the work folder as the sandbox user (no network unless asked)."""
        self._runs += 1
        trace = []
        if STRACE:
            log = self.logs / f"{self._runs:02d}"  # -ff: one file per process, {log}.<pid>
            trace = [STRACE, "-ff", "-qq", "-y", "-s", "4096", "-e", f"trace={TRACED}", "-o", str(log)]
        prefix = [] if network else self.no_network
        return subprocess.run(
            [*prefix, *trace, *program, *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def _listing(self) -> set[Path]:
        return {p for top in (self.home, self.tmp, self.runtime) for p in top.rglob("*")}

    def _told(self, path: Path) -> bool:
        """Inside a folder the user was told of, or a parent made for one (``~/.config``)."""
        return any(path.is_relative_to(folder) or folder.is_relative_to(path) for folder in self.told)

    def _trace_lines(self):
        for log in sorted(self.logs.iterdir()):
            yield from log.read_text(errors="replace").splitlines()

    def stray_files(self) -> list[str]:
        """Files and folders left where the user was not told the workbench writes."""
        found = {p for p in self._listing() - self.before if not self._told(p)}
        for line in self._trace_lines():
            path = _created_path(line, self.work)
            if path is None or path.parts[1:2] in (("dev",), ("proc",), ("sys",)):
                continue
            if (path.exists() or path.is_symlink()) and not self._told(path):
                found.add(path)
        ancestors = {parent for p in found for parent in p.parents}
        return sorted(str(p) for p in found if p not in ancestors)  # the deepest entries tell the most

    def connections(self) -> list[str]:
        """The address of every attempted connect() (AF_UNSPEC, a socket's disconnect, left out)."""
        found = [m.group(1) for line in self._trace_lines() if (m := _CONNECT.match(line))]
        return [a for a in found if not a.startswith("sa_family=AF_UNSPEC")]


def _created_path(line: str, cwd: Path) -> Path | None:
    """The path a successful creating call in an strace ``-y`` line made, or None."""
    call = _CREATING.match(line)
    if call is None or " = -1 " in line:
        return None
    name = call.group(1)
    if name in ("open", "openat"):
        if "O_CREAT" not in line and "O_TMPFILE" not in line:
            return None
        returned = _RETURNED_PATH.search(line)
        return Path(returned.group(1)) if returned else None
    strings = re.findall(r'(?:(?:AT_FDCWD|\d+)<([^>]*)>, )?"((?:[^"\\]|\\.)*)"', line)
    if not strings:
        return None
    base, target = strings[-1]  # the new name is the last path argument
    return Path(base or cwd) / target
