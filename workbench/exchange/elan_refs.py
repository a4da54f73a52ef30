"""ELAN annotations without times of their own, kept on the time-aligned annotation they hang from.

A tier that refers to another tier's annotations (symbolic association or subdivision: words,
glosses, translations, parts of speech) has no times; each of its annotations becomes one modifier
of its time-aligned ancestor, ``@<path>=<value>``. The path names the tiers from that ancestor
down, ``/`` between steps; a step on a subdividing tier carries its place among its siblings,
``#n`` (``@P-Word#2/P-Morph#1=kitap``); an associated tier has no number (``@W-POS=N``). In tier
names ``\\``, ``/``, ``#`` and ``=`` are written with a ``\\`` before them. Export writes each path
back as a dependent tier of the same name (subdivision where numbered, association where not).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

PREFIX = "@"
_SPECIAL = "\\/#="


@dataclass(frozen=True)
class Step:
    tier: str
    place: int | None = None  # 1-based place among siblings on a subdividing tier


def _escape(name: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in name)


def entry(path: tuple[Step, ...], value: str) -> str:
    """The modifier text for one dependent annotation."""
    steps = [_escape(s.tier) + (f"#{s.place}" if s.place is not None else "") for s in path]
    return PREFIX + "/".join(steps) + "=" + value


def parse_entry(text: str) -> tuple[tuple[Step, ...], str] | None:
    """(path, value) of a dependent-annotation modifier; None for any other modifier."""
    if not text.startswith(PREFIX):
        return None
    steps: list[Step] = []
    name, place, in_place, i = "", "", False, 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and not in_place:
            name, i = name + text[i + 1], i + 2
            continue
        if c in "/=":
            if not name or (in_place and not place.isdigit()):
                return None
            steps.append(Step(name, int(place) if in_place else None))
            if c == "=":
                return tuple(steps), text[i + 1 :]
            name, place, in_place = "", "", False
        elif c == "#" and not in_place:
            in_place = True
        elif in_place:
            place += c
        else:
            name += c
        i += 1
    return None


def split_modifiers(modifiers: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[tuple[Step, ...], str]]]:
    """(plain modifiers, dependent annotations) of one event."""
    plain, dependents = [], []
    for m in modifiers:
        parsed = parse_entry(m)
        if parsed is None:
            plain.append(m)
        else:
            dependents.append(parsed)
    return tuple(plain), dependents


# --- reading ------------------------------------------------------------------------------------


def dependent_entries(
    root,
    symbolic_types: dict[str, bool],
    aligned_ids: set[str],
    notes: list[str],
    kept_tiers: set[str] | None = None,
):
    """Modifier texts per time-aligned annotation id, from every REF_ANNOTATION of the document.

    ``symbolic_types``: linguistic type id -> True when it subdivides (numbered steps); ``kept_tiers``,
    when given, gets the id of each referring tier with an annotation kept.
    """
    refs: dict[str, tuple[str, str, str | None, str, bool]] = {}
    order: list[str] = []
    for tier in root.iterfind("TIER"):
        tier_id = tier.get("TIER_ID") or ""
        numbered = symbolic_types.get(tier.get("LINGUISTIC_TYPE_REF") or "", False)
        for ref in tier.iterfind("ANNOTATION/REF_ANNOTATION"):
            ann_id = ref.get("ANNOTATION_ID") or ""
            refs[ann_id] = (
                tier_id,
                ref.get("ANNOTATION_REF") or "",
                ref.get("PREVIOUS_ANNOTATION"),
                ref.findtext("ANNOTATION_VALUE") or "",
                numbered,
            )
            order.append(ann_id)
    places = _places(refs, order)
    found: dict[str, list[tuple[tuple[Step, ...], str]]] = {}
    orphans = 0
    for ann_id in order:
        path: list[Step] = []
        current, seen = ann_id, set()
        while current in refs and current not in seen:
            seen.add(current)
            tier_id, parent, _prev, _value, numbered = refs[current]
            path.append(Step(tier_id, places[current] if numbered else None))
            current = parent
        if current not in aligned_ids:
            orphans += 1
            continue
        found.setdefault(current, []).append((tuple(reversed(path)), refs[ann_id][3]))
        if kept_tiers is not None:
            kept_tiers.add(refs[ann_id][0])
    if orphans:
        notes.append(f"{orphans} referring annotation(s) point at no time-aligned annotation; left out")
    return {ann_id: [entry(*d) for d in sorted(items, key=_order)] for ann_id, items in found.items()}


def _order(dependent) -> list[tuple[str, int]]:
    """Each annotation right after the one it hangs from, siblings in their order."""
    return [(s.tier, s.place or 0) for s in dependent[0]]


def _places(refs, order) -> dict[str, int]:
    """Each referring annotation's 1-based place among its siblings (same tier and parent), following
    PREVIOUS_ANNOTATION where given, else document order."""
    groups: dict[tuple[str, str], list[str]] = {}
    for ann_id in order:
        tier_id, parent, *_ = refs[ann_id]
        groups.setdefault((tier_id, parent), []).append(ann_id)
    places: dict[str, int] = {}
    for members in groups.values():
        after = {refs[m][2]: m for m in members if refs[m][2]}
        first = [m for m in members if not refs[m][2] or refs[m][2] not in refs]
        chain: list[str] = []
        for start in first:
            current: str | None = start
            while current is not None and current not in chain:
                chain.append(current)
                current = after.get(current)
        chain += [m for m in members if m not in chain]
        places.update((m, n) for n, m in enumerate(chain, start=1))
    return places


# --- writing ------------------------------------------------------------------------------------


@dataclass
class RefWriter:
    """Dependent tiers written under the time-aligned tiers of an export."""

    root: etree._Element
    tiers: dict[str, etree._Element] = field(default_factory=dict)
    count: int = 0
    _nodes: dict[tuple, str] = field(default_factory=dict)
    _last: dict[tuple, str] = field(default_factory=dict)

    def add(self, parent_tier: str, parent_id: str, participant: str, dependents) -> None:
        """Write one aligned annotation's dependent annotations (from ``split_modifiers``)."""
        for path, value in sorted(dependents, key=_order):
            node_parent, tier_parent = parent_id, parent_tier
            for depth, step in enumerate(path):
                key = (parent_id, path[: depth + 1])
                if key not in self._nodes:
                    last = depth == len(path) - 1
                    self._nodes[key] = self._write(
                        step, tier_parent, node_parent, participant, value if last else ""
                    )
                elif depth == len(path) - 1:
                    self._find(self._nodes[key]).text = value
                node_parent, tier_parent = self._nodes[key], step.tier

    def _find(self, ann_id: str):
        return self.root.find(f".//REF_ANNOTATION[@ANNOTATION_ID='{ann_id}']/ANNOTATION_VALUE")

    def _write(self, step: Step, parent_tier: str, parent_id: str, participant: str, value: str) -> str:
        tier = self.tiers.get(step.tier)
        if tier is None:
            kind = "symbolic-subdivision" if step.place is not None else "symbolic-association"
            tier = etree.SubElement(
                self.root,
                "TIER",
                TIER_ID=step.tier,
                PARENT_REF=parent_tier,
                PARTICIPANT=participant,
                LINGUISTIC_TYPE_REF=kind,
            )
            self.tiers[step.tier] = tier
        self.count += 1
        ann_id = f"r{self.count}"
        attrs = {"ANNOTATION_ID": ann_id, "ANNOTATION_REF": parent_id}
        if step.place is not None and (step.tier, parent_id) in self._last:
            attrs["PREVIOUS_ANNOTATION"] = self._last[(step.tier, parent_id)]
        if step.place is not None:
            self._last[(step.tier, parent_id)] = ann_id
        ref = etree.SubElement(etree.SubElement(tier, "ANNOTATION"), "REF_ANNOTATION", **attrs)
        etree.SubElement(ref, "ANNOTATION_VALUE").text = value
        return ann_id

    def types(self) -> dict[str, str]:
        """Linguistic types the dependent tiers use: id -> ELAN constraint."""
        used = {t.get("LINGUISTIC_TYPE_REF") for t in self.tiers.values()}
        wanted = {
            "symbolic-association": "Symbolic_Association",
            "symbolic-subdivision": "Symbolic_Subdivision",
        }
        return {k: v for k, v in wanted.items() if k in used}
