"""The TextGrid reader the transcription bench scores against: long and short formats, escapes, UTF-16."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for bench/
from bench.textgrid import read_textgrid  # noqa: E402

SHORT = """File type = "ooTextFile"
Object class = "TextGrid"

0
2.5
<exists>
2
"IntervalTier"
"mum [1]"
0
2.5
2
0
1.5
"she said ""no""
twice"
1.5
2.5
""
"TextTier"
"events"
0
2.5
1
1.25
"cry 2"
"""


def test_the_mfa_textgrid_one_tier_per_channel(shared_media):
    tiers = read_textgrid(shared_media / "speech" / "mfa_michaelandsickmichael.TextGrid")
    assert [(t.name, t.kind, len(t.items)) for t in tiers] == [
        ("michael", "IntervalTier", 7),
        ("sickmichael", "IntervalTier", 9),
    ]
    first = tiers[0].text()
    assert first.startswith("this is the acoustic corpus i'm talking pretty fast")
    assert "speech errors but who\ncares um this is me" in first  # a label running over two lines
    assert first.endswith("and that should be all thanks")
    assert tiers[1].items[0].xmin == 0 and tiers[1].items[1].xmin == pytest.approx(26.72325)
    assert tiers[1].text().endswith("probably good alright thanks")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_short_format_escaped_quotes_and_points(tmp_path, encoding):
    path = tmp_path / "x.TextGrid"
    path.write_bytes(SHORT.encode(encoding))  # Python's utf-16 writes a byte-order mark, as Praat does
    words, events = read_textgrid(path)
    assert words.name == "mum [1]" and words.text() == 'she said "no"\ntwice'
    assert [(i.xmin, i.xmax) for i in words.items] == [(0, 1.5), (1.5, 2.5)]
    assert events.kind == "TextTier" and events.items[0].xmin == events.items[0].xmax == 1.25
    assert events.text() == "cry 2"


def test_not_a_textgrid(tmp_path):
    path = tmp_path / "x.TextGrid"
    path.write_text('File type = "ooTextFile"\nObject class = "Pitch 1"\n')
    with pytest.raises(ValueError):
        read_textgrid(path)
