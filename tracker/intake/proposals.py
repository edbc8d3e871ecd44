"""Per clause, the proposed tasks and indicators, each with its sentence and doubts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from tracker.intake.clauses import Context, Paragraph
from tracker.intake.rules import Timing, timing
from tracker.intake.targets import Target, find_targets
from tracker.intake.text import fold, plain_quotes
from tracker.intake.units import Person, Unit, UnitMatcher, find_person, person_code
from tracker.intake.vocabulary import Vocabulary

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-ZÀ-ỸĐ0-9])")
ASSIGNER = (r"^(?:(?:đồng chí\s+)?(?:chủ tịch\s+)?(?:ubnd|văn phòng hđnd-ubnd)(?:\s+(?:xã|phường))?"
            r"(?:\s+[\wà-ỹđ]+){0,2}?\s+)?")
SUBJECT_LEAD = (ASSIGNER + r"(?:giao\s+(?:cho\s+)?|đề nghị\s+|yêu cầu\s+|đối với\s+)?"
                r"(?:đồng chí\s+|đ/c\s+)?"
                r"(?:(?:phó\s+)?(?:trưởng|thủ trưởng|giám đốc|lãnh đạo|chỉ huy trưởng)\s+)?")
RECIPIENT = re.compile(r"(?:về|gửi|cho|báo cáo|trình|trước|đến|qua|tại|của|với)\s*$")
_NAME = r"(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]+\s+){1,4}[A-ZÀ-ỸĐ][a-zà-ỹđ]+"
# "Giao đồng chí Lê Văn Định, Phó Chủ tịch Thường trực UBND xã trực tiếp chỉ đạo.": the
# leader who supervises the clause's work, not a task of its own.
SUPERVISE = re.compile(
    r"^(?:[Gg]iao\s+|[Đđ]ề nghị\s+)?(?:[Đđ]ồng chí|[Đđ]/c)\s+"
    r"(?:(?P<before>(?:[Pp]hó\s+)?[Cc]hủ tịch[^,;]*?(?:UBND|Ủy ban nhân dân)(?:\s+(?:xã|phường))?)"
    rf"\s+)?(?P<name>{_NAME})?(?:\s*[,–-]\s*(?P<after>[^;.]+?))?\s*,?\s+"
    r"(?:trực tiếp\s+|theo dõi,\s*)?(?:chỉ đạo|phụ trách)(?P<rest>[^;]*)$"
)
COOPERATE = re.compile(r"(?:phối hợp(?: chặt chẽ)?(?: với| cùng)?|cùng với)\s*$")


@dataclass
class Proposal:
    clause: str
    text: str  # the duty as written (owner and lead words removed)
    source: str
    owner: Unit | None
    person: Person | None = None
    cooperating: list[Unit] = field(default_factory=list)
    timing: Timing | None = None
    targets: list[Target] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)
    supervisor: Person | None = None


def sentences(text: str) -> list[str]:
    parts = SENTENCE_END.split(text.strip())
    merged: list[str] = []
    for part in parts:
        if merged and re.search(r"(?:\b[A-ZĐ]{1,4}|TP|v\.v)\.$", merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [part.strip() for part in merged if part.strip()]


class Proposer:
    def __init__(self, vocabulary: Vocabulary, matcher: UnitMatcher, issued: date,
                 default_once: date, people: dict[str, Person]):
        self.vocabulary = vocabulary
        self.matcher = matcher
        self.issued = issued
        self.default_once = default_once
        self.people = people
        self.no_task = [re.compile(p) for p in vocabulary["no_task"]]
        self.verbs = vocabulary.pattern("verbs", prefix=True)
        self.any_verb = vocabulary.pattern("verbs")
        self.exhorts = vocabulary.pattern("exhortations")
        self.measure = vocabulary.pattern("measure_words", prefix=True)
        self.ongoing = vocabulary.pattern("ongoing_verbs", prefix=True)

    def read(self, paragraphs: list[Paragraph]) -> tuple[list[Proposal], list[Target]]:
        tasks: list[Proposal] = []
        loose: list[Target] = []
        for paragraph in paragraphs:
            if paragraph.context.kind == "skip":
                continue
            first: Proposal | None = None  # later sentences of a paragraph keep its subject
            held = ""
            for sentence in sentences(plain_quotes(paragraph.text)):
                if self._assigns_nothing(sentence):
                    continue
                if self._supervises(sentence, paragraph.clause, tasks):
                    continue
                if held:
                    sentence, held = f"{held} {sentence}", ""
                if self._answerable_only(sentence):
                    held = sentence  # "X chịu trách nhiệm trước Chủ tịch." names who, not what
                    continue
                for piece in self._pieces(sentence):
                    if paragraph.context.kind == "targets":
                        loose.extend(find_targets(piece, self.issued))
                        continue
                    proposal = self._propose(paragraph, piece, sentence, first)
                    if proposal is not None:
                        tasks.append(proposal)
                        tasks += self._shared(paragraph.context, proposal, piece)
                        first = first or proposal
            if held:
                proposal = self._propose(paragraph, held, held, first)
                if proposal is not None:
                    tasks.append(proposal)
        return tasks, loose

    def _supervises(self, sentence: str, clause: str, tasks: list[Proposal]) -> bool:
        """A leader named to direct the clause's work: its tasks' supervisor, no task."""
        found = SUPERVISE.match(sentence.strip().rstrip("."))
        if not found or len(found.group("rest").split()) > 8 or not (
            found.group("before") or found.group("name")
        ):
            return False
        ours = [task for task in tasks if task.clause == clause] or tasks[-1:]
        if not ours:
            return False
        if found.group("name"):
            name = found.group("name").strip()
            title = (found.group("before") or found.group("after") or "").strip()
            code = person_code(name)
            person = self.people.setdefault(code, Person(code, name, title))
            for task in ours:
                task.supervisor = person
        else:  # a title without a name: the person is chosen in the editor
            for task in ours:
                task.doubts.append("supervisor")
        return True

    def _shared(self, context: Context, proposal: Proposal, piece: str) -> list[Proposal]:
        """The same duty for the other units a heading lists ("3. Phòng A, Phòng B:")."""
        others = self._subjects(piece)[1:]
        named = {unit for _s, _e, unit in self.matcher.find(piece)}
        if others and proposal.owner not in others:
            pass  # "Phòng A, Trung tâm B chuẩn bị …": each named subject does the work
        elif not context.also or proposal.owner != context.owner or proposal.owner in named:
            return []
        else:
            others = list(context.also)
        return [replace(proposal, owner=unit, cooperating=[u for u in proposal.cooperating
                                                           if u != unit],
                        doubts=list(proposal.doubts)) for unit in others]

    def _subjects(self, piece: str) -> list[Unit]:
        """The units a duty's subject lists ("Phòng A, Trung tâm B và C rà soát …")."""
        text = _canonical(piece)
        lead = re.match(SUBJECT_LEAD, text)
        position, units = lead.end() if lead else 0, []
        for start, end, unit in self.matcher.find(piece):
            if start < position or re.sub(r"[\s,]|\bvà\b", "", text[position:start]):
                break
            units.append(unit)
            position = end
        after = re.sub(r"^[\s,:]+", "", text[position:])
        if len(units) < 2 or not self.verbs.match(after) or after.startswith("phối hợp"):
            return []
        return units

    def _answerable_only(self, sentence: str) -> bool:
        folded = fold(sentence).rstrip(".")
        return bool(re.fullmatch(r"[^;]*chịu trách nhiệm (?:trực tiếp |toàn diện )*trước [^;,]*",
                                 folded)) and not find_targets(sentence, self.issued)

    def _assigns_nothing(self, sentence: str) -> bool:
        folded = fold(sentence)
        return len(folded.split()) < 3 or any(p.search(folded) for p in self.no_task)

    def _pieces(self, sentence: str) -> list[str]:
        """Split a sentence into duties: a list of targets, or a ";" that starts new work."""
        listed = re.match(r"^(\d+(?:[.,]\d+)?\s*%)\s+([^;.]+?)[.;]?$", sentence)
        items = re.split(r",\s*|\s+và\s+", listed.group(2)) if listed else []
        if len(items) >= 3 and all(len(item.split()) <= 5 for item in items):
            return [f"{listed.group(1)} {item.strip()}" for item in items if item.strip()]
        segments = [s.strip() for s in sentence.split(";") if s.strip()]
        groups: list[str] = []
        for segment in segments:
            if not groups:
                groups.append(segment)
                continue
            folded = fold(segment)
            condition = re.match(r"^(trường hợp|khi|nếu)\s", folded)
            adverb = re.sub(r"^(thường xuyên|định kỳ|hằng \w+|hàng \w+|khẩn trương)\s+", "", folded)
            verb = self.verbs.match(adverb)
            before, after = self._frequency(groups[-1]), self._frequency(segment)
            # Delivering the work just named ("…; gửi Văn phòng trước ngày 15/5") is not new work.
            reporting = re.match(r"^(báo cáo|gửi|nộp|trình|tổng hợp[^;]{0,30}báo cáo)", adverb)
            if after is None and find_targets(segment, self.issued) and self.measure.match(adverb):
                verb = condition = None  # "…; bảo đảm tỷ lệ … đạt tối thiểu 60%": its measure
            if before in (None, "on_event", "continuous") and re.match(
                    r"^(?:gửi\s+|tổng hợp,?\s+)?báo cáo kết quả", adverb):
                verb = condition = None  # "kiểm tra …; báo cáo kết quả trước ngày 25 hằng tháng"
            ongoing = before is None and self.ongoing.match(self._duty_head(groups[-1]))
            if re.match(r"^(hoàn thành|xong|thời hạn|thời gian|chậm nhất)", folded):
                verb = condition = None  # "…; hoàn thành trước ngày 25/01/2027": its deadline
            if (verb or condition) and before is not None and after != before:
                groups.append(segment)  # "…02 lần/tháng; thiết lập cơ chế…": two duties
            elif (verb and not reporting and not ongoing and before is None
                  and after not in (None, "daily")):
                groups.append(segment)  # "tổ chức …; chi trả trợ cấp trước ngày 10 hằng tháng"
            elif verb and before is None and after not in (None, "continuous") and find_targets(
                    groups[-1], self.issued):
                groups.append(segment)  # "tổ chức tiêm đạt 95%; báo cáo tiến độ hằng ngày"
            else:
                groups[-1] = f"{groups[-1]}; {segment}"
        return groups

    def _duty_head(self, text: str) -> str:
        """The words of a duty after its subject ("Văn phòng bảo đảm …": "bảo đảm …")."""
        folded = _canonical(text)
        folded = folded[re.match(SUBJECT_LEAD, folded).end():]
        mentions = self.matcher.find(folded)
        if mentions and mentions[0][0] <= 1:
            folded = folded[mentions[0][1]:]
        return re.sub(r"^[\s,:]*(?:chủ trì,?\s*)?", "", folded)

    def _frequency(self, text: str) -> str | None:
        found = timing(text, self.vocabulary, self.issued, self.default_once, False, set())
        if "continuous" in found.doubts:
            return "continuous"
        return found.frequency if found.explicit else None

    def _propose(self, paragraph: Paragraph, piece: str, sentence: str,
                 first: Proposal | None) -> Proposal | None:
        context: Context = paragraph.context
        if first is not None:  # a later duty of the same sentence keeps its subject
            context = Context(first.owner, first.person, False, context.kind)
        owner, person, cooperating, rest, all_units = self._who(piece, context)
        supervisor = None
        directs = re.match(r"^(?:trực tiếp\s+)?chỉ đạo\s+", fold(rest))
        if person is not None and directs:  # "Đồng chí … chỉ đạo Trung tâm X rà soát …"
            mentions = self.matcher.find(rest[directs.end():])
            if mentions and mentions[0][0] == 0:
                supervisor, person, owner = person, None, mentions[0][2]
                rest = _cut(rest[directs.end():], mentions[0][1]).strip(" ,")
                rest = rest[:1].upper() + rest[1:]
        folded = fold(rest)
        doubts: list[str] = []
        if paragraph.before_clauses and (owner is None or paragraph.context.owner is not None):
            return None  # the preamble assigns work only by naming a unit
        if owner is None:
            recipient = self._recipient(piece)
            leaders = self.vocabulary.pattern("leader_duties").search(folded)
            owner = recipient or (self.matcher.leadership() if leaders and not all_units
                                  else self.matcher.office())
            doubts.append("owner_all" if all_units else ("owner_leader" if leaders else "owner"))
        targets = find_targets(piece, self.issued)
        target_dates = {t.due for t in targets if t.due} | {t.milestone for t in targets
                                                             if t.milestone}
        found = timing(rest, self.vocabulary, self.issued, self.default_once, bool(targets),
                       target_dates)
        named = owner in {unit for _s, _e, unit in self.matcher.find(piece)}
        if not self.any_verb.search(folded) and not targets and not (named and found.explicit):
            return None  # a verb the list lacks still assigns work when the unit and time are named
        if not found.explicit and not targets and (all_units or self.exhorts.search(folded)):
            return None  # "Các đơn vị cần nâng cao tinh thần trách nhiệm…": no work to track
        if context.kind == "closing":
            doubts.append("closing")
        if paragraph.label and not found.explicit and targets:
            found = Timing("monthly", {"day": "last"})
        dues = [target.due for target in targets if target.due]
        if dues and found.frequency != "once" and found.end is None:
            found.end = max(dues)  # followed until the target's date, which the indicator keeps
        cooperating += [unit for unit in paragraph.cooperating
                        if unit not in cooperating and unit != owner]
        return Proposal(paragraph.clause, rest, sentence, owner, person, cooperating, found,
                        targets, doubts, supervisor)

    def _who(self, piece: str, context: Context):
        """Owner, person, cooperating units, the duty without its subject, all-units flag."""
        folded = fold(piece)
        mentions = self.matcher.find(piece)
        owner = person = None
        cooperating: list[Unit] = []
        rest = piece
        canonical_text = _canonical(piece)
        lead = re.match(SUBJECT_LEAD, canonical_text)
        if lead and not re.match(r".*(giao|đề nghị|yêu cầu)\s+$", lead.group(0)):
            lead = re.match(SUBJECT_LEAD.replace(ASSIGNER, "^"), canonical_text)
        lead_end = lead.end() if lead else 0
        named = find_person(piece)
        if named and re.match(SUBJECT_LEAD + r"(đồng chí|đ/c|ông|bà)\s", folded):
            name, title = named
            code = person_code(name)
            person = self.people.setdefault(code, Person(code, name, title))
            owner = self.matcher.leadership()
            title_units = self.matcher.find(title)
            if title_units and title_units[0][2].kind != "leadership":
                owner = title_units[0][2]
            rest = _after_person(piece)
        for start, end, unit in mentions:
            before = _canonical_before(piece, start)
            after = canonical_text[end:].lstrip(" :")
            if COOPERATE.search(before) or _in_cooperation(before):
                if unit not in cooperating:
                    cooperating.append(unit)
            elif owner is None and not RECIPIENT.search(before) and (
                abs(start - lead_end) <= 1
                or re.match(r"\s*chủ trì", folded[end:end + 12])
                or (re.search(r",\s*$", before) and self.verbs.match(after))
            ):
                owner = unit
                rest = _cut(piece, end)
        if owner is None and not person:
            if context.person is not None:
                person, owner = context.person, context.owner
            elif context.owner is not None:
                owner = context.owner
            else:
                unknown = re.match(
                    SUBJECT_LEAD + r"(.+?)\s+(?:chủ trì|phối hợp|tham mưu|thực hiện)",
                    piece,
                    re.IGNORECASE,
                )
                if unknown:
                    owner = self.matcher.new_unit(unknown.group(1))
        cooperating = [unit for unit in cooperating if unit != owner]
        all_units = context.all_units or bool(re.match(
            r"^(?:ubnd xã yêu cầu\s+)?(thủ trưởng\s+)?các (cơ quan|đơn vị|phòng|ban|ngành|thôn)",
            folded))
        rest = re.sub(r"^\s*(?:giao|đề nghị|yêu cầu)\s+", "", rest, flags=re.IGNORECASE)
        rest = re.sub(r"^[\s,:–-]*(?:chủ trì,?\s*)?", "", rest, flags=re.IGNORECASE)
        rest = self._without_partners(rest.strip(" .;"))
        rest = rest[:1].upper() + rest[1:]
        return owner, person, cooperating, rest, all_units

    def _without_partners(self, rest: str) -> str:
        """"phối hợp với A, B rà soát …" as a title: "rà soát …" (the partners are listed)."""
        if not fold(rest).startswith("phối hợp"):
            return rest
        mentions = self.matcher.find(rest)
        if not mentions:
            return rest
        tail = _cut(rest, mentions[-1][1])
        if tail is not rest and self.verbs.match(fold(tail.strip(" ,"))):
            return tail.strip(" ,")
        return rest

    def _recipient(self, piece: str) -> Unit | None:
        for start, _end, unit in self.matcher.find(piece):
            if re.search(r"(?:về|gửi|cho)\s*$", _canonical_before(piece, start)):
                return unit
        return None


def _canonical(piece: str) -> str:
    from tracker.intake.units import canonical

    return canonical(piece)


def _canonical_before(piece: str, start: int) -> str:
    return _canonical(piece)[max(0, start - 40):start]


def _in_cooperation(before: str) -> bool:
    """A unit later in a "phối hợp với A, B và C" list."""
    found = before.rfind("phối hợp")
    return found != -1 and not re.search(r"(chủ trì|tham mưu|thực hiện|[;.])", before[found:]) \
        and re.fullmatch(r"phối hợp(?: với| cùng)?[\w\s,-]*(?:,|và)\s*", before[found:]) is not None


def _after_person(piece: str) -> str:
    found = re.search(r"(?:UBND|Ủy ban nhân dân)\s+(?:xã|phường)?\s*", piece)
    return piece[found.end():] if found else piece


def _cut(piece: str, end: int) -> str:
    """The words of ``piece`` after its canonical position ``end`` (the owner's name)."""
    from tracker.intake.units import canonical

    target = canonical(piece)[:end].strip()
    for match in re.finditer(r"\s|$", piece):
        head = canonical(piece[:match.start()]).strip()
        if head == target:
            return piece[match.start():]
        if len(head) > len(target) + 5:
            break
    return piece
