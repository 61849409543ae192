"""Query answers: column names and rows of plain values, printed as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Mapping

from kg.query.library import NamedQuery


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of plain Python values (nodes and relationships become dicts);
    ``text``: a drawing printed as it is in place of the table (the embedded engine's plans)."""

    columns: list[str]
    rows: list[list[Any]]
    text: str | None = None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def _cell(value: Any, width: int) -> str:
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_result(result: QueryResult, output_format: str, max_width: int = 60) -> str:
    """The result as an aligned text table, a JSON array of objects, or CSV (lists as JSON)."""
    if output_format == "json":
        return json.dumps(result.records(), ensure_ascii=False, indent=2)
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for v in row])
        return buffer.getvalue().rstrip("\n")
    if result.text is not None:
        return result.text.rstrip("\n")
    cells = [[_cell(v, max_width) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def format_list(queries: Mapping[str, NamedQuery]) -> str:
    """``kg query --list``: each query's name, parameters and purpose."""
    lines = []
    for query in queries.values():
        usage = " ".join(p.usage() for p in query.parameters)
        lines.append(f"{query.name}  {usage}".rstrip())
        lines.append(f"    {query.purpose}")
    return "\n".join(lines)
