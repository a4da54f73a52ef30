"""`workbench team ...` and `workbench audit` end to end on the test server (and audit on SQLite)."""

from __future__ import annotations

import csv
import json

import psycopg
import pytest
from openpyxl import load_workbook
from team_fixtures import PASSWORD, TeamServer

from workbench.cli import main
from workbench.services.project import Project
from workbench.store import people


@pytest.fixture
def server(pg_url):
    server = TeamServer(pg_url)
    yield server
    server.drop()


@pytest.mark.postgres
def test_team_init_add_person_list_and_audit(server, tmp_path, monkeypatch, capsys):
    url = server.admin_url
    assert main(["team", "init", "--db", url]) == 0
    assert main(["team", "init", "--db", url]) == 0  # idempotent
    assert "already set up" in capsys.readouterr().out
    login = f"{server.prefix}_ann"
    server.logins.append(login)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert (
        main(
            [
                "team",
                "add-person",
                "--db",
                url,
                "--name",
                "Ann",
                "--role",
                "coder",
                "--login",
                login,
                "--password-prompt",
            ]
        )
        == 0
    )
    assert main(["team", "list", "--db", url]) == 0
    listing = capsys.readouterr().out
    assert f"coder  {login}" in listing and "Ann" in listing
    with psycopg.connect(server.login_url(login).replace("+psycopg", "")) as conn:  # the password works
        assert conn.execute("SELECT current_user").fetchone() == (login,)

    # the administrator opens the project as its first lead; Ann cannot export the audit log
    out = tmp_path / "audit.csv"
    assert main(["--db", server.login_url(login), "audit", "--out", str(out)]) == 1
    assert not out.exists()
    assert main(["audit", "--db", url, "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    added = [r for r in rows if r["action"] == "row insert" and r["table"] == "coders"]
    assert any(json.loads(r["after"])["login"] == login for r in added)
    xlsx = tmp_path / "audit.xlsx"
    assert main(["audit", "--db", url, "--out", str(xlsx), "--table", "coders"]) == 0
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]][:3] == ["id", "at (UTC)", "login"]
    assert sheet.max_row > 1 and {r[5] for r in sheet.iter_rows(min_row=2, values_only=True)} == {"coders"}


def test_audit_export_of_a_folder_project(tmp_path):
    project = Project.create(tmp_path / "study")
    people.add_coder(project.db, "Bob", "coder")
    project.close()
    out = tmp_path / "log.csv"
    assert main(["audit", str(tmp_path / "study"), "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["action"] for r in rows if r["table"] == "coders"][-1] == "add coder"
    assert all(r["login"] for r in rows)
    assert main(["audit", str(tmp_path / "study"), "--out", str(tmp_path / "log.txt")]) == 1
