"""The NĐ 30/2020 frame around the clauses: issuer, number, place and date, type, signature."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.intake.text import fold, sentence_case, title_name
from tracker.intake.vocabulary import Vocabulary

NUMBER = re.compile(r"^Số\s*:\s*(.*)$", re.IGNORECASE)
PLACE_DATE = re.compile(
    r"([A-ZÀ-ỸĐ][\wÀ-ỹ.' ]{1,40}?)\s*,\s*ngày\s*(\d{0,2})\s*tháng\s*(\d{0,2})\s*năm\s*(\d{4})",
    re.IGNORECASE,
)
MOTTO = re.compile(r"cộng hòa xã hội|độc lập\s*-\s*tự do|^-{3,}|^_{3,}", re.IGNORECASE)
AUTHORITY = re.compile(r"\b(TM|KT|TL|TUQ|Q)\s*\.\s*(.+)$")
_WORD = r"(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]+|[A-ZÀ-ỸĐ]+)"
NAME = re.compile(rf"^{_WORD}(?:\s+{_WORD}){{1,4}}$")
RECIPIENTS = re.compile(r"^(nơi nhận|kính gửi)\s*:?", re.IGNORECASE)
SIGNED = re.compile(r"^\(?\s*(đã ký|ký|ký tên|ký, ghi rõ họ tên|đóng dấu)[^)]*\)?$", re.IGNORECASE)


@dataclass
class Header:
    number: str = ""
    issuer: str = ""
    place: str = ""
    issued_on: str = ""  # YYYY-MM-DD, or YYYY-MM when the day is blank
    type: str = ""
    summary: str = ""
    signer_name: str = ""
    signer_title: str = ""
    authority: str = ""
    doubts: list[str] = field(default_factory=list)


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def read_header(lines: list[str], vocabulary: Vocabulary) -> tuple[Header, int]:
    """The header, and the index of the first line of the body (after type and trích yếu)."""
    header = Header()
    issuer_lines: list[str] = []
    genres = vocabulary["genres"]
    limit = min(len(lines), 25)
    body = 0
    type_at = None
    for index in range(limit):
        line = lines[index]
        motto = MOTTO.search(line)
        if motto and motto.start() > 0 and _is_caps(line[:motto.start()]) and not header.number:
            issuer_lines.append(line[:motto.start()].strip())  # two columns read as one line
        number = NUMBER.match(line)
        if number and not header.number:
            printed = re.match(r"\s*([0-9]*\s*/\s*[0-9A-Za-zĐđ./-]*[0-9A-Za-zĐđ])", number.group(1))
            header.number = re.sub(r"\s+", "", printed.group(1) if printed else number.group(1))
            body = index + 1
            line = number.group(1)[printed.end():] if printed else ""
        date = PLACE_DATE.search(line)
        if date and not header.issued_on:
            place, day, month, year = date.groups()
            header.place = place.strip()
            if month:
                header.issued_on = (f"{year}-{int(month):02d}-{int(day):02d}" if day
                                    else f"{year}-{int(month):02d}")
            body = index + 1
            continue
        if MOTTO.search(line):
            body = index + 1
            continue
        if re.match(r"^v/v\b", line, re.IGNORECASE):
            header.summary = re.sub(r"^v/v\s*", "", line, flags=re.IGNORECASE).strip()
            body = index + 1
            continue
        genre = _genre_line(line, genres)
        if genre:
            header.type = genre
            type_at = index
            break
        if _is_caps(line) and not header.number and not header.issued_on:
            issuer_lines.append(line)
    if type_at is not None:
        body = type_at + 1
        summary: list[str] = []
        while body < len(lines) and len(summary) < 3:
            line = lines[body]
            if summary and (re.match(r"^(căn cứ|thực hiện|sau khi|ngày \d|kính gửi)", fold(line))
                            or _looks_like_body(line)):
                break
            summary.append(line)
            body += 1
            if not line.endswith((",", "và", ";")) and len(line) > 30:
                break
        header.summary = " ".join(summary).strip()
    _finish(header, issuer_lines, vocabulary)
    return header, body


def _looks_like_body(line: str) -> bool:
    return bool(re.match(r"^([IVX]+\.|\d+\.|[a-z]\)|[-–•])\s", line))


def _genre_line(line: str, genres: dict) -> str:
    text = fold(line).strip(" .:")
    for genre, spec in genres.items():
        for word in spec["line"]:
            if text == fold(word) and _is_caps(line):
                return genre
    return ""


def _finish(header: Header, issuer_lines: list[str], vocabulary: Vocabulary) -> None:
    keep = [*vocabulary["acronyms"], header.place] if header.place else vocabulary["acronyms"]
    code = header.number.split("/", 1)[1].split("-")[0].upper() if "/" in header.number else ""
    if not header.type:
        for genre, spec in vocabulary["genres"].items():
            if code in spec["code"]:
                header.type = genre
        if not header.type and header.number:
            header.type = "official_letter"
            header.doubts.append("type")
    if issuer_lines:
        own = issuer_lines[-2:] if _joins(issuer_lines[-2:]) else issuer_lines[-1:]
        if len(issuer_lines) >= 2 and fold(issuer_lines[-1]).startswith(("văn phòng", "phòng")):
            own = [issuer_lines[-1], re.sub(r"^(ubnd|ủy ban nhân dân)\s+", "",
                                            issuer_lines[-2], flags=re.IGNORECASE)]
        header.issuer = sentence_case(" ".join(own), keep)
    else:
        issuer = header.number.rsplit("-", 1)[-1].upper() if "-" in header.number else ""
        place = f" xã {header.place}" if header.place else " xã"
        header.issuer = ("Văn phòng HĐND và UBND" + place if issuer == "VP"
                         else "Ủy ban nhân dân" + place)
        header.doubts.append("issuer")


def _joins(lines: list[str]) -> bool:
    """"ỦY BAN NHÂN DÂN / XÃ CẨM GIANG" is one name over two lines."""
    return len(lines) == 2 and fold(lines[1]).startswith(("xã", "phường", "thị trấn"))


def read_signature(lines: list[str], vocabulary: Vocabulary, header: Header) -> int:
    """Fill in the signer from the end of the document; return where the closing starts."""
    start = len(lines)
    for index in range(len(lines) - 1, max(-1, len(lines) - 30), -1):
        if RECIPIENTS.match(lines[index]) and fold(lines[index]).startswith("nơi nhận"):
            start = index
            break
    tail = lines[start:] if start < len(lines) else lines[-8:]
    name_at = None
    for index in range(len(tail) - 1, -1, -1):
        line = tail[index].strip(" *")
        if SIGNED.match(line) or not line:
            continue
        if NAME.match(line) and not AUTHORITY.search(line) and not line.startswith("-"):
            name_at = index
            header.signer_name = title_name(line)
        break
    if name_at is None:
        header.doubts.append("signer")
        return start
    titles = vocabulary["titles"]
    above = [tail[i].strip(" *") for i in range(max(0, name_at - 4), name_at)]
    above = [line for line in above if line and not SIGNED.match(line)]
    # "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH": the signer signs as the last one.
    for position in range(len(above) - 1, -1, -1):
        line = above[position]
        authority = AUTHORITY.search(line)
        if authority:
            header.authority = authority.group(1).upper() + "."
            rest = [item for item in above[position + 1:] if _is_caps(item)]
            title = rest[-1] if rest else authority.group(2)
            header.signer_title = sentence_case(title, [*titles, *vocabulary["acronyms"]])
            break
    else:
        caps = [line for line in above if _is_caps(line) and not line.startswith("-")]
        if caps:
            header.signer_title = sentence_case(caps[-1], [*titles, *vocabulary["acronyms"]])
    if header.signer_title:
        header.signer_title = header.signer_title[0].upper() + header.signer_title[1:]
    return start
