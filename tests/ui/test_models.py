"""The item models over plain records (no database)."""

from __future__ import annotations

from workbench.model.records import Change, MediaRecord, ParticipantRecord
from workbench.ui.panels import ParticipantsPanel
from workbench.ui.participants_model import NO_TIMEPOINT, ParticipantsModel, format_duration


def _media(id_, timepoint, name="a.wav", ms=65_000):
    return MediaRecord(
        id=id_,
        participant_id=1,
        timepoint_id=None,
        timepoint=timepoint,
        task=None,
        path=f"media/{name}",
        original_name=name,
        sha256="0" * 64,
        size_bytes=10,
        duration_ms=ms,
        kind="audio",
        container="wav",
        streams=[],
        variable_frame_rate=False,
        frame_rate=None,
        frame_count=None,
        width=None,
        height=None,
        linked=False,
    )


def test_format_duration():
    assert format_duration(0) == "00:00"
    assert format_duration(65_999) == "01:05"
    assert format_duration(3_725_000) == "1:02:05"


def test_media_without_timepoint_and_refresh_on_change(qtbot):
    records = [ParticipantRecord(1, "P001", None, (), (_media(1, None), _media(2, "baseline", "b.wav")))]
    model = ParticipantsModel(lambda: list(records))
    panel = ParticipantsPanel(model)
    qtbot.addWidget(panel)
    model.refresh()
    p001 = model.index(0, 0)
    assert [model.index(r, 0, p001).data() for r in range(2)] == [NO_TIMEPOINT, "baseline"]
    assert model.index(0, 1, p001).data() == "01:05"
    panel.tree.collapse(p001)

    records.append(ParticipantRecord(2, "P002", "Site A", (), (_media(3, "baseline"),)))
    assert not model.on_change(Change("Set name", updated={"settings": ()}))
    assert model.rowCount() == 1
    assert model.on_change(Change("Imported", created={"media": (3,)}, updated={"participants": (2,)}))
    assert model.rowCount() == 2
    assert not panel.tree.isExpanded(model.index(0, 0))  # P001 stays collapsed
    assert panel.tree.isExpanded(model.index(1, 0))  # the new participant opens
