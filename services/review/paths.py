"""Fields of a record by dotted path (`requests.granted.total`, `metadata.agency`,
`problems.0`), as `Record.iter_fields()` names them, and the keys review items use."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Literal, get_args

from schemas.record import Field, Record

ListName = Literal["problems", "measures", "plans"]
LISTS: tuple[ListName, ...] = get_args(ListName)
GRIDS = ("proactive", "requests", "reviews_litigation")
# The first segment of a path: what the queue's `table` filter takes.
TableName = Literal[
    "classification",
    "metadata",
    "proactive",
    "requests",
    "reviews_litigation",
    "narrative",
    "problems",
    "measures",
    "plans",
]
TABLES: tuple[TableName, ...] = get_args(TableName)


class UnknownPathError(KeyError):
    """The record has no field at this path (raised as a plain KeyError subclass: callers
    turn it into the error that fits where the path came from)."""


def table_of(path: str) -> str:
    return path.split(".", 1)[0]


def list_name_of(path: str) -> ListName | None:
    head = table_of(path)
    for name in LISTS:
        if head == name:
            return name
    return None


def get_field(record: Record, path: str) -> Field:
    parts = path.split(".")
    try:
        if parts[0] in ("classification", "metadata") and len(parts) == 2:
            field = getattr(getattr(record, parts[0]), parts[1])
            if isinstance(field, Field):
                return field
        elif parts[0] in GRIDS and len(parts) == 3:
            field = getattr(record, parts[0])[parts[1]][parts[2]]
            if isinstance(field, Field):
                return field
        elif parts[0] == "narrative" and len(parts) == 2:
            return record.narrative[parts[1]]
        elif list_name_of(path) is not None and len(parts) == 2:
            return _list(record, parts[0])[_index(parts[1])]
    except (AttributeError, KeyError, IndexError, ValueError):
        pass
    raise UnknownPathError(path)


def set_field(record: Record, path: str, field: Field) -> None:
    """Replace the field at `path`; a classification field also sets the record's own
    `doc_type` / `format_version` / `script`, which mirror it."""
    get_field(record, path)  # the path must exist: nothing is created by accident
    parts = path.split(".")
    if parts[0] in ("classification", "metadata"):
        setattr(getattr(record, parts[0]), parts[1], field)
        if parts[0] == "classification":
            setattr(record, parts[1], field.value)
    elif parts[0] in GRIDS:
        getattr(record, parts[0])[parts[1]][parts[2]] = field
    elif parts[0] == "narrative":
        record.narrative[parts[1]] = field
    else:
        _list(record, parts[0])[_index(parts[1])] = field


def remove_item(record: Record, path: str) -> Field:
    get_field(record, path)
    list_name, index = path.split(".")
    return _list(record, list_name).pop(_index(index))


def insert_item(record: Record, list_name: ListName, field: Field) -> str:
    """Insert in document order (by evidence position); returns the new item's path."""
    items = _list(record, list_name)
    start = field.source.start if field.source else None
    at = len(items)
    if start is not None:
        for i, item in enumerate(items):
            if item.source is not None and item.source.start > start:
                at = i
                break
    items.insert(at, field)
    return f"{list_name}.{at}"


def keyed_fields(record: Record) -> Iterator[tuple[str, str, Field]]:
    """(item key, path, field) for every field. A list item's key is its text (and which
    occurrence of that text), so it survives other items being removed or inserted."""
    seen: dict[str, int] = {}
    for path, field in record.iter_fields():
        name = list_name_of(path)
        if name is None:
            yield path, path, field
            continue
        digest = hashlib.sha256(str(field.value).encode("utf-8")).hexdigest()[:20]
        base = f"{name}:{digest}"
        seen[base] = seen.get(base, 0) + 1
        yield f"{base}:{seen[base]}", path, field


def _list(record: Record, name: str) -> list[Field]:
    items = getattr(record, name)
    assert isinstance(items, list)
    return items


def _index(text: str) -> int:
    if not text.isdigit():
        raise ValueError(text)
    return int(text)
