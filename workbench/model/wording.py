"""Words in messages: counted nouns ("1 participant", "4 participants", never "1 participants" or
"(s)"), and codes replaced by the names people gave them."""

from __future__ import annotations

import re
from collections.abc import Mapping

_IRREGULAR = {"analysis": "analyses", "child": "children", "person": "people", "memo": "memos"}


def plural(word: str) -> str:
    """The plural of an English noun as messages here use them ("coding" -> "codings",
    "category" -> "categories", "match" -> "matches")."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def counted(n: int | float, word: str, many: str | None = None) -> str:
    """ "1 extract", "0 extracts", "5 extracts"; ``many`` where the plural is irregular."""
    number = f"{n:g}" if isinstance(n, float) else f"{n}"
    return f"{number} {word if n == 1 else (many or plural(word))}"


def named(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every code in it (a whole word: "free_play", "maternal_smile") replaced by its
    name ("Free play", "Positive affect / smile (mother)"), in one pass."""
    if not names or not text:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(c) for c in sorted(names, key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda m: names[m.group(1)], text)
