"""Policies as code: rules in an access repo's policies/*.yaml, evaluated twice.

On the desired state (`check_policies`: validate, `policy check`, pull requests), each
finding names file:line:column. On the observed state (`plan_with_policies`: plan and
apply), the runtime kinds add actions with reason `policy`.

Sits above planning and loading (it may import them; they never import it), beside
execution. Never imports connectors, execution, reporting or anything that does I/O on
a console.
"""

from reconciler.policy.check import PolicyCheck, check_policies
from reconciler.policy.loader import POLICIES_DIR, PolicyLoad, load_policies
from reconciler.policy.observed import end_date_offboarding, enforce, plan_with_policies
from reconciler.policy.sla import SlaBreach, sla_breaches

__all__ = [
    "POLICIES_DIR",
    "PolicyCheck",
    "PolicyLoad",
    "SlaBreach",
    "check_policies",
    "end_date_offboarding",
    "enforce",
    "load_policies",
    "plan_with_policies",
    "sla_breaches",
]
