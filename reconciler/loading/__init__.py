"""Loading an access repo: YAML -> desired-state model, with findings at file:line:column.

Must not import connectors, planning or anything above them.
"""

from reconciler.loading.repo import LoadResult, attach_positions, load_repo

__all__ = ["LoadResult", "attach_positions", "load_repo"]
