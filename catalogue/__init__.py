"""Every fixed word the product shows, Korean first and English second, in one catalogue.

The catalogue is the YAML files next to this module: `chat.yaml` and `chat_*.yaml` (the bot, one
file per area; keys as written), `desk.yaml` (the web desk; read as `desk.<key>`) and `labels.yaml`
(names of the casework domain's values; read as `labels.<kind>.<value>`). A key defined twice, in
one file or in two, stops the process with both places. Each key has `ko` and `en`; both carry
the same `{name}` placeholders and HTML tags (checked by tests/test_catalogue.py). Manual content
(programmes, questions, reasons) has its own translations in the manual.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
PREFIXES = {"desk.yaml": "desk.", "labels.yaml": "labels."}  # chat*.yaml: no prefix
LANGS = ("ko", "en")


class CatalogueError(ValueError):
    """`file:line: what is wrong`, so a broken catalogue stops the bot at start-up."""


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    # PyYAML keeps the last of two equal keys without a word; a catalogue must not.
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise CatalogueError(
                f"{key_node.start_mark.name}:{line}: '{key}' is there twice (first: line {seen[key]})"
            )
        seen[key] = key_node.start_mark.line + 1
    return dict(loader.construct_pairs(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _read(path: Path, prefix: str) -> dict[str, tuple[str, str]]:
    with path.open(encoding="utf-8") as stream:
        loader = _Loader(stream)
        loader.name = str(path)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    out: dict[str, tuple[str, str]] = {}
    for key, entry in (data or {}).items():
        if not isinstance(entry, dict) or set(entry) != set(LANGS):
            raise CatalogueError(f"{path}: '{key}' needs exactly ko and en")
        ko, en = entry["ko"], entry["en"]
        if not (isinstance(ko, str) and isinstance(en, str) and ko and en):
            raise CatalogueError(f"{path}: '{key}' needs a non-empty ko and en")
        out[prefix + str(key)] = (ko, en)
    return out


@cache
def entries() -> dict[str, tuple[str, str]]:
    """Every key, read once per process."""
    found: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for path in sorted(HERE.glob("*.yaml")):
        prefix = PREFIXES.get(path.name, "")
        if not prefix and not path.name.startswith("chat"):
            raise CatalogueError(f"{path}: a catalogue file is chat*.yaml, desk.yaml or labels.yaml")
        for key, texts in _read(path, prefix).items():
            if key in found:
                raise CatalogueError(f"{path}: '{key}' is already in {where[key]}")
            found[key], where[key] = texts, path.name
    return found


def has(key: str) -> bool:
    return key in entries()


def t(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang` (English for "en", else Korean), with `values` filled in."""
    ko, en = entries()[key]
    text = en if lang == "en" else ko
    return text.format(**values) if values else text
