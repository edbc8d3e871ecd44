"""The password policy: long enough once normalised, not common, not a pattern, not the name."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
# Runs people type instead of a password: the alphabet, the digits, keyboard rows.
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
MIN_DISTINCT_CHARACTERS = 4
PADDING = "0123456789!@#$%^&*()._-+=?~ "


class PasswordRejectedError(ValueError):
    """The new password breaks the policy; the message says how, in the user's language."""


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password).strip()


def is_sequence(text: str) -> bool:
    """A run of the alphabet, the digits or a keyboard row, forwards or backwards."""
    return len(text) >= 3 and any(text in run or text in run[::-1] for run in SEQUENCES)


def check_password_policy(password: str, username: str) -> None:
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    text = normalise(password)
    lowered = text.lower()
    core = lowered.strip(PADDING)  # "admin1234", "@truong2026": the word inside the padding
    name = username.strip().lower()
    if len(text) < minimum:
        raise PasswordRejectedError(
            _("The password must have at least %(n)d characters.", n=minimum))
    if text.isdigit():
        raise PasswordRejectedError(_("The password must not be only digits."))
    if (len(name) >= 3 and name in lowered) or core == name:
        raise PasswordRejectedError(_("The password must not contain the username."))
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        raise PasswordRejectedError(_("The password repeats the same few characters; "
                                      "choose another."))
    if is_sequence(lowered) or is_sequence(core):
        raise PasswordRejectedError(_("The password is a run of letters, digits or keys in "
                                      "order; choose another."))
    if lowered in common_passwords() or core in common_passwords():
        raise PasswordRejectedError(
            _("This password is among the first that attackers try; choose another."))
