"""Agreement between coders of transcripts (Qt-free; plain data in, tables out).

Input (the store adapter fills these): per coder a list of :class:`TextCoding`
(transcript id, code id, start, end as zero-based code points, end exclusive)
and the :class:`Transcript` list being compared (length in code points and the
segment or sentence spans). Every transcript listed is taken as coded by every
coder; a code a coder never applied there counts as "not coded".

A coder's overlapping codings of the same code are merged first (a character
coded twice is one coded character).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from workbench.model.wording import counted

from . import _intervals as iv
from ._binary import (
    Comparison,
    LazyResults,
    kappa_factory,
    pooled_kappa,
    record_rows,
    summary_row,
    with_pooled,
)
from .krippendorff import _alpha_from, krippendorff_alpha
from .results import BOOTSTRAP_METHOD, NAN, ReliabilityResult, bootstrap_interval, undefined

POOLED = "(all transcripts)"
LABELS = ("coded", "not coded")


@dataclass(frozen=True)
class TextCoding:
    transcript: str
    code: str
    start: int
    end: int


@dataclass(frozen=True)
class Transcript:
    id: str
    length: int
    segments: tuple[tuple[int, int], ...] = ()


class _Index:
    """Merged spans per (coder, transcript, code), also laid end to end on one global axis.

    Group g = (coder, code, transcript) occupies [g * stride, (g + 1) * stride) of
    the global axis (stride > every transcript's length), so one sorted array of
    merged spans answers coverage queries for all groups at once.
    """

    def __init__(
        self,
        codings: Mapping[str, Sequence[TextCoding]],
        transcripts: Sequence[Transcript],
        coders: Sequence[str],
        codes: Sequence[str] | None,
    ):
        self.transcripts = list(transcripts)
        lengths = {t.id: t.length for t in self.transcripts}
        if len(lengths) != len(self.transcripts):
            raise ValueError("a transcript is listed twice")
        missing = [c for c in coders if c not in codings]
        if missing:
            raise ValueError(f"no codings given for coder(s) {missing}")
        if len(set(coders)) != len(coders) or len(coders) < 2:
            raise ValueError("name at least two different coders")
        self.coders = list(coders)
        t_index = {t.id: i for i, t in enumerate(self.transcripts)}
        code_index: dict[str, int] = {}
        rows = []
        for ci, coder in enumerate(coders):
            for c in codings[coder]:
                ti = t_index.get(c.transcript)
                if ti is None:
                    continue  # a transcript not in this comparison
                if not (0 <= c.start <= c.end <= lengths[c.transcript]):
                    raise ValueError(
                        f"coding {c.start}-{c.end} of code {c.code!r} by {coder!r} lies outside "
                        f"transcript {c.transcript!r} (length {lengths[c.transcript]})"
                    )
                rows.append((ci, code_index.setdefault(c.code, len(code_index)), ti, c.start, c.end))
        self.codes = sorted(code_index) if codes is None else list(codes)
        for code in self.codes:
            code_index.setdefault(code, len(code_index))
        self.code_index = code_index
        self.n_t, self.n_k = len(self.transcripts), len(code_index)
        self.stride = max([t.length for t in self.transcripts], default=0) + 1
        arr = np.array(rows, dtype=np.int64).reshape(-1, 5)
        group = (arr[:, 0] * self.n_k + arr[:, 1]) * self.n_t + arr[:, 2]
        self.starts, self.ends = iv.merge(group * self.stride + arr[:, 3], group * self.stride + arr[:, 4])
        self.group = self.starts // self.stride
        self.spans: dict[tuple[str, str, str], iv.Spans] = {}
        codes_by_index = list(code_index)
        cut = np.flatnonzero(np.diff(self.group)) + 1
        for g, s, e in zip(
            self.group[np.r_[0, cut]].tolist() if self.group.size else [],
            np.split(self.starts, cut),
            np.split(self.ends, cut),
        ):
            base = g * self.stride
            ti, rest = g % self.n_t, g // self.n_t
            ki, ci = rest % self.n_k, rest // self.n_k
            self.spans[(coders[ci], self.transcripts[ti].id, codes_by_index[ki])] = (s - base, e - base)

    def get(self, coder: str, transcript: str, code: str) -> iv.Spans:
        return self.spans.get((coder, transcript, code), iv.EMPTY)

    def base(self, coder: int, code: str) -> int:
        """Global position of transcript 0 of (coder, code); transcript i lies i * stride further."""
        return (coder * self.n_k + self.code_index[code]) * self.n_t * self.stride

    def block(self, coder: int, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, transcript index) of one coder's merged spans of one code, global positions."""
        lo = self.base(coder, code)
        i, j = np.searchsorted(self.starts, [lo, lo + self.n_t * self.stride])
        return self.starts[i:j], self.ends[i:j], (self.starts[i:j] - lo) // self.stride

    def coverage(
        self, coder: int, code: str, starts: np.ndarray, ends: np.ndarray, transcript: np.ndarray
    ) -> np.ndarray:
        """How much of each [start, end) of the given transcripts the coder coded with the code."""
        off = self.base(coder, code) + transcript * self.stride
        whole = (self.starts, self.ends)
        return iv.covered_before(whole, ends + off) - iv.covered_before(whole, starts + off)


_SHARED: ContextVar[dict | None] = ContextVar("shared_text_index", default=None)


@contextmanager
def sharing_index() -> Iterator[None]:
    """Within this block, comparisons of the same (unchanged) input objects build their index once."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _index(
    codings: Mapping[str, Sequence[TextCoding]],
    transcripts: Sequence[Transcript],
    coders: Sequence[str],
    codes: Sequence[str] | None,
) -> _Index:
    memo = _SHARED.get()
    if memo is None:
        return _Index(codings, transcripts, coders, codes)
    key = (id(codings), id(transcripts), tuple(coders), None if codes is None else tuple(codes))
    if key not in memo:  # the inputs are kept with it, so their ids stay theirs
        memo[key] = (codings, transcripts, _Index(codings, transcripts, coders, codes))
    return memo[key][2]


def _pair(coders: Sequence[str]) -> tuple[str, str]:
    if len(coders) != 2:
        raise ValueError("Cohen's kappa compares exactly two coders; use text_alpha for more")
    return coders[0], coders[1]


def _character_tables(idx: _Index) -> np.ndarray:
    """(codes, transcripts, 2, 2) tables of coded/not coded characters, coders 0 and 1."""
    lengths = np.array([t.length for t in idx.transcripts], dtype=float)
    out = np.zeros((len(idx.codes), idx.n_t, 2, 2))
    for i, code in enumerate(idx.codes):
        sa, ea, ta = idx.block(0, code)
        sb, eb, tb = idx.block(1, code)
        la = np.bincount(ta, weights=ea - sa, minlength=idx.n_t)
        lb = np.bincount(tb, weights=eb - sb, minlength=idx.n_t)
        local = idx.base(1, code) + tb * idx.stride  # B's spans back in transcript positions
        both = np.bincount(tb, weights=idx.coverage(0, code, sb - local, eb - local, tb), minlength=idx.n_t)
        out[i, :, 0, 0], out[i, :, 0, 1], out[i, :, 1, 0] = both, la - both, lb - both
        out[i, :, 1, 1] = lengths - la - lb + both
    return out


def _segment_tables(idx: _Index, min_chars: int) -> np.ndarray:
    """(codes, transcripts, 2, 2) tables of segments where coders 0 and 1 applied the code."""
    segs = [_segments(t) for t in idx.transcripts]
    seg_t = np.repeat(np.arange(idx.n_t), [len(x) for x in segs])
    allsegs = np.concatenate(segs) if segs else np.zeros((0, 2), dtype=np.int64)
    # segments on one axis, transcript i at i * stride; sorted and disjoint lets each span find its few
    lo, hi = seg_t * idx.stride + allsegs[:, 0], seg_t * idx.stride + allsegs[:, 1]
    ordered = bool(np.all(lo[1:] >= hi[:-1])) if lo.size else True
    out = np.zeros((len(idx.codes), idx.n_t, 2, 2))
    for i, code in enumerate(idx.codes):
        if ordered:
            pa, pb = (_segment_cover(idx, c, code, lo, hi) >= min_chars for c in (0, 1))
        else:
            pa, pb = (idx.coverage(c, code, allsegs[:, 0], allsegs[:, 1], seg_t) >= min_chars for c in (0, 1))
        for cell, hit in (((0, 0), pa & pb), ((0, 1), pa & ~pb), ((1, 0), ~pa & pb), ((1, 1), ~pa & ~pb)):
            out[(i, slice(None)) + cell] = np.bincount(seg_t[hit], minlength=idx.n_t)
    return out


def _segment_cover(idx: _Index, coder: int, code: str, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Characters of each segment [lo, hi) (sorted, disjoint, on the stride axis) the coder coded."""
    s, e, t = idx.block(coder, code)
    shift = idx.base(coder, code)
    s, e = s - shift, e - shift  # now transcript t at t * stride, as the segments are
    first = np.searchsorted(hi, s, side="right")  # first segment ending after the span starts
    last = np.searchsorted(lo, e, side="left")  # one past the last segment starting before it ends
    count = np.maximum(last - first, 0)
    span = np.repeat(np.arange(s.size), count)
    seg = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    overlap = np.minimum(e[span], hi[seg]) - np.maximum(s[span], lo[seg])
    return np.bincount(seg, weights=np.maximum(overlap, 0), minlength=lo.size)


def _per_code(
    idx: _Index,
    tables: np.ndarray,
    names: tuple[str, str],
    interval: bool,
    reasons: dict[int, str] | None = None,
) -> tuple[pd.DataFrame, LazyResults]:
    """Rows per code per transcript (vectorised) each code followed by its pooled row; lazy results."""
    nc, nt = tables.shape[:2]
    flat = tables.reshape(nc * nt, 2, 2)
    ids = [t.id for t in idx.transcripts]
    per = record_rows(
        {"code": [c for c in idx.codes for _ in ids], "transcript": ids * nc},
        flat,
        interval=interval,
        cells=True,
    )
    results = LazyResults()
    pooled_rows = []
    for i, code in enumerate(idx.codes):
        for j, tid in enumerate(ids):
            if reasons and j in reasons:
                per["reason"][i * nt + j] = reasons[j]
                results.put((code, tid), partial(undefined, "Cohen's kappa", reasons[j]))
            else:
                results.put((code, tid), kappa_factory(tables[i, j], LABELS, names, interval))
        pooled = pooled_kappa(tables[i], names, "transcripts", "transcript", LABELS)
        results.put((code, POOLED), pooled)
        pooled_rows.append(summary_row(pooled, tables[i].sum(axis=0), code=code, transcript=POOLED))
    return with_pooled(per, pooled_rows, nt), results


def character_agreement(
    codings: Mapping[str, Sequence[TextCoding]],
    transcripts: Sequence[Transcript],
    coders: Sequence[str],
    *,
    codes: Sequence[str] | None = None,
) -> Comparison:
    """Per code per transcript and pooled: percent agreement and Cohen's kappa over characters.

    Every character of a transcript is a unit, coded or not coded by each coder
    (NVivo's coding comparison). Pooled rows sum the 2x2 tables over transcripts;
    their interval resamples whole transcripts. A single transcript's kappa has no
    interval (its characters are not independent units).
    """
    a, b = _pair(coders)
    idx = _index(codings, transcripts, coders, codes)

    table, results = _per_code(idx, _character_tables(idx), (a, b), interval=False)
    return Comparison(
        "Text: character level",
        table,
        results,
        f"Each character (code point) of each transcript is one unit, 'coded' or 'not coded' with the code "
        f"by {a} (A) and by {b} (B). Percent agreement = (both + neither) / characters. Cohen's kappa with "
        "chance = pA(coded)pB(coded) + pA(not)pB(not). Pooled rows add the tables of all transcripts.",
    )


def _presence(spans: iv.Spans, segs: np.ndarray, min_chars: int) -> np.ndarray:
    if segs.size == 0:
        return np.zeros(0, dtype=bool)
    return iv.overlap_with(spans, segs[:, 0], segs[:, 1]) >= min_chars


def _segments(t: Transcript) -> np.ndarray:
    return np.asarray(t.segments, dtype=np.int64).reshape(-1, 2)


def segment_agreement(
    codings: Mapping[str, Sequence[TextCoding]],
    transcripts: Sequence[Transcript],
    coders: Sequence[str],
    *,
    codes: Sequence[str] | None = None,
    min_chars: int = 1,
) -> Comparison:
    """Per code per transcript and pooled: kappa over segments (or sentences).

    A code is present in a segment for a coder when the coder's codings of it
    cover at least ``min_chars`` code points of that segment. Transcripts without
    segments contribute no units.
    """
    a, b = _pair(coders)
    idx = _index(codings, transcripts, coders, codes)
    empty = {
        j: "this transcript has no segments" for j, t in enumerate(idx.transcripts) if not len(t.segments)
    }
    table, results = _per_code(idx, _segment_tables(idx, min_chars), (a, b), interval=True, reasons=empty)
    return Comparison(
        "Text: segment level",
        table,
        results,
        f"Each segment/sentence is one unit; the code is 'present' for a coder when their codings cover at "
        f"least {counted(min_chars, 'code point')} of it. Single transcripts: analytic interval (segments as units); "
        "pooled rows: bootstrap over transcripts.",
    )


def _char_coincidence(span_sets: list[iv.Spans], total: int) -> np.ndarray:
    """Coincidence matrix (coded, not coded) with every character a unit and no missing values."""
    m = len(span_sets)
    lens, k = iv.depth_pieces(span_sets, total)
    o_cc = float((lens * k * (k - 1)).sum()) / (m - 1)
    o_nn = float((lens * (m - k) * (m - k - 1)).sum()) / (m - 1)
    o_cn = float((lens * k * (m - k)).sum()) / (m - 1)
    return np.array([[o_cc, o_cn], [o_cn, o_nn]])


def _alpha_result(coincidence: np.ndarray, n_units: int, m: int) -> ReliabilityResult:
    value, d_o, d_e = _alpha_from(coincidence, "nominal", None)
    table = pd.DataFrame(
        coincidence, index=pd.Index(LABELS, name="value"), columns=pd.Index(LABELS, name="value")
    )
    statistic = "Krippendorff's alpha (nominal)"
    if np.isnan(value) or (coincidence.sum(axis=1) > 0).sum() < 2:
        return undefined(
            statistic,
            "only one value (all coded or all not coded) occurs; alpha is undefined",
            n_units=n_units,
            n_raters=m,
            table=table,
        )
    return ReliabilityResult(
        statistic=statistic,
        value=float(value),
        n_units=n_units,
        n_raters=m,
        observed=1 - d_o,
        chance=1 - d_e,
        table=table,
    )


def text_alpha(
    codings: Mapping[str, Sequence[TextCoding]],
    transcripts: Sequence[Transcript],
    coders: Sequence[str],
    *,
    codes: Sequence[str] | None = None,
    level: str = "character",
    min_chars: int = 1,
) -> Comparison:
    """Krippendorff's alpha (nominal: coded / not coded) for two or more coders, per code.

    ``level="character"``: characters are the units, pooled over transcripts, the
    interval resamples whole transcripts. ``level="segment"``: segments are the
    units (presence as in :func:`segment_agreement`), interval as the core gives it.
    """
    if level not in ("character", "segment"):
        raise ValueError("level must be 'character' or 'segment'")
    idx = _index(codings, transcripts, coders, codes)
    m = len(coders)
    rows, results = [], {}
    for code in idx.codes:
        if level == "segment":
            cols = []
            for t in idx.transcripts:
                segs = _segments(t)
                cols.append(
                    np.column_stack([_presence(idx.get(c, t.id, code), segs, min_chars) for c in coders])
                )
            matrix = np.concatenate(cols).astype(int) if cols else np.zeros((0, m), dtype=int)
            res = (
                krippendorff_alpha(matrix.tolist(), "nominal")
                if len(matrix)
                else undefined("Krippendorff's alpha (nominal)", "no segments")
            )
        else:
            per = np.array(
                [
                    _char_coincidence([idx.get(c, t.id, code) for c in coders], t.length)
                    for t in idx.transcripts
                ]
            )
            res = _alpha_result(per.sum(axis=0), sum(t.length for t in idx.transcripts), m)
            if res.defined and len(per) >= 2:
                flat = per.reshape(len(per), 4)

                def boot(mult: np.ndarray, flat: np.ndarray = flat) -> np.ndarray:
                    return np.array([_alpha_from(c.reshape(2, 2), "nominal", None)[0] for c in mult @ flat])

                low, high, se = bootstrap_interval(len(per), boot)
                res = dataclasses.replace(
                    res,
                    ci_low=low,
                    ci_high=high,
                    se=se,
                    ci_method=BOOTSTRAP_METHOD.replace("units", "transcripts"),
                )
        results[(code, POOLED)] = res
        rows.append(summary_row(res, code=code, transcript=POOLED, level=level, coders=", ".join(coders)))
    return Comparison(
        f"Text: Krippendorff's alpha ({level})",
        pd.DataFrame(rows),
        results,
        f"Units are {'characters' if level == 'character' else 'segments'} of all transcripts; each coder's "
        "value is 'coded' or 'not coded' with the code; nominal alpha = 1 - D_o / D_e from the coincidence table.",
    )


def segment_matching(
    codings: Mapping[str, Sequence[TextCoding]],
    transcripts: Sequence[Transcript],
    coders: Sequence[str],
    *,
    codes: Sequence[str] | None = None,
    min_overlap: float = 0.9,
) -> tuple[Comparison, pd.DataFrame]:
    """MAXQDA-style matching of coded segments.

    Each coded segment (a coder's merged codings of one code) of either coder
    counts as matched when the other coder coded the same code in the same
    transcript on a segment whose overlap with it, |s ∩ t| / |s ∪ t|, is at least
    ``min_overlap`` (0-1). Percent agreement = matched segments / all segments.
    No kappa: there is no "neither coded" cell. Returns (per-code table, one row
    per segment with its best overlap — the list of disagreements to walk).
    """
    if not 0 < min_overlap <= 1:
        raise ValueError("min_overlap is a fraction in (0, 1]")
    a, b = _pair(coders)
    idx = _index(codings, transcripts, coders, codes)
    seg_rows, rows = [], []
    for code in idx.codes:
        counts = np.zeros(4)
        for t in idx.transcripts:
            sa, sb = idx.get(a, t.id, code), idx.get(b, t.id, code)
            for who, mine, theirs, col in ((a, sa, sb, 0), (b, sb, sa, 2)):
                s, e = mine
                if s.size == 0:
                    continue
                os_, oe = theirs
                inter = np.clip(
                    np.minimum(e[:, None], oe[None, :]) - np.maximum(s[:, None], os_[None, :]), 0, None
                )
                union = (e - s)[:, None] + (oe - os_)[None, :] - inter
                ratio = inter / union if os_.size else np.zeros((s.size, 0))
                best = ratio.max(axis=1) if os_.size else np.zeros(s.size)
                j = ratio.argmax(axis=1) if os_.size else np.full(s.size, -1)
                ok = best >= min_overlap - 1e-12
                counts[col] += s.size
                counts[col + 1] += ok.sum()
                for i in range(s.size):
                    seg_rows.append(
                        {
                            "code": code,
                            "transcript": t.id,
                            "coder": who,
                            "start": int(s[i]),
                            "end": int(e[i]),
                            "best overlap": float(best[i]),
                            "matched": bool(ok[i]),
                            "other start": int(os_[j[i]]) if j[i] >= 0 else None,
                            "other end": int(oe[j[i]]) if j[i] >= 0 else None,
                        }
                    )
        total = counts[0] + counts[2]
        rows.append(
            {
                "code": code,
                f"segments {a}": int(counts[0]),
                f"matched {a}": int(counts[1]),
                f"segments {b}": int(counts[2]),
                f"matched {b}": int(counts[3]),
                "percent agreement": (counts[1] + counts[3]) / total if total else NAN,
                "min overlap": min_overlap,
            }
        )
    explanation = (
        f"A coded segment (merged codings of one code by one coder) is matched when the other coder has a segment "
        f"of the same code in the same transcript overlapping it by at least {min_overlap:.0%} of the two "
        "segments' union. Percent agreement = matched segments of both coders / all their segments."
    )
    return Comparison("Text: segment matching", pd.DataFrame(rows), {}, explanation), pd.DataFrame(seg_rows)
