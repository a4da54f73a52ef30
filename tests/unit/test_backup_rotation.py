"""Backup rotation: the newest N plus the newest of each of the last D days, per label."""

from __future__ import annotations

from datetime import datetime, timedelta

from workbench.store.backup import backups, prune

NOW = datetime(2025, 3, 20, 12, 0, 0)


def _make(folder, label, when):
    path = folder / f"project-{label}-{when.strftime('%Y%m%d-%H%M%S-%f')}.sqlite"
    path.write_bytes(b"x")
    return path


def test_keeps_newest_and_one_per_day(tmp_path):
    made = []
    for day in range(12):  # two backups a day for 12 days, the newest today
        for hour in (9, 17):
            made.append(_make(tmp_path, "auto", NOW - timedelta(days=day) + timedelta(hours=hour - 12)))
    other = _make(tmp_path, "manual", NOW - timedelta(days=30))
    deleted = prune(tmp_path, "auto", keep=10, daily=7, now=NOW)
    kept = {p for _, p in backups(tmp_path, "auto")}
    assert len(kept) + len(deleted) == 24
    newest_ten = sorted(made, key=lambda p: p.name)[-10:]
    assert set(newest_ten) <= kept
    for day in range(7):  # the 17:00 backup of each of the last 7 days
        date = (NOW - timedelta(days=day)).strftime("%Y%m%d")
        assert any(p.name.startswith(f"project-auto-{date}-170000") for p in kept)
    assert len(kept) == 12  # 10 newest (5 days) + 17:00 of days 5 and 6
    assert other.exists()


def test_label_with_hyphens_is_its_own(tmp_path):
    a = _make(tmp_path, "before-migration-from-0001", NOW)
    b = _make(tmp_path, "before-restore", NOW)
    assert [p for _, p in backups(tmp_path, "before-restore")] == [b]
    prune(tmp_path, "before-restore", keep=0)
    assert a.exists() and not b.exists()
