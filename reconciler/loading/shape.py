"""Shape validation: pydantic errors turned into findings a person can act on.

Pydantic knows what is wrong; this module says it in the file's own words (keys,
values, "did you mean") and keeps the node path so a position can be attached.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from reconciler.loading.suggest import did_you_mean
from reconciler.model.findings import Finding, NodePath

_FORMAT_HINTS = {
    "username": "may hold only letters, digits and . _ - @, starting with a letter or digit",
    "manager": "may hold only letters, digits and . _ - @, starting with a letter or digit",
    "transfer_to": "may hold only letters, digits and . _ - @, starting with a letter or digit",
    "protected": "may hold only letters, digits and . _ - @, starting with a letter or digit",
    "base_url": "must be an http:// or https:// URL",
    "username_env": "must be an environment variable name (letters, digits, _)",
    "password_env": "must be an environment variable name (letters, digits, _)",
    "totp_secret_env": "must be an environment variable name (letters, digits, _)",
    "author": "must look like 'Name <email>'",
    "targets": "must be lower-case letters, digits, - or _",
}

_TYPE_NAMES = {
    "string_type": "a string",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
}

_BOUNDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}

_YAML_TYPE = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    list: "a list",
    dict: "a mapping",
    type(None): "empty",
}


def _describe(value: Any) -> str:
    for kind, name in _YAML_TYPE.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def _label(loc: NodePath) -> str:
    """`roles[1]` for ('roles', 1), `targets.production.mode` for nested keys."""
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            if parts:
                parts[-1] += f"[{step}]"
            else:
                parts.append(f"[{step}]")
        else:
            parts.append(str(step))
    return ".".join(parts)


def _field_name(loc: NodePath) -> str:
    names = [step for step in loc if isinstance(step, str)]
    return names[-1] if names else ""


def _model_at(root: type[BaseModel], loc: NodePath) -> type[BaseModel] | None:
    """The model class that owns the mapping at `loc` (to suggest its keys)."""
    annotation = _resolve(root, loc)[1]
    return None if annotation is None else _inner_model(annotation)


def _resolve(root: type[BaseModel], loc: NodePath) -> tuple[NodePath, Any]:
    """`loc` without the tags pydantic inserts for discriminated unions, and the type at its end.

    An error inside a policy rule comes as ('rules', 0, 'inactivity', 'days'): the kind's tag
    is a step of the path but not a node of the file. The type is None once the path leaves
    the model (an unknown key).
    """
    annotation: Any = root
    clean: list[str | int] = []
    for step in loc:
        if annotation is not None:
            annotation = _strip_optional(_unannotated(annotation))
            member = _tagged_member(annotation, step)
            if member is not None:
                annotation = member
                continue
        clean.append(step)
        if annotation is None:
            continue
        if _is_dict(annotation):
            annotation = typing.get_args(annotation)[1]  # a dict key: step to the value type
        elif isinstance(step, int):
            if typing.get_origin(annotation) in (list, tuple):
                annotation = typing.get_args(annotation)[0]
            # otherwise the item type is found with the next key
        else:
            model = _inner_model(annotation)
            if model is None or step not in model.model_fields:
                annotation = None
            else:
                annotation = model.model_fields[step].annotation
    return tuple(clean), annotation


def _unannotated(annotation: Any) -> Any:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation


def _tagged_member(annotation: Any, step: str | int) -> type[BaseModel] | None:
    """The member of a union of models whose Literal tag is `step`, if `step` is one."""
    if not isinstance(step, str) or typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    members = [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
    if len(members) < 2:
        return None
    for member in members:
        for field in member.model_fields.values():
            tags = typing.get_args(field.annotation)
            if typing.get_origin(field.annotation) is typing.Literal and step in tags:
                return member
    return None


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _is_dict(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict


def _inner_model(annotation: Any) -> Any:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def findings_from(
    error: ValidationError, model: type[BaseModel], file: str, item_depth: int = 0
) -> list[Finding]:
    """Translate every pydantic error into a positioned-later Finding.

    `item_depth` leading steps of each error's path are kept for the position but left
    out of the message (a user's fields are named as `npi`, not `users[3].npi`).
    """
    findings: list[Finding] = []
    items = error.errors(include_url=False)
    locs = [_resolve(model, tuple(item["loc"]))[0] for item in items]
    for item, full in zip(items, locs, strict=True):
        if item["type"] == "too_short" and any(len(o) > len(full) and o[: len(full)] == full for o in locs):
            continue  # a list left empty only because its items failed: those errors say why
        prefix, loc = full[:item_depth], full[item_depth:]
        kind = item["type"]
        value = item.get("input")
        at_key = False
        field = _field_name(loc)
        label = _label(loc)
        node = loc
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
            node, at_key = loc, True
            field = _field_name(loc[:-1]) or field
            message = f"name '{loc[-1]}' under {_label(loc[:-1]) or 'the top level'} {_hint(field)}"
        elif kind == "extra_forbidden":
            owner = _model_at(model, tuple(item["loc"])[:-1])
            suggestion = did_you_mean(str(loc[-1]), owner.model_fields if owner else ())
            where = _label(loc[:-1])
            message = f"unknown key '{loc[-1]}'" + (f" in {where}" if where else "") + suggestion
            at_key = True
        elif kind == "missing":
            where = _label(loc[:-1])
            message = f"missing required key '{loc[-1]}'" + (f" in {where}" if where else "")
            node = loc[:-1]
        elif kind == "union_tag_invalid":
            key, tag = item["ctx"]["discriminator"].strip("'"), str(item["ctx"]["tag"])
            tags = [t.strip("'") for t in item["ctx"]["expected_tags"].split(", ")]
            hint = did_you_mean(tag, tags) or f"; expected one of: {', '.join(tags)}"
            message = f"unknown {key} '{tag}'{hint}"
            node = (*loc, key)
        elif kind == "union_tag_not_found":
            key, where = item["ctx"]["discriminator"].strip("'"), _label(loc)
            message = f"missing required key '{key}'" + (f" in {where}" if where else "")
        elif kind == "literal_error":
            choices = [c.strip("'") for c in re.split(r", | or ", item["ctx"]["expected"])]
            shown = ", ".join(choices)
            message = f"{label} '{value}' is not one of: {shown}" + did_you_mean(str(value), choices)
        elif kind == "value_error":
            message = item["msg"].removeprefix("Value error, ")
        elif kind == "string_pattern_mismatch":
            message = f"{label} '{value}' {_hint(field)}"
        elif kind == "string_too_short":
            message = f"{label} must not be empty"
        elif kind == "too_short":
            message = f"{label} must list at least one item"
        elif kind in _TYPE_NAMES:
            shown = "" if isinstance(value, (dict, list)) or value is None else f" ({value!r})"
            message = f"{label} must be {_TYPE_NAMES[kind]}, not {_describe(value)}{shown}"
            if field in ("start_date", "end_date") and isinstance(value, str):
                message = f"{label} '{value}' is not a valid date (YYYY-MM-DD)"
        elif kind in _BOUNDS:
            bound = next(iter(item["ctx"].values()))
            message = f"{label} must be {_BOUNDS[kind]} {bound}, not {value}"
        else:
            message = f"{label}: {item['msg']}"
        findings.append(Finding(file, 0, 0, "error", message, node=prefix + node, at_key=at_key))
    return findings


def _hint(field: str) -> str:
    return _FORMAT_HINTS.get(field, "does not have the expected format")
