"""Where a directive file is wrong: each problem on its line, in words a person can act on.

:func:`read_yaml` reads the file into plain data and remembers the line of every key and item;
:class:`Checker` validates it against the models of :mod:`tracker.directives.schema` and turns
each refusal into a :class:`Problem` on the right line.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from tracker.directives.schema import MESSAGES, message_for

Location = tuple[str | int, ...]
# Aliases can make a few lines expand into millions of nodes; no real directive comes close.
# No directive file nests deeper than a handful of levels.
MAX_DEPTH = 40
MAX_NODES = 100_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a directive file, where it is, in words a person can act on."""

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class DirectiveFileError(Exception):
    """The file was refused; ``problems`` lists every reason, in the order of the file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line or 0)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def field_name(location: Location) -> str:
    """Write a location the way the file reads: ``tasks[3].due.weekday``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class Checker:
    """Collect problems, each placed on the line of the key or item it is about."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Location, int] = {}
        self.problems: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        self.problems.append(
            Problem(self.source, self.line_of(location), field_name(location), message)
        )

    def line_of(self, location: Location) -> int | None:
        # A missing key has no line of its own: use the mapping that should hold it.
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None

    def refuse_if_any(self) -> None:
        if self.problems:
            raise DirectiveFileError(self.problems)

    def validate(self, model: type[BaseModel], data: Any, location: Location) -> Any:
        """Validate one item; on failure record its problems and return None."""
        try:
            return model.model_validate(data)
        except ValidationError as error:
            details = error.errors(include_url=False)
        # A misspelt key is one mistake: say "did you mean", not also that the key is missing.
        meant = {
            (*detail["loc"][:-1], suggestion)
            for detail in details
            if detail["type"] == "extra_forbidden"
            and (suggestion := _suggestion(model, detail["loc"])) is not None
        }
        for detail in details:
            if detail["type"] == "missing" and tuple(detail["loc"]) in meant:
                continue
            self.add(location + tuple(detail["loc"]), _pydantic_message(model, detail))
        return None

    def check(self, location: Location, parse: Callable[[Any], Any], value: Any) -> Any:
        """Run one schema check outside a model, recording its problem."""
        try:
            return parse(value)
        except PydanticCustomError as error:
            self.add(location, message_for(error.type, error.context or {}))
            return None


def _suggestion(model: type[BaseModel], location: Location) -> str | None:
    """The allowed key closest to an unknown one, if one is close enough to be the one meant."""
    close = difflib.get_close_matches(str(location[-1]), _keys_at(model, location[:-1]), n=1)
    return close[0] if close else None


def _pydantic_message(model: type[BaseModel], detail: Any) -> str:
    kind = detail["type"]
    context = dict(detail.get("ctx") or {})
    if kind == "extra_forbidden":
        key = str(detail["loc"][-1])
        suggestion = _suggestion(model, detail["loc"])
        if suggestion:
            return message_for("extra_forbidden_suggestion", {"key": key, "suggestion": suggestion})
        allowed = ", ".join(_keys_at(model, detail["loc"][:-1]))
        return message_for("extra_forbidden", {"key": key, "allowed": allowed})
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return message_for("model_type", {})
    if kind in MESSAGES:
        return message_for(kind, context)
    return _("Invalid value (%(detail)s).", detail=detail["msg"])


def _keys_at(model: type[BaseModel], location: Location) -> list[str]:
    """The keys a model accepts at ``location``, to suggest the one a typo meant."""
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next(_models_in(annotation), None)
        if current is None:
            return []
    return list(current.model_fields)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


# Reading YAML ----------------------------------------------------------------------------------

YAML_HINTS = {
    "mapping values are not allowed here": "yaml_colon",
    "could not find expected ':'": "yaml_colon_missing",
    "found character '\\t' that cannot start any token": "yaml_tab",
    "found a tab character": "yaml_tab",
    "found unexpected end of stream": "yaml_unclosed",
    "expected <block end>": "yaml_indent",
    "expected a single document in the stream": "yaml_documents",
    "found undefined alias": "yaml_alias",
}


def _yaml_message(error: yaml.YAMLError) -> str:
    problem = str(getattr(error, "problem", "") or error)
    hint = next((key for text, key in YAML_HINTS.items() if text in problem), None)
    messages = {
        "yaml_colon": _(
            "A colon is out of place: a value containing “: ” must be in quotes, or the "
            "indentation of this line is wrong."
        ),
        "yaml_colon_missing": _("A “key: value” line is missing its colon."),
        "yaml_tab": _("Indent with spaces, not tabs."),
        "yaml_unclosed": _("A quotation mark or bracket is opened but never closed."),
        "yaml_indent": _("The indentation is wrong: align this line with the keys beside it."),
        "yaml_documents": _("The file must hold a single document: remove the “---” lines."),
        "yaml_alias": _("A reference (*name) points to an anchor (&name) that does not exist."),
    }
    if hint:
        return messages[hint]
    return _("The file is not valid YAML (%(detail)s).", detail=problem)


def _too_deep_at(text: str) -> int | None:
    """The line where nesting passes MAX_DEPTH, read from the parser's events (iterative),
    before the composer, which recurses once per level and would overflow Python's stack."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
    return None


def read_yaml(text: str, checker: Checker) -> Any:
    """Read the YAML into plain data, remembering the line of every key and item.

    Scalars stay as the text written (None for an empty value or null): the schema decides
    what they mean, so no value is guessed and a bad one cannot crash the loader.
    """
    try:
        too_deep = _too_deep_at(text)
        if too_deep is not None:
            checker.problems.append(Problem(checker.source, too_deep, "", _(
                "Lists and mappings are nested more than %(n)d deep here.", n=MAX_DEPTH)))
            return None
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        checker.problems.append(Problem(checker.source, line, "", _yaml_message(error)))
        return None
    except yaml.YAMLError as error:  # a ReaderError: a control character in the text
        position = getattr(error, "position", 0)
        line = text.count("\n", 0, position) + 1
        checker.problems.append(Problem(checker.source, line, "", _yaml_message(error)))
        return None
    if node is None:
        checker.problems.append(Problem(checker.source, None, "", _("The file is empty.")))
        return None
    budget = [MAX_NODES]
    return _plain(node, (), checker, budget)


def _plain(node: yaml.Node, location: Location, checker: Checker, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        # Blame the top-level key being read: the node itself may be an alias defined far away.
        checker.add(
            location[:1], _("The file is too large, or repeats references (*name) too deeply.")
        )
        raise DirectiveFileError(checker.problems)
    checker.lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.SequenceNode):
        return [
            _plain(item, (*location, index), checker, budget)
            for index, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                checker.problems.append(
                    Problem(
                        checker.source,
                        line,
                        field_name(location),
                        _("A key must be a plain word, not a list or a mapping."),
                    )
                )
                continue
            key = key_node.value
            if key in mapping:
                first = checker.lines[(*location, key)]
                checker.problems.append(
                    Problem(
                        checker.source,
                        line,
                        field_name((*location, key)),
                        _("This key appears twice; the first is on line %(line)s.", line=first),
                    )
                )
                continue
            checker.lines[(*location, key)] = line
            mapping[key] = _plain(value_node, (*location, key), checker, budget)
        return mapping
    if node.style is None and node.tag == "tag:yaml.org,2002:null":
        return None
    return node.value
