"""The Bot API spec (api.json, shipped with the package) and checks of call parameters.

Form-encoded calls carry every value as a string; `decode_params` turns them back into JSON
values the way the Bot API server does (by the declared field type), and `check_params`
refuses missing required fields and obviously wrong types with Telegram-like wording.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from bot.fakeapi.errors import ApiError, bad_request

_MUST_BE = re.compile(r"must be (?:\*|_)?([a-z_]+)")
_REQUIRED_WORDING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "callback_query_id": "query is too old and response timeout expired or query ID is invalid",
    "inline_query_id": "query is too old and response timeout expired or query ID is invalid",
}


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed api.json (Bot API version, methods, types)."""
    text = resources.files("bot.fakeapi").joinpath("api.json").read_text(encoding="utf-8")
    return json.loads(text)


def method_spec(name: str) -> dict[str, Any] | None:
    """The spec of a method, or None when Telegram has no such method."""
    return load_spec()["methods"].get(name)


def decode_params(method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Turn form-field strings into JSON values by the field's declared types."""
    spec = method_spec(method)
    fields = {f["name"]: f["types"] for f in spec.get("fields", [])} if spec else {}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        types = fields.get(name, ["?"])
        if isinstance(value, str) and types != ["String"]:
            try:
                out[name] = json.loads(value)
            except ValueError:
                out[name] = value
        else:
            out[name] = value
    return out


def check_params(method: str, params: dict[str, Any]) -> None:
    """Refuse a call whose required fields are missing or whose values have wrong types."""
    spec = method_spec(method)
    if spec is None:
        raise ApiError("Not Found", status=404)
    for field in spec.get("fields", []):
        name = field["name"]
        if name not in params or params[name] is None:
            if field["required"]:
                raise bad_request(_REQUIRED_WORDING.get(name, f'parameter "{name}" is required'))
            continue
        problem = _check_value(params[name], field["types"])
        if problem:
            raise bad_request(f'field "{name}": {problem}')


def _check_value(value: Any, types: list[str]) -> str | None:
    """None when `value` fits one of `types`, else a short reason."""
    problems = []
    for type_name in types:
        problem = _check_one(value, type_name)
        if problem is None:
            return None
        problems.append(problem)
    return problems[0]


def _check_one(value: Any, type_name: str) -> str | None:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return f"must be of type {type_name}"
        inner = type_name[len("Array of ") :]
        for item in value:
            problem = _check_one(item, inner)
            if problem:
                return problem
        return None
    if type_name == "Integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.lstrip("-").isdigit()
        )
        return None if ok else "must be of type Integer"
    if type_name == "Float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "must be of type Float"
    if type_name == "Boolean":
        return None if isinstance(value, bool) else "must be of type Boolean"
    if type_name == "String":
        ok = isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else "must be of type String"
    if type_name in ("InputFile", "True"):
        return None
    return _check_object(value, type_name)


def _check_object(value: Any, type_name: str) -> str | None:
    """Check a JSON object against a spec type (choosing the subtype of abstract types)."""
    types = load_spec()["types"]
    tspec = types.get(type_name)
    if tspec is None:
        return None
    if not isinstance(value, dict):
        return f"can't parse {type_name} JSON object"
    subtypes = tspec.get("subtypes")
    if subtypes:
        chosen = _choose_subtype(value, subtypes)
        if chosen is None:
            return f"can't parse {type_name}: unknown type"
        return _check_object(value, chosen)
    for field in tspec.get("fields", []):
        name = field["name"]
        if name not in value:
            if field["required"]:
                return f"can't parse {type_name}: Can't find field \"{name}\""
            continue
        problem = _check_value(value[name], field["types"])
        if problem:
            return f'can\'t parse {type_name}: Field "{name}" {problem}'
    return None


def _choose_subtype(value: dict[str, Any], subtypes: list[str]) -> str | None:
    """The subtype named by the object's `type`/`source` tag, else the first that fits."""
    types = load_spec()["types"]
    for sub in subtypes:
        for field in types[sub].get("fields", []):
            if field["name"] in ("type", "source", "status"):
                desc = field.get("description", "")
                m = _MUST_BE.search(desc if isinstance(desc, str) else " ".join(desc))
                if m and value.get(field["name"]) == m.group(1):
                    return sub
    for sub in subtypes:
        required = [f["name"] for f in types[sub].get("fields", []) if f["required"]]
        if required and all(name in value for name in required):
            return sub
    return None


def utf8_problem(value: Any) -> bool:
    """True when some string inside `value` is not encodable as UTF-8 (lone surrogates)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(utf8_problem(k) or utf8_problem(v) for k, v in value.items())
    if isinstance(value, list):
        return any(utf8_problem(v) for v in value)
    return False
