"""The ``workbench`` command: ``core`` builds the parser and runs it; each other module adds a family
of sub-commands (``register(commands)``), and ``formats`` the shared ``import``/``export`` formats."""

from workbench.cli.core import COMMAND_MODULES, build_parser, main, open_project

__all__ = ["COMMAND_MODULES", "build_parser", "main", "open_project"]
