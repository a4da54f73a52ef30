"""The one exception type whose message is meant for the user."""


class WorkbenchError(Exception):
    """A problem the user can act on; its message is shown as-is (one line, no traceback)."""
