"""Every visible string has a Vietnamese translation, and the compiled catalog is in use."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "tracker/translations/vi/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids in the source today, extracted exactly as `make translations` does."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run(
        # --ignore-dirs: Babel skips folders starting with "_" (templates/_macros) by default.
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".*", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def vietnamese():
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="vi")


def msgid_text(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def test_every_string_has_a_vietnamese_translation(extracted, vietnamese):
    untranslated = []
    for message in extracted:
        if not message.id:
            continue
        translated = vietnamese.get(message.id)
        strings = translated.string if translated is not None else None
        if isinstance(strings, tuple):
            strings = strings[0]
        if not strings or (translated is not None and translated.fuzzy):
            untranslated.append(msgid_text(message))
    assert untranslated == [], "run `make translations` and translate these"


def test_placeholders_survive_translation(vietnamese):
    broken = []
    for message in vietnamese:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        target = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(source[-1]))
        if any(set(PLACEHOLDER.findall(text)) != wanted for text in target):
            broken.append(source[0])
    assert broken == []


def test_compiled_catalog_is_used(app):
    assert (CATALOG.with_suffix(".mo")).exists(), "compile the catalogs: make install"
    with app.test_request_context():
        with force_locale("vi"):
            assert gettext("Log in") == "Đăng nhập"
            assert gettext("Not done – overdue") == "Chưa hoàn thành – quá hạn"
        with force_locale("en"):
            assert gettext("Log in") == "Log in"
