"""Plain text the reader can rely on: one Unicode form, plain quotes and dashes, no markup."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Word's vertical tab (a manual line break), form feed, non-breaking and zero-width spaces.
_SPACES = str.maketrans(
    {"\v": "\n", "\f": "\n", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "",
     "\ufeff": "", "\u00ad": "", "\t": " "}
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": "–"})
# Old-style tone placement (òa, óe, ủy) and the new one (oà, oé, uỷ) are both in use.
_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe",
          "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy",
          "uỵ": "ụy"}
# Only in an open syllable: "hoà" is "hòa", but "soát" and "hoạch" are already right.
_TONE_PATTERN = re.compile(
    r"(?<![qQ])(?:"
    + "|".join([*_TONES, *(k.upper() for k in _TONES), *(k.capitalize() for k in _TONES)])
    + r")(?![^\W\d_])"
)
_LATEX = [(re.compile(r"\\geq?\b"), "≥"), (re.compile(r"\\leq?\b"), "≤"),
          (re.compile(r"\\%"), "%"), (re.compile(r"\$"), "")]


def _tone(match: re.Match) -> str:
    found = match.group(0)
    plain = _TONES.get(found.lower())
    if plain is None:
        return found
    if found.isupper():
        return plain.upper()
    return plain.capitalize() if found[0].isupper() else plain


def normalise(text: str) -> str:
    """NFC text with one spelling of each character the reader matches on."""
    text = unicodedata.normalize("NFC", text).translate(_SPACES)
    text = _TONE_PATTERN.sub(_tone, text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plain_quotes(text: str) -> str:
    return text.translate(_QUOTES)


def strip_markdown(line: str) -> str:
    """A Markdown line as the words it shows (headings, bold, LaTeX comparators)."""
    line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)
    line = line.replace("**", "").replace("__", "")
    for pattern, replacement in _LATEX:
        line = pattern.sub(replacement, line)
    line = re.sub(r"\s+([.,;:])(?=\s|$)", r"\1", line)
    return re.sub(r"[ ]{2,}", " ", line).strip()


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case, one kind of dash and single spaces: the form phrases are compared in."""
    text = plain_quotes(normalise(text)).lower()
    text = re.sub(r"\s*[–-]\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def ascii_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in plain if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def sentence_case(line: str, keep: list[str] = ()) -> str:
    """A line printed in capitals, in ordinary case; ``keep`` lists words written as given."""
    lowered = line.strip().lower()
    result = lowered[:1].upper() + lowered[1:]
    for phrase in sorted(keep, key=len, reverse=True):
        result = re.sub(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", phrase, result,
                        flags=re.IGNORECASE)
    return result


def title_name(line: str) -> str:
    """A person's name in capitals or any case, with each word capitalised."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in line.split())
