"""Rule data files: word lists (``vocab.yaml``), token patterns (``patterns.jsonl``), stop-lists.

Patterns are spaCy ``Matcher`` patterns with three additions, all resolved at load time:

- ``"@list_name"`` as the value of ``IN`` / ``NOT_IN`` is replaced by that word list;
- a token ``{"@": "class_name", ...}`` is replaced by the token class of that name from
  ``vocab.yaml`` (``token_classes``), merged with the other keys (``OP`` ...);
- each pattern line carries ``id`` (the rule name), ``label`` (or null: decided later),
  optionally ``entity`` (``[i, j]``: only pattern tokens i..j-1 are the mention), ``fields``
  (restrict to ``title`` or ``abstract``) and ``weight`` (votes when a concept's type is chosen);
- optionally ``not_after`` and ``not_before``: a token pattern (one token, as in ``pattern``) or
  a list of them that the word just before, or just after, a match must not fit; a match next to
  one is no mention
  ("physically «consistent shadow generation»", "«per-frame segmentation» masks").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from kg.datafiles import load_yaml
from kg.errors import RuleError
from kg.keys import pluralise_phrase

SPOT_DATA = Path(__file__).parent / "data"
"""Stage 1's data files: an edit here changes every paper's cache key (re-extraction)."""


@dataclass(frozen=True)
class Rule:
    """One token pattern and what its matches mean."""

    id: str
    label: str | None
    pattern: tuple[dict[str, Any], ...]
    entity: tuple[int, int] | None
    fields: tuple[str, ...]
    weight: int
    not_after: tuple[dict[str, Any], ...] | None = None
    not_before: tuple[dict[str, Any], ...] | None = None


VOCAB_FILES = ("vocab.yaml", "word_classes.yaml")
"""The word-list files of a rules folder: hand-written lists, and classes derived offline."""


def load_vocab(directory: Path) -> dict[str, Any]:
    """Word lists (lower-cased, plurals added where asked) and token classes of a rules folder.

    A list item ``"@name"`` includes the list of that name as loaded, with its own includes
    (``bad_modifiers`` takes ``@verbs``; ``phrase_followers`` takes ``@bad_modifiers``, which takes
    ``@verbs``); a list marked in ``pluralise`` gets the plurals of what it includes too.
    """
    raw: dict[str, Any] = {}
    for name in VOCAB_FILES:
        path = directory / name
        if path.exists():
            data = load_yaml(path, RuleError) or {}
            if not isinstance(data, dict):
                raise RuleError(f"{path}: expected a mapping of word-list names to lists")
            raw.update(data)
    plural = set(raw.pop("pluralise", []))
    classes = raw.pop("token_classes", {})
    lists: dict[str, list[str]] = {}
    for name, words in raw.items():
        if not isinstance(words, list):
            raise RuleError(f"{directory}: {name} should be a list of words")
        lists[name] = [str(w) for w in words]
    vocab: dict[str, Any] = {"token_classes": classes}

    def load(name: str, including: tuple[str, ...] = ()) -> list[str]:
        if name not in vocab:
            if name in including:
                raise RuleError(f"{directory}: {name} includes itself through {' -> '.join(including)}")
            words = []
            for word in lists[name]:
                if not word.startswith("@"):
                    words.append(word.lower())
                elif word[1:] not in lists:
                    raise RuleError(f"{directory}: {name} includes unknown list {word!r}")
                else:
                    words.extend(load(word[1:], (*including, name)))
            if name in plural:
                words = [form for w in words for form in (w, pluralise_phrase(w))]
            vocab[name] = sorted(set(words))
        return vocab[name]

    for name in lists:
        load(name)
    return vocab


def _expand_token(token: dict[str, Any], vocab: dict[str, Any], where: str) -> dict[str, Any]:
    token = dict(token)
    class_name = token.pop("@", None)
    if class_name is not None:
        if class_name not in vocab["token_classes"]:
            raise RuleError(f"{where}: unknown token class {class_name!r}")
        token = {**vocab["token_classes"][class_name], **token}
    return {key: _expand_value(value, vocab, where) for key, value in token.items()}


def _expand_value(value: Any, vocab: dict[str, Any], where: str) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in vocab:
            raise RuleError(f"{where}: unknown word list {value!r}")
        return vocab[value[1:]]
    if isinstance(value, dict):
        return {key: _expand_value(item, vocab, where) for key, item in value.items()}
    return value


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def load_rules(patterns_path: Path, vocab: dict[str, Any]) -> list[Rule]:
    """The token-pattern rules of a ``patterns.jsonl`` file, word lists and classes expanded."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for number, line in enumerate(patterns_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{patterns_path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise RuleError(f"{where}: {error.msg}") from error
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        if not rule_id or rule_id in seen:
            raise RuleError(f"{where}: every pattern needs a unique 'id'")
        seen.add(rule_id)
        entity = raw.get("entity")
        neighbours = {side: tuple(_expand_token(token, vocab, where) for token in _as_list(raw.get(side))) or None
                      for side in ("not_after", "not_before")}
        rules.append(
            Rule(
                id=rule_id,
                label=raw.get("label"),
                pattern=tuple(_expand_token(t, vocab, where) for t in raw["pattern"]),
                entity=tuple(entity) if entity else None,
                fields=tuple(raw.get("fields", ("title", "abstract"))),
                weight=int(raw.get("weight", 1)),
                **neighbours,
            )
        )
    return rules
