"""Findings about the access repo: a severity, a message and where in which file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
# A path into a YAML document: mapping keys and sequence indexes, e.g. ("users", 3, "npi").
NodePath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, positioned as `file:line:column` (1-based) when the node is known."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str
    # Where the finding points before positions are resolved; `key` points at the key
    # itself (unknown keys) rather than its value.
    node: NodePath = field(default=(), compare=False, repr=False)
    at_key: bool = field(default=False, compare=False, repr=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def render(self) -> str:
        where = self.file if self.line == 0 else f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }
