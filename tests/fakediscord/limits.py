"""Discord's documented size limits, checked on everything the bot sends.

Each ``check_*`` function returns a list of :class:`Problem`; an empty list means the payload is
acceptable. :func:`errors_object` turns problems into the nested ``errors`` object that Discord
answers with (code 50035, "Invalid Form Body"), which discord.py flattens into its exception text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]
PathPart = str | int

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_PLACEHOLDER_MAX = 100
TEXT_INPUT_VALUE_MAX = 4000
LABEL_DESCRIPTION_MAX = 100
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
V2_COMPONENTS_MAX = 40
V2_TEXT_MAX = 4000
ALLOWED_MENTIONS_IDS_MAX = 100
FILES_MAX = 10
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
COMMAND_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMANDS_PER_SCOPE_MAX = 100

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15

BUTTON_TYPES = {2}
SELECT_TYPES = {3, 5, 6, 7, 8}
V2_LAYOUT_TYPES = {9, 10, 11, 12, 13, 14, 17}


@dataclass(frozen=True, slots=True)
class Problem:
    """One breached limit: where (JSON path), Discord's error code and message."""

    path: tuple[PathPart, ...]
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<body>"
        return f"{where}: {self.code} ({self.message})"


def _max_len(path: tuple[PathPart, ...], value: Any, limit: int) -> list[Problem]:
    if isinstance(value, str) and len(value) > limit:
        return [Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


def _bad_len(path: tuple[PathPart, ...], value: Any, low: int, high: int) -> list[Problem]:
    if not isinstance(value, str) or not low <= len(value) <= high:
        return [
            Problem(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
        ]
    return []


def _max_items(path: tuple[PathPart, ...], value: Any, limit: int) -> list[Problem]:
    if isinstance(value, list) and len(value) > limit:
        return [Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


def _required(path: tuple[PathPart, ...]) -> Problem:
    return Problem(path, "BASE_TYPE_REQUIRED", "This field is required")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def embed_text_length(embed: Mapping[str, Any]) -> int:
    """Characters counted towards the 6,000 total (title, description, fields, footer, author)."""
    total = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    for field in embed.get("fields") or []:
        if isinstance(field, Mapping):
            total += len(_text(field.get("name"))) + len(_text(field.get("value")))
    footer = embed.get("footer")
    if isinstance(footer, Mapping):
        total += len(_text(footer.get("text")))
    author = embed.get("author")
    if isinstance(author, Mapping):
        total += len(_text(author.get("name")))
    return total


def check_embeds(embeds: Any, base: tuple[PathPart, ...] = ("embeds",)) -> list[Problem]:
    if embeds is None:
        return []
    if not isinstance(embeds, list):
        return [Problem(base, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")]
    problems = _max_items(base, embeds, EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, Mapping):
            problems.append(
                Problem(
                    (*base, i), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
                )
            )
            continue
        path = (*base, i)
        problems += _max_len((*path, "title"), embed.get("title"), EMBED_TITLE_MAX)
        problems += _max_len(
            (*path, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX
        )
        fields = embed.get("fields") or []
        problems += _max_items((*path, "fields"), fields, EMBED_FIELDS_MAX)
        for j, field in enumerate(fields if isinstance(fields, list) else []):
            fpath = (*path, "fields", j)
            if not isinstance(field, Mapping):
                continue
            for key, limit in (("name", EMBED_FIELD_NAME_MAX), ("value", EMBED_FIELD_VALUE_MAX)):
                value = field.get(key)
                if not isinstance(value, str) or value == "":
                    problems.append(_required((*fpath, key)))
                else:
                    problems += _max_len((*fpath, key), value, limit)
        footer = embed.get("footer")
        if isinstance(footer, Mapping):
            problems += _max_len((*path, "footer", "text"), footer.get("text"), EMBED_FOOTER_MAX)
        author = embed.get("author")
        if isinstance(author, Mapping):
            problems += _max_len(
                (*path, "author", "name"), author.get("name"), EMBED_AUTHOR_NAME_MAX
            )
        total += embed_text_length(embed)
    if total > EMBED_TOTAL_MAX:
        problems.append(
            Problem(
                base,
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
            )
        )
    return problems


def _check_button(path: tuple[PathPart, ...], button: Mapping[str, Any]) -> list[Problem]:
    problems = _max_len((*path, "label"), button.get("label"), BUTTON_LABEL_MAX)
    style = button.get("style")
    if style == 5:
        if not button.get("url"):
            problems.append(_required((*path, "url")))
    elif style == 6:
        if not button.get("sku_id"):
            problems.append(_required((*path, "sku_id")))
    else:
        custom_id = button.get("custom_id")
        if not custom_id:
            problems.append(_required((*path, "custom_id")))
        else:
            problems += _max_len((*path, "custom_id"), custom_id, CUSTOM_ID_MAX)
    return problems


def _check_select(path: tuple[PathPart, ...], select: Mapping[str, Any]) -> list[Problem]:
    problems = _bad_len((*path, "custom_id"), select.get("custom_id"), 1, CUSTOM_ID_MAX)
    problems += _max_len((*path, "placeholder"), select.get("placeholder"), SELECT_PLACEHOLDER_MAX)
    for key, low in (("min_values", 0), ("max_values", 1)):
        value = select.get(key)
        if isinstance(value, int) and not low <= value <= SELECT_OPTIONS_MAX:
            problems.append(
                Problem(
                    (*path, key),
                    "NUMBER_TYPE_MAX" if value > SELECT_OPTIONS_MAX else "NUMBER_TYPE_MIN",
                    f"Int value should be between {low} and {SELECT_OPTIONS_MAX}.",
                )
            )
    if select.get("type") == 3:
        options = select.get("options")
        if not isinstance(options, list) or not options:
            problems.append(
                Problem(
                    (*path, "options"),
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {SELECT_OPTIONS_MAX} in length.",
                )
            )
        else:
            problems += _max_items((*path, "options"), options, SELECT_OPTIONS_MAX)
            for k, option in enumerate(options):
                if not isinstance(option, Mapping):
                    continue
                opath = (*path, "options", k)
                problems += _bad_len(
                    (*opath, "label"), option.get("label"), 1, SELECT_OPTION_TEXT_MAX
                )
                problems += _bad_len(
                    (*opath, "value"), option.get("value"), 1, SELECT_OPTION_TEXT_MAX
                )
                problems += _max_len(
                    (*opath, "description"), option.get("description"), SELECT_OPTION_TEXT_MAX
                )
    return problems


def _walk_components(components: Any) -> Iterable[Mapping[str, Any]]:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, Mapping):
            continue
        yield component
        yield from _walk_components(component.get("components"))
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, Mapping):
                yield from _walk_components([child])


def _check_classic_components(components: list[Any]) -> list[Problem]:
    problems = _max_items(("components",), components, ACTION_ROWS_MAX)
    for i, row in enumerate(components):
        path: tuple[PathPart, ...] = ("components", i)
        if not isinstance(row, Mapping) or row.get("type") != 1:
            problems.append(
                Problem(
                    (*path, "type"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED"
                    if isinstance(row, Mapping) and row.get("type") in V2_LAYOUT_TYPES
                    else "UNION_TYPE_CHOICES",
                    "Top-level components must be action rows unless the message sets "
                    "IS_COMPONENTS_V2.",
                )
            )
            continue
        children = row.get("components")
        if not isinstance(children, list) or not children:
            problems.append(
                Problem(
                    (*path, "components"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 5 in length.",
                )
            )
            continue
        problems += _max_items((*path, "components"), children, BUTTONS_PER_ROW_MAX)
        kinds = {c.get("type") for c in children if isinstance(c, Mapping)}
        if kinds & SELECT_TYPES and len(children) > 1:
            problems.append(
                Problem(
                    (*path, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            )
        for j, child in enumerate(children):
            cpath = (*path, "components", j)
            if not isinstance(child, Mapping):
                continue
            kind = child.get("type")
            if kind in BUTTON_TYPES:
                problems += _check_button(cpath, child)
            elif kind in SELECT_TYPES:
                problems += _check_select(cpath, child)
            else:
                problems.append(
                    Problem(
                        (*cpath, "type"),
                        "UNION_TYPE_CHOICES",
                        f"Component type {kind} is not allowed in a message action row.",
                    )
                )
    return problems


def _check_v2_components(components: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    every = list(_walk_components(components))
    if len(every) > V2_COMPONENTS_MAX:
        problems.append(
            Problem(
                ("components",),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {V2_COMPONENTS_MAX} or fewer in length.",
            )
        )
    text_total = sum(len(_text(c.get("content"))) for c in every if c.get("type") == 10)
    if text_total > V2_TEXT_MAX:
        problems.append(
            Problem(
                ("components",),
                "MAX_TEXT_DISPLAY_LENGTH_EXCEEDED",
                f"Text display content exceeds maximum total of {V2_TEXT_MAX}",
            )
        )
    for index, component in enumerate(every):
        path: tuple[PathPart, ...] = ("components", f"#{index}")
        kind = component.get("type")
        if kind in BUTTON_TYPES:
            problems += _check_button(path, component)
        elif kind in SELECT_TYPES:
            problems += _check_select(path, component)
    return problems


def check_components(components: Any, flags: int) -> list[Problem]:
    if components is None:
        return []
    if not isinstance(components, list):
        return [
            Problem(
                ("components",), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType."
            )
        ]
    if flags & FLAG_COMPONENTS_V2:
        problems = _check_v2_components(components)
    else:
        problems = _check_classic_components(components)
    seen: set[str] = set()
    for component in _walk_components(components):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in seen:
                problems.append(
                    Problem(
                        ("components",),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        f"Component custom id cannot be duplicated ({custom_id!r})",
                    )
                )
            seen.add(custom_id)
    return problems


def check_allowed_mentions(allowed: Any) -> list[Problem]:
    if allowed is None:
        return []
    if not isinstance(allowed, Mapping):
        return [
            Problem(
                ("allowed_mentions",),
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            )
        ]
    problems: list[Problem] = []
    parse = allowed.get("parse") or []
    for key in ("users", "roles"):
        ids = allowed.get(key)
        problems += _max_items(("allowed_mentions", key), ids, ALLOWED_MENTIONS_IDS_MAX)
        if ids and key in parse:
            problems.append(
                Problem(
                    ("allowed_mentions", key),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
                )
            )
    return problems


def check_message(payload: Mapping[str, Any], *, files: Sequence[int] = ()) -> list[Problem]:
    """Check a message create/edit body (or the ``data`` of a type 4/7 callback).

    ``files`` are the sizes of the uploaded files.
    """
    flags = payload.get("flags") or 0
    if not isinstance(flags, int):
        flags = 0
    problems = _max_len(("content",), payload.get("content"), CONTENT_MAX)
    problems += check_embeds(payload.get("embeds"))
    problems += check_components(payload.get("components"), flags)
    problems += check_allowed_mentions(payload.get("allowed_mentions"))
    if flags & FLAG_COMPONENTS_V2:
        if payload.get("content"):
            problems.append(
                Problem(
                    ("content",),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
            )
        if payload.get("embeds"):
            problems.append(
                Problem(
                    ("embeds",),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
            )
    if len(files) > FILES_MAX:
        problems.append(
            Problem(("files",), "BASE_TYPE_MAX_LENGTH", f"Must be {FILES_MAX} or fewer in length.")
        )
    for index, size in enumerate(files):
        if size > ATTACHMENT_SIZE_LIMIT:
            problems.append(
                Problem(
                    (f"files[{index}]",),
                    "BINARY_TYPE_MAX_SIZE",
                    "File cannot be larger than 10.00 MB.",
                )
            )
    return problems


def _check_text_input(
    path: tuple[PathPart, ...], text_input: Mapping[str, Any], *, labelled: bool
) -> list[Problem]:
    problems = _bad_len((*path, "custom_id"), text_input.get("custom_id"), 1, CUSTOM_ID_MAX)
    if not labelled:
        problems += _bad_len((*path, "label"), text_input.get("label"), 1, TEXT_INPUT_LABEL_MAX)
    problems += _max_len(
        (*path, "placeholder"), text_input.get("placeholder"), TEXT_INPUT_PLACEHOLDER_MAX
    )
    problems += _max_len((*path, "value"), text_input.get("value"), TEXT_INPUT_VALUE_MAX)
    for key, low in (("min_length", 0), ("max_length", 1)):
        value = text_input.get(key)
        if isinstance(value, int) and not low <= value <= TEXT_INPUT_VALUE_MAX:
            problems.append(
                Problem(
                    (*path, key),
                    "NUMBER_TYPE_MAX",
                    f"Int value should be between {low} and {TEXT_INPUT_VALUE_MAX}.",
                )
            )
    return problems


def check_modal(data: Any) -> list[Problem]:
    """Check the ``data`` of a type 9 (modal) callback."""
    base: tuple[PathPart, ...] = ("data",)
    if not isinstance(data, Mapping):
        return [_required(base)]
    problems = _bad_len((*base, "title"), data.get("title"), 1, MODAL_TITLE_MAX)
    problems += _bad_len((*base, "custom_id"), data.get("custom_id"), 1, CUSTOM_ID_MAX)
    components = data.get("components")
    if not isinstance(components, list) or not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(
            Problem(
                (*base, "components"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
            )
        )
        return problems
    for i, component in enumerate(components):
        path = (*base, "components", i)
        if not isinstance(component, Mapping):
            continue
        kind = component.get("type")
        if kind == 1:
            children = component.get("components") or []
            if len(children) != 1:
                problems.append(
                    Problem(
                        (*path, "components"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 1 in length.",
                    )
                )
            for j, child in enumerate(children):
                if isinstance(child, Mapping) and child.get("type") == 4:
                    problems += _check_text_input((*path, "components", j), child, labelled=False)
        elif kind == 18:
            problems += _bad_len((*path, "label"), component.get("label"), 1, TEXT_INPUT_LABEL_MAX)
            problems += _max_len(
                (*path, "description"), component.get("description"), LABEL_DESCRIPTION_MAX
            )
            child = component.get("component")
            if not isinstance(child, Mapping):
                problems.append(_required((*path, "component")))
            elif child.get("type") == 4:
                problems += _check_text_input((*path, "component"), child, labelled=True)
            elif child.get("type") in SELECT_TYPES:
                problems += _check_select((*path, "component"), child)
        elif kind == 10:
            problems += _max_len((*path, "content"), component.get("content"), V2_TEXT_MAX)
        else:
            problems.append(
                Problem(
                    (*path, "type"),
                    "UNION_TYPE_CHOICES",
                    f"Component type {kind} is not allowed in a modal.",
                )
            )
    return problems


def check_choices(data: Any) -> list[Problem]:
    """Check the ``data`` of a type 8 (autocomplete result) callback."""
    if not isinstance(data, Mapping):
        return [_required(("data",))]
    choices = data.get("choices")
    if not isinstance(choices, list):
        return [_required(("data", "choices"))]
    problems = _max_items(("data", "choices"), choices, AUTOCOMPLETE_CHOICES_MAX)
    for i, choice in enumerate(choices):
        path: tuple[PathPart, ...] = ("data", "choices", i)
        if not isinstance(choice, Mapping):
            problems.append(_required(path))
            continue
        problems += _bad_len((*path, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            problems += _max_len((*path, "value"), value, CHOICE_VALUE_MAX)
        elif not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(_required((*path, "value")))
    return problems


def _check_command_options(path: tuple[PathPart, ...], options: Any) -> list[Problem]:
    if options is None:
        return []
    if not isinstance(options, list):
        return [Problem(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")]
    problems = _max_items(path, options, COMMAND_OPTIONS_MAX)
    seen_optional = False
    for i, option in enumerate(options):
        if not isinstance(option, Mapping):
            continue
        opath = (*path, i)
        name = option.get("name")
        if not isinstance(name, str) or not COMMAND_NAME_RE.match(name) or name != name.lower():
            problems.append(
                Problem(
                    (*opath, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            )
        problems += _bad_len(
            (*opath, "description"), option.get("description"), 1, COMMAND_DESCRIPTION_MAX
        )
        if option.get("type") in (1, 2):
            problems += _check_command_options((*opath, "options"), option.get("options"))
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(
                    Problem(
                        (*opath, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True
        choices = option.get("choices")
        problems += _max_items((*opath, "choices"), choices, AUTOCOMPLETE_CHOICES_MAX)
        for k, choice in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(choice, Mapping):
                cpath = (*opath, "choices", k)
                problems += _bad_len((*cpath, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
                problems += _max_len((*cpath, "value"), choice.get("value"), CHOICE_VALUE_MAX)
    return problems


def check_command(command: Any, base: tuple[PathPart, ...] = ()) -> list[Problem]:
    if not isinstance(command, Mapping):
        return [Problem(base, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")]
    problems: list[Problem] = []
    kind = command.get("type", 1)
    name = command.get("name")
    if kind == 1:
        if not isinstance(name, str) or not COMMAND_NAME_RE.match(name) or name != name.lower():
            problems.append(
                Problem(
                    (*base, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            )
        problems += _bad_len(
            (*base, "description"), command.get("description"), 1, COMMAND_DESCRIPTION_MAX
        )
        problems += _check_command_options((*base, "options"), command.get("options"))
    else:
        problems += _bad_len((*base, "name"), name, 1, 32)
    return problems


def check_commands(commands: Any) -> list[Problem]:
    """Check a bulk overwrite body (``PUT .../commands``)."""
    if not isinstance(commands, list):
        return [Problem((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")]
    problems = _max_items((), commands, COMMANDS_PER_SCOPE_MAX)
    seen: set[tuple[Any, Any]] = set()
    for i, command in enumerate(commands):
        problems += check_command(command, (i,))
        if isinstance(command, Mapping):
            key = (command.get("type", 1), command.get("name"))
            if key in seen:
                problems.append(
                    Problem(
                        (i, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        "Application command names must be unique",
                    )
                )
            seen.add(key)
    return problems


def prefixed(problems: Iterable[Problem], *prefix: PathPart) -> list[Problem]:
    return [Problem((*prefix, *p.path), p.code, p.message) for p in problems]


def errors_object(problems: Iterable[Problem]) -> JSON:
    """Nest problems the way Discord does: ``{"content": {"_errors": [{code, message}]}}``."""
    root: JSON = {}
    for problem in problems:
        node = root
        for part in problem.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return root


def invalid_form_body(problems: Iterable[Problem]) -> JSON:
    return {"message": "Invalid Form Body", "code": 50035, "errors": errors_object(problems)}
