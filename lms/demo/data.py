"""
Reading the demo academy's data files (YAML, in each app's demo/data/ folder).

The files are written by people, so every reader checks what it takes and stops at the first
mistake with the file and the entry named (`cases/demo/data/cases/weekly.yaml: cases[3]
“case-004” › body[1]: unknown block type 'transcrip'`), before anything is written.
Writers of new loaders use `DemoFile` for the file and `Where` for the place inside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail import blocks

# libyaml's parser when PyYAML was built with it (the wheels are): several times faster.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DemoDataError(ValueError):
    """A demo data file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Where:
    """A place in a data file, for error messages: the file and the path to the entry."""

    file: Path
    entry: str = ""

    def __str__(self) -> str:
        try:
            name = str(self.file.relative_to(settings.BASE_DIR))
        except ValueError:
            name = str(self.file)
        return f"{name}: {self.entry}" if self.entry else name

    def child(self, label: str) -> Where:
        return Where(self.file, f"{self.entry} › {label}" if self.entry else label)

    def error(self, problem: str) -> DemoDataError:
        return DemoDataError(f"{self}: {problem}")


class DemoFile:
    """One YAML file: `DemoFile(path).root` is its top-level mapping."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.where = Where(self.path)
        try:
            text = self.path.read_text(encoding="utf-8")
            data = yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
        except OSError as exc:
            raise self.where.error(f"cannot be read ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise self.where.error(f"is not valid YAML: {exc}") from exc
        self.root = mapping(data, self.where)

    def section(self, key: str, kind: type = list, *, required: bool = True):
        """A top-level section, checked to be a list (or a mapping) when present."""
        value = self.root.get(key)
        if value is None:
            if required:
                raise self.where.error(f"has no `{key}` section")
            return kind()
        if not isinstance(value, kind):
            raise self.where.child(key).error(f"should be a {_kind_name(kind)}")
        return value


def data_files(folder: Path) -> list[Path]:
    """Every YAML file in a folder, by name, so a new file is all a new batch needs."""
    return sorted(Path(folder).glob("*.yaml"))


def _kind_name(kind: type) -> str:
    return {list: "list", dict: "mapping", str: "text", int: "whole number"}.get(
        kind, kind.__name__
    )


def mapping(value: Any, where: Where) -> dict:
    if not isinstance(value, dict):
        raise where.error("should be a mapping of `key: value` lines")
    return value


def entries(items: Any, where: Where, label: str | None = None):
    """(where, item) for each mapping of a list; `label` names an entry by one of its keys."""
    if not isinstance(items, list):
        raise where.error("should be a list")
    for index, item in enumerate(items):
        name = f"[{index}]"
        if label and isinstance(item, dict) and item.get(label):
            name += f" “{item[label]}”"
        yield Where(where.file, f"{where.entry}{name}"), item


def fields(data: Any, where: Where, *, required: tuple = (), optional: dict | None = None) -> dict:
    """
    The entry's values, with the optional ones defaulted. A missing required key or a key
    nobody reads (usually a typo) is an error.
    """
    data = mapping(data, where)
    optional = optional or {}
    missing = [key for key in required if data.get(key) is None]
    if missing:
        raise where.error(f"missing {', '.join(f'`{key}`' for key in missing)}")
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        known = ", ".join(f"`{key}`" for key in (*required, *optional))
        raise where.error(f"unknown key `{unknown[0]}` (known: {known})")
    return {**optional, **{key: value for key, value in data.items() if value is not None}}


def of_type(value: Any, kind: type | tuple, where: Where, key: str):
    # bool is an int in Python; a `true` where a number belongs is still a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(_kind_name(k) for k in names)
        raise where.error(f"`{key}` should be a {wanted}, not {value!r}")
    return value


def one_of(value: Any, allowed, where: Where, key: str):
    """`allowed` is a TextChoices/IntegerChoices class or any collection of values."""
    values = list(getattr(allowed, "values", allowed))
    if value not in values:
        raise where.error(f"`{key}` is {value!r}; it should be one of {values}")
    return value


def known(name: Any, found: dict, where: Where, key: str, *, defined_in: str = ""):
    """Look a natural key up among what exists (categories by name, people by number...)."""
    if name not in found:
        source = f" (see {defined_in})" if defined_in else ""
        raise where.error(f"`{key}` names {name!r}, which does not exist{source}")
    return found[name]


def stream(stream_block, items: Any, where: Where) -> list[dict]:
    """
    A StreamField's raw data from blocks written as `- block_type: value`, checked against
    the page's own StreamBlock: first the shape (a struct's fields by name, lists as lists,
    text as text), then the block's own validation (required fields, lengths, choices), the
    way the CMS form checks it. Any block type the page knows can be written, so new kinds
    of content need no new loader code.
    """
    if not isinstance(items, list) or not items:
        raise where.error("should be a list of blocks, each written as `- block_type: value`")
    raw = []
    for index, item in enumerate(items):
        here = Where(where.file, f"{where.entry}[{index}]")
        if not isinstance(item, dict) or len(item) != 1:
            raise here.error("a block is written as `- block_type: value`")
        ((block_type, value),) = item.items()
        if block_type not in stream_block.child_blocks:
            raise here.error(
                f"unknown block type {block_type!r} (known: {', '.join(stream_block.child_blocks)})"
            )
        block = stream_block.child_blocks[block_type]
        _shape(block, value, here.child(block_type))
        with translation.override("en"):
            try:
                block.clean(block.to_python(value))
            except ValidationError as exc:
                problems = "; ".join(_messages(exc)) or "is not valid"
                raise here.error(f"{block_type}: {problems}") from exc
        raw.append({"type": block_type, "value": value})
    return raw


def _shape(block, value: Any, where: Where) -> None:
    """What YAML gives matches the block's structure (Wagtail would quietly coerce it)."""
    if isinstance(block, blocks.StructBlock):
        value = mapping(value, where)
        unknown = sorted(set(value) - set(block.child_blocks))
        if unknown:
            known_names = ", ".join(block.child_blocks)
            raise where.error(f"unknown field `{unknown[0]}` (fields: {known_names})")
        for name, child in block.child_blocks.items():
            if name in value and value[name] is not None:
                _shape(child, value[name], where.child(name))
    elif isinstance(block, blocks.ListBlock):
        if not isinstance(value, list):
            raise where.error("should be a list")
        for index, item in enumerate(value):
            _shape(block.child_block, item, Where(where.file, f"{where.entry}[{index}]"))
    elif isinstance(block, blocks.StreamBlock):
        stream(block, value, where)
    elif (
        isinstance(block, blocks.FieldBlock)
        and not isinstance(block, blocks.ChooserBlock)
        and isinstance(value, dict | list)
    ):
        raise where.error(f"should be a single value, not {type(value).__name__}")


def stream_json(raw: list[dict]) -> str:
    return json.dumps(raw, ensure_ascii=False)


def _messages(error: ValidationError, path: str = "") -> list[str]:
    """A block's validation error as `field[index].field: message` lines."""
    data = error.as_json_data() if hasattr(error, "as_json_data") else None
    if not data:
        return [f"{path}: {m}" if path else str(m) for m in error.messages]
    return _flatten(data, path)


def _flatten(data: dict, path: str) -> list[str]:
    lines = [f"{path}: {message}" if path else message for message in data.get("messages", [])]
    errors = data.get("blockErrors", {})
    for key, child in errors.items() if isinstance(errors, dict) else enumerate(errors):
        if child:
            name = f"{path}[{key}]" if str(key).isdigit() else f"{path}.{key}".lstrip(".")
            lines += _flatten(child, name)
    return lines
