"""The pseudonymisation review file: text that looks like a formula is written neutralised (a
leading apostrophe), and reading the review back gives the original text again."""

from __future__ import annotations

import csv

from workbench.exchange.cells import FORMULA_START
from workbench.nlp.pseudonymise import Suggestion
from workbench.services.pseudonymising import read_review, write_review

TEXT = "=HYPERLINK(x) met @Bob and +Ann at -Leeds today"
NAMES = ["=HYPERLINK(x)", "@Bob", "+Ann", "-Leeds"]


def test_review_cells_are_neutralised_and_read_back_unchanged(tmp_path):
    suggestions = [
        Suggestion("7", TEXT.index(n), TEXT.index(n) + len(n), n, "PERSON", "Person") for n in NAMES
    ]
    review = tmp_path / "review.csv"
    write_review(review, {"7": TEXT}, suggestions, {"7": "=cmd|' /C calc'!A0"})
    with review.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["original"] for r in rows] == ["'" + n for n in NAMES]
    assert not [v for r in rows for v in r.values() if v.startswith(FORMULA_START)]
    for row in rows:  # the reviewer accepts every suggestion, as a spreadsheet program saves it
        row["decision"] = "accept"
    with review.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    decisions = read_review(review)
    assert decisions.accepted == 4
    assert all(decisions.key.replacement(n) for n in NAMES)
    assert decisions.key.replacement("'@Bob") is None
