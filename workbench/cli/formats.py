"""The shared ``workbench import FORMAT FILE`` and ``workbench export FORMAT --out FILE`` commands.

Command modules add their file formats to :data:`IMPORTS` and :data:`EXPORTS` in their
``register(commands)``; ``workbench.cli`` builds the two sub-commands once every module has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Handler = Callable[[Any], int]


@dataclass(frozen=True)
class Option:
    """An argparse option a format needs, e.g. ``Option(("--coder",), {"metavar": "NAME"})``."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return self.kwargs.get("dest") or self.flags[0].lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Format:
    name: str
    help: str
    handler: Handler
    options: tuple[Option, ...] = ()


class FormatCommand:
    """One verb (import or export) whose formats come from several command modules."""

    def __init__(self, verb: str, help_text: str, target: Option):
        self.verb, self.help_text, self.target = verb, help_text, target
        self.formats: dict[str, Format] = {}

    def add(self, name: str, help_text: str, handler: Handler, *options: Option) -> None:
        self.formats[name] = Format(name, help_text, handler, tuple(options))

    def build(self, commands) -> None:
        if not self.formats:
            return
        lines = "\n".join(f"  {f.name:<10} {f.help}" for f in self.formats.values())
        parser = commands.add_parser(
            self.verb, help=self.help_text, epilog=f"formats:\n{lines}", formatter_class=_raw_epilog()
        )
        parser.add_argument("format", choices=tuple(self.formats))
        parser.add_argument(*self.target.flags, **self.target.kwargs)
        parser.add_argument("--project", type=Path, help="project folder (omit with --db)")
        seen = {self.target.dest, "project", "format"}
        for fmt in self.formats.values():
            for option in fmt.options:
                if option.dest not in seen:
                    seen.add(option.dest)
                    parser.add_argument(*option.flags, **option.kwargs)
        parser.set_defaults(handler=lambda args: self.formats[args.format].handler(args))


def _raw_epilog():
    import argparse

    return argparse.RawDescriptionHelpFormatter


IMPORTS = FormatCommand(
    "import", "import a file another tool wrote into a project", Option(("file",), {"type": Path})
)
EXPORTS = FormatCommand(
    "export",
    "export from a project to a file (the format also sets the extension)",
    Option(("--out",), {"type": Path, "required": True, "help": "file to write"}),
)
