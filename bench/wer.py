"""Word error rate for the transcription bench: normalisation, edit distance and the word alignment.

Normalisation (applied to reference and hypothesis alike): lower case; curly apostrophes made
straight; digits spelled out as words ("1" -> "one", "1984" -> "one thousand nine hundred eighty
four", "21st" -> "twenty first"); punctuation removed, keeping apostrophes inside words; Mr/Mrs/Dr/St spelled out;
hesitation fillers (uh, um, hmm, mm, mhm, mmm: the list Whisper's own English normaliser drops)
removed, as the references differ in whether they write them (the MFA TextGrid does, the others
and Whisper do not); the one-word spellings "yknow"/"y'know" and "alright" written as "you know"
and "all right", so a spelling convention is not counted as a word error.
"""

from __future__ import annotations

import re

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split()
)
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint"}
SPELLINGS = {"yknow": "you know", "y'know": "you know", "alright": "all right"}
FILLERS = frozenset({"uh", "um", "hmm", "mm", "mhm", "mmm"})


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + (f" {number_words(rest)}" if rest else "")
    if n < 1_000_000:
        rest = n % 1000
        return number_words(n // 1000) + " thousand" + (f" {number_words(rest)}" if rest else "")
    return " ".join(ONES[int(d)] for d in str(n))


_ORDINAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def ordinal_words(n: int) -> str:
    """21 -> 'twenty first', 40 -> 'fortieth'."""
    *head, last = number_words(n).split()
    last = _ORDINAL.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return " ".join(head + [last])


def normalise(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\d+)(st|nd|rd|th)\b", lambda m: f" {ordinal_words(int(m.group(1)))} ", text)
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} ", text)
    words = re.sub(r"[^a-z' ]+", " ", text).split()
    words = [w.strip("'") for w in words]
    words = [ABBREVIATIONS.get(w, w) for w in words if w and w not in FILLERS]
    return " ".join(SPELLINGS.get(w, w) for w in words).split()


def alignment(ref: list[str], hyp: list[str]) -> list[tuple[str, str, str]]:
    """A minimum-edit alignment as (op, reference word, hypothesis word); op is '=' (match),
    'S' (substitution), 'D' (deletion: reference word missing) or 'I' (insertion)."""
    rows = [list(range(len(hyp) + 1))]
    for i, r in enumerate(ref, 1):
        row = [i]
        for j, h in enumerate(hyp, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (r != h)))
        rows.append(row)
    ops, i, j = [], len(ref), len(hyp)
    while i or j:
        if i and j and rows[i][j] == rows[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            ops.append(("=" if ref[i - 1] == hyp[j - 1] else "S", ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and rows[i][j] == rows[i - 1][j] + 1:
            ops.append(("D", ref[i - 1], ""))
            i -= 1
        else:
            ops.append(("I", "", hyp[j - 1]))
            j -= 1
    return ops[::-1]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    return sum(op != "=" for op, _r, _h in alignment(ref, hyp))


def errors_text(ref: list[str], hyp: list[str]) -> str:
    """The errors of one stream, compactly: 'ref→hyp' substitutions, '-ref' deletions, '+hyp' insertions."""
    shown = {"S": lambda r, h: f"{r}→{h}", "D": lambda r, h: f"-{r}", "I": lambda r, h: f"+{h}"}
    return " ".join(shown[op](r, h) for op, r, h in alignment(ref, hyp) if op != "=") or "(none)"
