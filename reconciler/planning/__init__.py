"""Planning: desired (Git) + observed (console) -> Plan. Pure and deterministic.

diff decides the actions, ordering puts them in execution order, safety refuses plans
over the caps, checksum fingerprints the inputs and detects stale plans, render shows a
plan as text, markdown or json. Imports model and errors only: never connectors,
execution, or anything that talks to a console, git or the clock.
"""

from reconciler.planning.checksum import desired_fingerprint, observed_fingerprint, verify_plan
from reconciler.planning.diff import diff
from reconciler.planning.render import plan_from_json, render_json, render_markdown, render_text
from reconciler.planning.safety import raise_if_unsafe, safety_problems

__all__ = [
    "desired_fingerprint",
    "diff",
    "observed_fingerprint",
    "plan_from_json",
    "raise_if_unsafe",
    "render_json",
    "render_markdown",
    "render_text",
    "safety_problems",
    "verify_plan",
]
