"""The extraction cache: what the per-paper passes of both stages found, on disk, in SQLite.

A stage-1 record is keyed by a hash of the paper's text (the fields stage 1 reads) and the
per-paper rules' fingerprint (:func:`kg.extract.pipeline.pipeline_fingerprint`), so an edited
pattern or word list misses every key while a lexicon, curation or relation-cue edit (stage 2)
keeps them all. Records are written a shard at a time, one transaction each: a build killed
mid-way leaves every finished shard usable and no half-written record, because SQLite never
shows an uncommitted transaction to a reader.

Stage 2's per-paper pass (a paper's drafts: :meth:`Resolver.draft_paper`) is stored under the
same key with the resolver's fingerprint (its data files, the curation and its code), the long
forms the paper defines, and the digest of the corpus's long forms it was drafted with (the one
corpus fact a draft reads): :mod:`kg.extract.run` drafts again only the papers whose text holds
a long form that changed since (:meth:`Resolver.papers_with`).

>>> from kg.records import Paper
>>> a = Paper(id="1", title="T", abstract="A.", source="x")
>>> b = Paper(id="2", title="T", abstract="A.", source="y")
>>> paper_key(a, "rules-v1") == paper_key(b, "rules-v1") != paper_key(a, "rules-v2")
True
"""

from __future__ import annotations

import errno
import hashlib
import json
import marshal
import os
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from kg.errors import OutputError
from kg.parallel import shards_of
from kg.records import FIELDS, Paper, SpottedPaper

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spotted (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    record BLOB NOT NULL
)
"""
_DRAFT_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS drafted (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        defines TEXT NOT NULL,
        long_forms TEXT NOT NULL,
        record BLOB NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS long_forms (
        digest TEXT PRIMARY KEY,
        forms BLOB NOT NULL
    )""",
)
_LOOKUP_BATCH = 500  # SQLite limits the parameters of one statement


def paper_key(paper: Paper, fingerprint: str) -> str:
    """The cache key of a paper's stage-1 record: its text and the rules, not its id."""
    digest = hashlib.sha256(fingerprint.encode())
    for name in FIELDS:
        digest.update(b"\0" + paper.text(name).encode())
    return digest.hexdigest()


def encode_spotted(spotted: SpottedPaper) -> bytes:
    """A stage-1 record as stored: compact JSON (``SpottedPaper.to_json``), zlib-compressed."""
    return zlib.compress(json.dumps(spotted.to_json(), separators=(",", ":"), ensure_ascii=False).encode(), 1)


def decode_spotted(record: bytes, paper: Paper) -> SpottedPaper:
    """The stored record, for ``paper`` (papers with the same text share one record)."""
    spotted = SpottedPaper.from_json(json.loads(zlib.decompress(record)))
    return spotted if spotted.paper_id == paper.id else replace(spotted, paper_id=paper.id)


def long_forms_digest(long_forms: tuple[str, ...]) -> str:
    """What the stored drafts name the corpus's long forms they were drafted with by."""
    return hashlib.sha256("\n".join(long_forms).encode()).hexdigest()[:16]


BROKEN_RECORD = (zlib.error, ValueError, KeyError, TypeError, AttributeError, EOFError)
"""What decoding a damaged stored record raises."""


def disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the disk is full: SQLITE_FULL, SQLITE_IOERR_SHMSIZE (the WAL index
    cannot grow: what a full disk gives while a WAL database is opened) or ENOSPC."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == sqlite3.SQLITE_FULL or code == sqlite3.SQLITE_IOERR_SHMSIZE
    return getattr(error, "errno", None) == errno.ENOSPC


def _full_disk(path: Path, error: BaseException) -> OutputError:
    cause = getattr(error, "sqlite_errorname", None) or getattr(error, "strerror", None) or str(error)
    return OutputError(f"{path}: cannot write the cache: no space left on the disk ({cause}); "
                       "free some space, or put the cache on another disk (--cache PATH; TMPDIR with --no-cache)")


@contextmanager
def _full_disk_is_an_error(path: Path) -> Iterator[None]:
    """A full disk while the cache is opened or written is one :class:`OutputError` naming the
    cache; SQLite has rolled the transaction back, so the cache holds what it held before and
    the next build can use it. Any other failure passes on unchanged."""
    try:
        yield
    except (sqlite3.OperationalError, OSError) as error:
        if disk_full(error):
            raise _full_disk(path, error) from error
        raise


class SpotCache:
    """Stage-1 records (for one rules fingerprint) and stage 2's per-paper drafts in one SQLite file."""

    def __init__(self, path: Path, fingerprint: str):
        self.path = path
        self.fingerprint = fingerprint
        with _full_disk_is_an_error(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(path, timeout=60)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")  # atomic, not necessarily durable on power loss
            for table in (_SCHEMA, *_DRAFT_SCHEMA):
                self.connection.execute(table)
            # another schema fails here
            self.connection.execute("SELECT key, fingerprint, record FROM spotted LIMIT 1").fetchall()
            self.connection.execute("SELECT key, fingerprint, defines, long_forms, record FROM drafted LIMIT 1").fetchall()
            self.connection.commit()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction: committed whole, or (also on a full disk) rolled back whole."""
        with _full_disk_is_an_error(self.path), self.connection:
            yield

    def key(self, paper: Paper) -> str:
        return paper_key(paper, self.fingerprint)

    def missing(self, keys: Sequence[str]) -> set[str]:
        """The keys the cache holds no record for."""
        found: set[str] = set()
        for batch in shards_of(keys, _LOOKUP_BATCH):
            marks = ",".join("?" * len(batch))
            found.update(row[0] for row in self.connection.execute(f"SELECT key FROM spotted WHERE key IN ({marks})", batch))
        return set(keys) - found

    def put(self, records: Iterable[tuple[str, bytes]]) -> None:
        """Store records in one transaction: all of them become visible, or none."""
        with self._writing():
            self.connection.executemany(
                "INSERT OR REPLACE INTO spotted (key, fingerprint, record) VALUES (?, ?, ?)",
                ((key, self.fingerprint, record) for key, record in records),
            )

    def get(self, key: str) -> bytes:
        row = self.connection.execute("SELECT record FROM spotted WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def records(self, papers: Iterable[Paper]) -> Iterator[tuple[Paper, SpottedPaper]]:
        """Each paper with its stage-1 record, in the papers' order."""
        for paper in papers:
            yield paper, decode_spotted(self.get(self.key(paper)), paper)

    def drop_broken(self, papers: Iterable[Paper]) -> int:
        """Delete the records and drafts of these papers that cannot be decoded (a damaged cache
        file): they become cache misses and are extracted or drafted again; how many."""
        broken: dict[str, list[tuple[str]]] = {"spotted": [], "drafted": []}
        for paper in papers:
            key = self.key(paper)
            for table, decode in (("spotted", lambda: decode_spotted(self.get(key), paper)),
                                  ("drafted", lambda: self._decode_drafted(key))):
                try:
                    decode()
                except KeyError:
                    continue
                except BROKEN_RECORD:
                    broken[table].append((key,))
        sets = []
        for digest, forms in self.connection.execute("SELECT digest, forms FROM long_forms"):
            try:
                json.loads(zlib.decompress(forms))
            except BROKEN_RECORD:
                sets.append((digest,))
        with self._writing():
            for table, keys in broken.items():
                self.connection.executemany(f"DELETE FROM {table} WHERE key = ?", keys)
            self.connection.executemany("DELETE FROM long_forms WHERE digest = ?", sets)
        return sum(map(len, broken.values())) + len(sets)

    def _decode_drafted(self, key: str) -> None:
        """Decode ``key``'s stored drafts and the forms it defines (raising what a damaged one raises)."""
        self.drafts(key)
        for (defines,) in self.connection.execute("SELECT defines FROM drafted WHERE key = ?", (key,)):
            json.loads(defines)

    def drop_other_rules(self) -> int:
        """Delete records of other rule fingerprints (they can never hit again), and the drafts
        made from them; how many records."""
        with self._writing():
            dropped = self.connection.execute("DELETE FROM spotted WHERE fingerprint != ?", (self.fingerprint,)).rowcount
            if dropped:
                self.connection.execute("DELETE FROM drafted WHERE key NOT IN (SELECT key FROM spotted)")
                self.connection.execute("DELETE FROM long_forms WHERE digest NOT IN (SELECT long_forms FROM drafted)")
            return dropped

    def close(self) -> None:
        self.connection.close()

    # --- stage 2's per-paper pass -----------------------------------------------------------

    def drafted(self, keys: Sequence[str], fingerprint: str) -> dict[str, tuple[tuple[str, ...], str]]:
        """For each key with stage-2 drafts of the resolver ``fingerprint`` (its data files and
        code): the long forms that paper defines, and the digest of the corpus's long forms
        it was drafted with (:meth:`long_forms`)."""
        found = {}
        for batch in shards_of(sorted(set(keys)), _LOOKUP_BATCH):
            marks = ",".join("?" * len(batch))
            rows = self.connection.execute(f"SELECT key, defines, long_forms FROM drafted WHERE fingerprint = ? "
                                           f"AND key IN ({marks})", [fingerprint, *batch])
            found.update((key, (tuple(json.loads(defines)), digest)) for key, defines, digest in rows)
        return found

    def drafts(self, key: str) -> list:
        """The stored drafts of ``key``: :meth:`put_drafts`'s rows."""
        return next(self.drafts_of([key]))

    def drafts_of(self, keys: Sequence[str]) -> Iterator[list]:
        """The stored drafts of each key, in the keys' order (a batch of keys a query)."""
        for batch in shards_of(keys, _LOOKUP_BATCH):
            marks = ",".join("?" * len(batch))
            found = dict(self.connection.execute(f"SELECT key, record FROM drafted WHERE key IN ({marks})", batch))
            for key in batch:
                if key not in found:
                    raise KeyError(key)
                yield _decoded_drafts(found[key])

    def long_forms(self, digest: str) -> frozenset[str]:
        """The corpus's long forms stored under ``digest`` (:meth:`put_drafts`)."""
        row = self.connection.execute("SELECT forms FROM long_forms WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            raise KeyError(digest)
        return frozenset(json.loads(zlib.decompress(row[0])))

    def put_long_forms(self, long_forms: tuple[str, ...]) -> str:
        """Store the corpus's long forms a build drafts with; their digest."""
        digest = long_forms_digest(long_forms)
        forms = zlib.compress(json.dumps(long_forms, separators=(",", ":"), ensure_ascii=False).encode(), 1)
        with self._writing():
            self.connection.execute("INSERT OR IGNORE INTO long_forms (digest, forms) VALUES (?, ?)", (digest, forms))
        return digest

    def put_drafts(self, fingerprint: str, digest: str, drafted: Iterable[tuple[str, tuple[str, ...], list]]) -> None:
        """Store papers' (key, the long forms it defines, its drafts' rows), drafted with the
        resolver ``fingerprint`` and the corpus long forms of ``digest``, in one transaction."""
        with self._writing():
            self.connection.executemany(
                "INSERT OR REPLACE INTO drafted (key, fingerprint, defines, long_forms, record) VALUES (?, ?, ?, ?, ?)",
                ((key, fingerprint, json.dumps(defines, ensure_ascii=False), digest,
                  zlib.compress(marshal.dumps(rows), 1))
                 for key, defines, rows in drafted))

    def confirm_drafts(self, digest: str, keys: Iterable[str]) -> None:
        """Mark the stored drafts of ``keys`` as drafted with the long forms of ``digest`` too
        (their papers hold none of the forms that changed), and forget the sets of forms no
        draft refers to any more."""
        with self._writing():
            for batch in shards_of(sorted(set(keys)), _LOOKUP_BATCH):
                marks = ",".join("?" * len(batch))
                self.connection.execute(f"UPDATE drafted SET long_forms = ? WHERE key IN ({marks})", [digest, *batch])
            self.connection.execute("DELETE FROM long_forms WHERE digest NOT IN (SELECT long_forms FROM drafted)")

    def __enter__(self) -> "SpotCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _decoded_drafts(record: bytes) -> list:
    """Stored drafts' rows: marshal (tuples and lists of str, int and bool come back as they
    went in: with ``Draft(*row)`` half the time of JSON and rebuilding tuples), zlib-compressed,
    whose checksum turns a damaged record into a ``zlib.error`` before marshal reads it."""
    return marshal.loads(zlib.decompress(record))


def open_spot_cache(path: Path, fingerprint: str) -> tuple[SpotCache, str | None]:
    """The cache at ``path``, and a warning when the file there was not a usable cache (random
    bytes, another program's database, a folder): it is set aside as ``PATH.broken`` and a
    new one started, so a broken cache never blocks a build. A full disk is not a broken cache:
    it is an :class:`OutputError`, and the cache stays where it is."""
    try:
        return SpotCache(path, fingerprint), None
    except (sqlite3.DatabaseError, OSError) as error:
        aside = path.with_name(path.name + ".broken")
        try:
            if aside.is_dir() and not aside.is_symlink():
                import shutil

                shutil.rmtree(aside)
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            cache = SpotCache(path, fingerprint)
        except (sqlite3.DatabaseError, OSError) as again:
            raise OutputError(f"{path}: the cache cannot be used ({again}); remove it or use --no-cache") from again
        return cache, f"kg: warning: {path} was not a usable cache ({error}); moved to {aside}, a new one started"


def fingerprint(*paths: Path, extra: str = "") -> str:
    """A hash of the given data files' bytes (and ``extra``): what a cache of their output keys on."""
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]

