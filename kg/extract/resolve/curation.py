"""User corrections to the concepts: the curation file, applied in the corpus stage on every build.

Rules get concepts wrong in ways only a reader sees: two names of one model kept apart, an
acronym that means two things, a phrase that is no concept. A curation file (YAML, by default
``curation.yaml`` in the working directory, or ``kg build --curation PATH``) says how to fix
them; the corpus stage applies it on every build, so a fix never needs re-extraction::

    merge:                      # one concept; the first name is the one shown
      - [GPT-4o, GPT4o, gpt-4-omni]
    rename:                     # show a concept under another name (the old one stays an alias)
      llama 3: Llama-3
    split:                      # one name, different concepts in different papers
      - name: APE
        into:
          adaptive parallel encoding: [2502.05431]
          absolute position embedding: [2401.00001, 2401.00002]
    drop: [our framework, results]      # not concepts
    retype:                     # method, model, dataset, benchmark or task
      ClimaX: model
      MMLU: benchmark
    aliases:                    # other names of a concept, found in every paper's text
      retrieval-augmented generation: [RAG, retrieval augmented generation]

Names are matched the way concepts are keyed (case, plurals, hyphens and spaces fold, and a
lexicon alias finds its entry), so ``LLMs`` names the concept ``large language model``.
In a split, papers not listed keep the name's usual concept.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


from kg.errors import CurationError
from kg.keys import compact_key
from kg.schema import CONCEPT_TYPES

CURATION_FILE = Path("curation.yaml")
"""The curation file a build reads when none is given and this one exists."""

ACTIONS = ("merge", "rename", "split", "drop", "retype", "aliases")
RETYPES = (*CONCEPT_TYPES, "benchmark")



@dataclass(frozen=True)
class Split:
    """One name that stands for different concepts: ``into`` maps each concept name to the
    ids of the papers where the name means it."""

    name: str
    into: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Curation:
    """The corrections of one curation file, as written."""

    merge: tuple[tuple[str, ...], ...] = ()
    rename: tuple[tuple[str, str], ...] = ()
    split: tuple[Split, ...] = ()
    drop: tuple[str, ...] = ()
    retype: tuple[tuple[str, str], ...] = ()
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    source: str = ""

    @property
    def fingerprint(self) -> str:
        """A hash of the corrections themselves (not of the file: a comment edit changes nothing),
        so a worker can tell whether the resolver it keeps was built with these.

        >>> Curation(drop=("x",)).fingerprint == Curation(drop=("x",), source="other").fingerprint
        True
        >>> Curation(drop=("x",)).fingerprint == Curation(drop=("y",)).fingerprint
        False
        """
        actions = (self.merge, self.rename, self.split, self.drop, self.retype, self.aliases)
        return hashlib.sha256(repr(actions).encode("utf-8")).hexdigest()[:16]

    @classmethod
    def load(cls, path: Path) -> "Curation":
        """Read a curation file; :class:`CurationError` says what is wrong and where."""
        from kg.datafiles import load_yaml

        return cls.parse(load_yaml(path, CurationError) or {}, str(path))

    @classmethod
    def parse(cls, data: Any, where: str = "curation") -> "Curation":
        """A curation from its YAML data (a mapping of the actions in :data:`ACTIONS`)."""
        if not isinstance(data, dict):
            raise CurationError(f"{where}: expected a mapping of {', '.join(ACTIONS)}")
        unknown = set(data) - set(ACTIONS)
        if unknown:
            raise CurationError(f"{where}: unknown section(s) {', '.join(sorted(map(str, unknown)))}; use {', '.join(ACTIONS)}")
        retype = _pairs(data.get("retype"), f"{where}: retype")
        for name, kind in retype:
            if kind not in RETYPES:
                raise CurationError(f"{where}: retype {name!r}: {kind!r} is not one of {', '.join(RETYPES)}")
        return cls(
            merge=tuple(_names(group, f"{where}: merge") for group in _list(data.get("merge"), f"{where}: merge")),
            rename=_pairs(data.get("rename"), f"{where}: rename"),
            split=tuple(_split(item, f"{where}: split") for item in _list(data.get("split"), f"{where}: split")),
            drop=_names(data["drop"], f"{where}: drop") if data.get("drop") is not None else (),
            retype=retype,
            aliases=tuple((name, _names(aliases, f"{where}: aliases of {name!r}"))
                          for name, aliases in _mapping(data.get("aliases"), f"{where}: aliases").items()),
            source=where,
        )

    def alias_surfaces(self) -> list[str]:
        """The aliases to look for in every paper's text."""
        return sorted({alias for _, aliases in self.aliases for alias in aliases})


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CurationError(f"{where}: expected a list")
    return value


def _mapping(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CurationError(f"{where}: expected a mapping")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = tuple(str(item).strip() for item in items if item is not None and str(item).strip())
    if not names:
        raise CurationError(f"{where}: expected one or more names")
    return names


def _pairs(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(a).strip(), str(b).strip()) for a, b in _mapping(value, where).items())


def _split(item: Any, where: str) -> Split:
    if not isinstance(item, dict) or "name" not in item or not isinstance(item.get("into"), dict):
        raise CurationError(f"{where}: each split needs 'name' and 'into' (concept name: [paper ids])")
    into = tuple((str(name), tuple(str(p) for p in _list(papers, f"{where}: {name}")))
                 for name, papers in item["into"].items())
    return Split(str(item["name"]), into)


class AppliedCuration:
    """A curation as lookups on concept keys, and what it changed in one build.

    ``key_of`` turns a written name into the concept key the corpus stage gives it.
    """

    def __init__(self, curation: Curation, key_of: Callable[[str], str]):
        self.curation = curation
        self.key_of = key_of
        self.changed: Counter = Counter()  # mentions changed, per action
        self._target: dict[str, str] = {}  # compact key -> key (merge, rename, aliases)
        self._dropped: set[str] = set()
        self._splits: dict[tuple[str, str], str] = {}  # (compact key, paper id) -> key
        self._types: dict[str, tuple[str, str]] = {}  # final key -> (type, name as written)
        self._names: dict[str, str] = {}  # final key -> display name
        self._actions: dict[str, list[tuple[str, str]]] = {}  # compact key -> [(action, name as written)]
        self._used: set[tuple[str, str]] = set()
        for group in curation.merge:
            self._redirect("merge", group[0], group[1:], name=group[0])
        for old, new in curation.rename:
            self._redirect("rename", new, (old,), name=new)
        for canonical, aliases in curation.aliases:
            self._redirect("aliases", canonical, aliases)
        for split in curation.split:
            for name, papers in split.into:
                for paper in papers:
                    self._splits[(self._compact(split.name), paper)] = self.key_of(name)
                self._names.setdefault(self.key_of(name), name)
            self._watch("split", split.name)
        for name in curation.drop:
            self._dropped.add(self._compact(name))
            self._watch("drop", name)
        for name, kind in curation.retype:
            self._types[self.final_key(self.key_of(name))] = (kind, name)

    def _compact(self, name: str) -> str:
        return compact_key(self.key_of(name))

    def _watch(self, action: str, name: str) -> None:
        self._actions.setdefault(self._compact(name), []).append((action, name))

    def _redirect(self, action: str, canonical: str, others: tuple[str, ...], name: str | None = None) -> None:
        target = self.key_of(canonical)
        for other in others:
            self._target[self._compact(other)] = target
            self._watch(action, other)
        if name is not None:
            self._names[target] = name

    def final_key(self, key: str) -> str:
        """Where merges, renames and aliases send a key."""
        return self._target.get(compact_key(key), key)

    def key(self, key: str, paper_id: str) -> str | None:
        """The key a mention of ``key`` in ``paper_id`` gets, or None when it is dropped."""
        compact = compact_key(key)
        split = self._splits.get((compact, paper_id))
        if split is not None:
            self._count(compact, "split")
            return split
        if compact in self._dropped:
            self._count(compact, "drop")
            return None
        target = self._target.get(compact)
        if target is not None and target != key:
            self._count(compact, next(a for a, _ in self._actions[compact] if a in ("merge", "rename", "aliases")))
            return target
        return key

    def _count(self, compact: str, action: str) -> None:
        self.changed[action] += 1
        self._used.update((action, name) for a, name in self._actions.get(compact, ()) if a == action)

    def type_of(self, key: str) -> str | None:
        """The type the curation gives a concept (``benchmark`` included), if any."""
        if key not in self._types:
            return None
        kind, name = self._types[key]
        self._used.add(("retype", name))
        return kind

    def name_of(self, key: str) -> str | None:
        """The display name the curation gives a concept, if any."""
        return self._names.get(key)

    def report(self) -> list[str]:
        """What the curation changed in this build, and entries that matched nothing."""
        c = self.curation
        counts = [
            (len(c.merge), "merge group", "merge"), (len(c.rename), "rename", "rename"),
            (len(c.split), "split", "split"), (len(c.drop), "drop", "drop"),
            (sum(len(a) for _, a in c.aliases), "alias", "aliases"),
        ]
        parts = [f"{_plural(n, word)} ({_plural(self.changed[action], 'mention')})" for n, word, action in counts if n]
        if c.retype:
            parts.append(_plural(len(c.retype), "retype"))
        lines = [f"curation {c.source}: " + (", ".join(parts) or "empty")]
        listed = {entry for entries in self._actions.values() for entry in entries}
        listed |= {("retype", name) for _, name in self._types.values()}
        unused = sorted(listed - self._used)
        if unused:
            lines.append("curation entries that matched no mention: " + "; ".join(f"{a} {n!r}" for a, n in unused))
        return lines


def _plural(count: int, word: str) -> str:
    """A count and its noun.

    >>> _plural(1, "alias"), _plural(2, "alias"), _plural(0, "mention")
    ('1 alias', '2 aliases', '0 mentions')
    """
    return f"{count} {word}" if count == 1 else f"{count} {word}{'es' if word.endswith('s') else 's'}"
