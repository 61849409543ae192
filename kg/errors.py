"""One family of errors: everything kg raises on purpose is a :class:`KgError`.

Each subclass names a cause; its message names the file and line, or the setting to change.
The CLI catches :class:`KgError` once and prints it as one ``kg: error: …`` line with the
exit code the class carries; anything else reaching the user is a bug.

>>> issubclass(CurationError, KgError), CurationError.exit_code
(True, 1)
"""

from __future__ import annotations


class KgError(Exception):
    """Base of every error kg raises on purpose; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(KgError):
    """The input cannot be read at all (missing, unreadable, unknown format, or holds no paper)."""


class GraphFileError(InputError):
    """A graph file (graph.json, graph.graphml) is missing, damaged or not one kg build wrote."""


class GoldFileError(InputError):
    """A gold annotation file (``kg eval``, ``kg extract --gold``) is malformed or holds no record."""


class OutputError(KgError):
    """An export or output file cannot be written (not a folder, read-only, disk full)."""


class SchemaError(KgError, ValueError):
    """The graph carries something the schema does not declare, or misses something it requires."""


class RuleError(KgError, ValueError):
    """A rule data file (patterns, word lists) is malformed."""


class LexiconError(KgError, ValueError):
    """A lexicon file is malformed."""


class CurationError(KgError, ValueError):
    """A curation file is malformed."""


class WorkerMismatch(KgError, RuntimeError):
    """A worker runs other rules or data than the driver (a cluster node with another kg)."""


class SchedulerError(KgError):
    """``--scheduler`` names no Dask scheduler kg can reach (wrong usage: exit 2)."""

    exit_code = 2


class UnknownPaperError(KgError, ValueError):
    """``kg update --remove`` names a paper the build does not hold (wrong usage: exit 2)."""

    exit_code = 2


class SelectionError(KgError, ValueError):
    """A selection names a node, type or relation the graph does not have."""

    exit_code = 2


class BulkCsvError(KgError, ValueError):
    """A value cannot be written to a bulk-import CSV without changing its meaning."""


class QueryError(KgError, ValueError):
    """A query that does not exist, was given wrong parameters, or would write without permission."""

    exit_code = 2


class ServerProblem(KgError, RuntimeError):
    """Neo4j could not be used: unreachable, refused the credentials, no such database, or a query failed."""

    exit_code = 3


class ExportRefused(KgError):
    """An export that would remove every paper the database holds (an empty or unrelated graph)
    without ``--replace`` (wrong usage: exit 2)."""

    exit_code = 2


class LauncherError(KgError, RuntimeError):
    """The local Neo4j could not be fetched or started."""

    exit_code = 3
