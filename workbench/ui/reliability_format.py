"""Reliability tables as people read them: "Cohen's κ", "95% CI", whole counts, percentages,
behaviour/scale/task names instead of codes, "undefined (…)" instead of NaN.

Plain functions over the report's DataFrames (no Qt): :func:`display_columns` turns a results
sheet into the columns a view shows, the coefficient right after the columns that name a row, so
it is in view first. The sheets themselves (and the saved report) keep their exact values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.coding.observation import format_ms
from workbench.coding.reliability.results import undefined_label

Row = pd.Series
SHORT_NAME = 24  # a statistic's name up to this long heads the value column itself
HIDDEN = {"interval", "reason"}  # shown as tooltips instead
COUNTS = {"both", "A only", "B only", "neither", "n_units", "units", "events", "raters"}
HEADERS = {
    "code": "Code",
    "transcript": "Transcript",
    "behaviour": "Behaviour",
    "observation": "Observation",
    "task": "Task",
    "scale": "Scale",
    "raters": "Raters",
    "coder": "Coder",
    "statistic": "Statistic",
    "value": "Value",
    "observed": "Observed agreement",
    "chance": "Chance agreement",
    "n_units": "Units compared",
    "units": "Time units",
    "events": "Events",
    "both": "Both",
    "A only": "A only",
    "B only": "B only",
    "neither": "Neither",
    "status": "Status",
    "min overlap": "Minimum overlap",
    "best overlap": "Best overlap",
    "matched": "Matched",
}
_GREEK = (
    (r"\bkappa\b", "κ"),
    (r"\balpha\b", "α"),
    (r"\bpi\b", "π"),
    (r"Brennan-Prediger", "Brennan–Prediger"),
)


def statistic_label(name: str) -> str:
    """ "Cohen's kappa" -> "Cohen's κ", "Krippendorff's alpha (nominal)" -> "Krippendorff's α (nominal)"."""
    for pattern, greek in _GREEK:
        name = re.sub(pattern, greek, name)
    return name


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: Any, decimals: int = 3) -> str:
    """A coefficient: three decimals; missing values blank."""
    return "" if is_missing(value) else f"{float(value):.{decimals}f}"


def count(value: Any) -> str:
    """A count: whole ("0", "129"), or with one decimal where half units were counted."""
    if is_missing(value):
        return ""
    v = float(value)
    return f"{v:.0f}" if v.is_integer() else f"{v:.1f}"


def percent(value: Any) -> str:
    return "" if is_missing(value) else f"{100 * float(value):.1f}%"


def cell_text(value: Any, names: Mapping[str, str] | None = None) -> str:
    """Any cell of a source table: whole numbers whole, others to four decimals at most, codes as
    names; missing values blank."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return count(value) if value.is_integer() else f"{value:.4f}".rstrip("0")
    text = str(value)
    return (names or {}).get(text, text)


def header_text(name: Any, names: Mapping[str, str] | None = None) -> str:
    """A column name for people: known ones spelled out, codes as names, others capitalised."""
    text = str(name)
    if names and text in names:
        return names[text]
    if text in HEADERS:
        return HEADERS[text]
    text = re.sub(r"\bci_low\b", "95% CI", text.replace("_", " "))
    text = re.sub(r"\bkappa\b", "κ", text)
    text = re.sub(r"^onset (.+) ms$", r"Onset, \1", text)
    text = re.sub(r"^mean s (.+)$", r"Mean duration (s), \1", text)
    text = re.sub(r"^(segments|matched|behaviour) (.+)$", r"\1, \2", text)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Column:
    """One column as shown: its header, its cell text and tooltip, right-aligned if numeric."""

    header: str
    text: Callable[[Row], str]
    tip: Callable[[Row], str]
    numeric: bool = True
    coefficient: bool = False  # a coefficient's column: as wide as its numbers, "undefined (…)" wraps


def _plain(name: str, fmt: Callable[[Any], str], names: Mapping[str, str], numeric: bool) -> Column:
    return Column(header_text(name, names), lambda r: fmt(r[name]), lambda r: repr(r[name]), numeric)


def _value_column(frame: pd.DataFrame, header: str) -> Column:
    has_reason = "reason" in frame.columns

    def text(r: Row) -> str:
        if is_missing(r["value"]):
            return undefined_label(str(r["reason"] or "")) if has_reason else "undefined"
        return number(r["value"])

    def tip(r: Row) -> str:
        reason = str(r["reason"] or "") if has_reason else ""
        return reason[:1].upper() + reason[1:] if reason else repr(r["value"])

    return Column(header, text, tip, coefficient=True)


def _interval_column(low: str, high: str, header: str, how: str | None) -> Column:
    def text(r: Row) -> str:
        if is_missing(r[low]) or is_missing(r[high]):
            return "—"
        return f"{number(r[low])} to {number(r[high])}"

    def tip(r: Row) -> str:
        method = str(r[how] or "") if how else ""
        return method[:1].upper() + method[1:] if method else "95% confidence interval"

    return Column(header, text, tip)


def _kappa_column(name: str) -> Column:
    return Column(
        header_text(name),
        lambda r: "undefined" if is_missing(r[name]) else number(r[name]),
        lambda r: repr(r[name]),
        coefficient=True,
    )


def _formatter(name: str, series: pd.Series, names: Mapping[str, str]) -> tuple[Callable[[Any], str], bool]:
    """How to show one ordinary column (codes in text columns as names), and whether it is numeric."""
    if name in COUNTS or name.startswith(("segments ", "matched ")):
        return count, True
    if "agreement" in name or name.endswith("%"):
        return percent, True
    if re.match(r"^onset .+ ms$", name):
        return (lambda v: "" if is_missing(v) else format_ms(int(v))), True
    if name in ("observed", "chance", "min overlap", "best overlap") or name.startswith("mean s "):
        return number, True
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return (lambda v: cell_text(v, names)), numeric


def display_columns(frame: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[Column]:
    """The columns a results sheet shows: the row's names, the coefficient (headed by its name when
    the sheet has one statistic), its 95% CI, then the rest; intervals' methods and reasons as
    tooltips."""
    names = dict(names or {})
    cols = [str(c) for c in frame.columns]
    stats = (
        list(dict.fromkeys(statistic_label(str(s)) for s in frame["statistic"]))
        if "statistic" in cols
        else []
    )
    named = len(stats) == 1 and len(stats[0]) <= SHORT_NAME  # one short statistic heads its column
    keys: list[Column] = []
    lead: list[Column] = []
    rest: list[Column] = []
    if "statistic" in cols and not named:
        lead.append(_plain("statistic", lambda v: statistic_label(str(v)), names, False))
    if "value" in cols:
        lead.append(_value_column(frame, stats[0] if named else "Value"))
    if "ci_low" in cols and "ci_high" in cols:
        lead.append(
            _interval_column("ci_low", "ci_high", "95% CI", "interval" if "interval" in cols else None)
        )
    for name in cols:
        if name in HIDDEN or name in ("statistic", "value", "ci_low", "ci_high") or name.endswith(" ci_high"):
            continue
        if name.endswith(" ci_low") and f"{name[:-7]} ci_high" in cols:
            rest.append(
                _interval_column(name, f"{name[:-7]} ci_high", f"{header_text(name[:-7])} 95% CI", None)
            )
        elif name.endswith(" kappa"):
            rest.append(_kappa_column(name))
        else:
            fmt, numeric = _formatter(name, frame[name], names)
            (rest if numeric else keys).append(_plain(name, fmt, names, numeric))
    return keys + lead + rest
