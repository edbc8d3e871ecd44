"""The "Số:" of an official document, written once for every document.

A clerk types either the register's number alone ("45") or the whole symbol ("45/BC-VP"). A
full symbol is printed as typed; a bare number gets the configured symbol; nothing typed
leaves the number blank for the register to fill in by hand ("Số:      /BC-VP").
"""

from __future__ import annotations

BLANK = "      "
# Authority lines of a signature block (Nghị định 30/2020, Phụ lục I): on behalf of a
# collective, standing in for its head, by order of.
AUTHORITIES = ("TM.", "KT.", "TL.", "TUQ.")


def official_number(typed: str | None, symbol: str) -> str:
    """"45" -> "45/BC-VP"; "45/BC-VP" (or any symbol) -> as typed; "" -> "      /BC-VP"."""
    text = " ".join((typed or "").split())
    if "/" in text:
        return text
    return f"{text or BLANK}{symbol}"
