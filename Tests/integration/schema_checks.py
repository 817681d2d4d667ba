"""A bounded JSON schema and a strict validator for the subset of JSON Schema it uses, shared by the
structured-output tests of each front (Chat Completions, Responses)."""

from __future__ import annotations

FORECAST = {
    "type": "object",
    "properties": {
        "sky": {"enum": ["sunny", "cloudy", "rain"]},
        "windy": {"type": "boolean"},
        "level": {"type": "integer", "minimum": 0, "maximum": 12},
        "note": {"type": "string", "maxLength": 8},
        "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}, "maxItems": 2},
        "extra": {"anyOf": [{"type": "null"}, {"const": 42}]},
    },
    "required": ["sky", "windy", "level", "note", "tags", "extra"],
    "additionalProperties": False,
    "$defs": {"tag": {"type": "string", "enum": ["a", "b"]}},
}


def validate(value, schema: dict, root: dict, where: str = "$") -> None:
    """The subset of JSON Schema the schemas above use, strictly."""
    if "$ref" in schema:
        return validate(value, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, where)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return validate(value, option, root, where)
            except AssertionError as error:
                errors.append(str(error))
        raise AssertionError(f"{where}: no anyOf option matches: {errors}")
    if "const" in schema:
        assert value == schema["const"] and type(value) is type(schema["const"]), f"{where}: {value!r} is not the const"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), f"{where}: not an object"
        assert set(schema["required"]) <= set(value), f"{where}: missing {set(schema['required']) - set(value)}"
        assert set(value) <= set(schema["properties"]), f"{where}: extra keys {set(value) - set(schema['properties'])}"
        for name, item in value.items():
            validate(item, schema["properties"][name], root, f"{where}.{name}")
    elif kind == "array":
        assert isinstance(value, list), f"{where}: not an array"
        assert len(value) <= schema.get("maxItems", len(value)), f"{where}: too many items"
        for index, item in enumerate(value):
            validate(item, schema["items"], root, f"{where}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: not a string"
        assert len(value) <= schema.get("maxLength", len(value)), f"{where}: {value!r} too long"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: not an integer"
        assert schema.get("minimum", value) <= value <= schema.get("maximum", value), f"{where}: {value} out of range"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: not a boolean"
    elif kind == "null":
        assert value is None, f"{where}: not null"
