"""The engine: puts loading, observing, planning, applying and reporting together.

loop.py: one plan or apply (load -> observe -> plan with policies -> apply).
run.py: the GitOps runs (`drift`, `reconcile`): the loop plus reports, audit and commits.
"""

from reconciler.engine.loop import (
    ConnectorFactory,
    Loaded,
    Planned,
    RunOptions,
    apply_plan,
    chosen_targets,
    load_desired,
    modmed_connector,
    plan,
)

__all__ = [
    "ConnectorFactory",
    "Loaded",
    "Planned",
    "RunOptions",
    "apply_plan",
    "chosen_targets",
    "load_desired",
    "modmed_connector",
    "plan",
]
