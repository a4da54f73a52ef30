"""The import report: counts side by side, losses detected, rendered as plain text."""

from workbench.model.import_report import ImportReport


def test_nothing_left_out_when_every_count_matches() -> None:
    report = ImportReport("BORIS", "a.boris")
    report.count("events", held=3, imported=3)
    assert not report.losses
    text = report.render()
    assert "BORIS import report: a.boris" in text
    assert "nothing left out" in text


def test_a_short_count_or_a_left_out_thing_is_a_loss() -> None:
    short = ImportReport("ELAN", "b.eaf")
    short.count("annotations", held=5, imported=4)
    assert short.losses
    named = ImportReport("ELAN", "b.eaf")
    named.leave_out("tier 'gloss'", "refers to another tier")
    assert named.losses
    assert "tier 'gloss': refers to another tier" in named.render()
