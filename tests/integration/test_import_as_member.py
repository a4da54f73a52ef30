"""On a team server, an import a member's login may not make is refused in one line, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from team_fixtures import team_server  # noqa: F401  (fixture)

from workbench.exchange import boris
from workbench.model.errors import WorkbenchError
from workbench.services import observation_exchange as ox
from workbench.services.project import Project
from workbench.store import observations as obs
from workbench.store import participants, schemes

pytestmark = pytest.mark.postgres
BORIS = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "boris"


def test_a_rater_cannot_add_placeholders_and_is_told_so(team_server):  # noqa: F811
    path = BORIS / "test_with_leading_trailing_spaces_in_modifiers.boris"
    schemes.add_scheme(team_server.admin, boris.read_boris(path).scheme, origin="imported")
    rater, url = team_server.add("Rater A", "rater")
    project = Project.connect(url)
    try:
        with pytest.raises(WorkbenchError, match="refused it for your login"):
            ox.import_file(project.db, "boris", path, rater, [], accept_losses=True)
    finally:
        project.close()
    assert participants.list_media(team_server.admin) == []
    assert obs.list_observations(team_server.admin) == []
