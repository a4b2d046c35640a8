"""Reporting: what a run found and did, for people and auditors, kept in the access repo.

drift builds the per-target DriftReport (and turns a stored one back into a baseline),
render shows it as markdown and json (and the commit message), store writes and reads
the report files, audit keeps the hash-chained trail of every action attempt,
offboarding times offboardings. May import execution, planning, model and errors;
never gitops (a sibling: the engine passes commits and times in) and never a connector.
"""

from reconciler.reporting.audit import (
    ActionClock,
    AuditError,
    AuditRecord,
    AuditTrail,
    VerifyResult,
    records_for,
    trail_path,
    verify,
)
from reconciler.reporting.drift import (
    SCHEMA_VERSION,
    ConsoleChange,
    DriftReport,
    OffboardingTiming,
    PolicyFinding,
    RunInfo,
    baseline_of,
    build_report,
)
from reconciler.reporting.offboarding import offboarding_candidates, offboarding_timings
from reconciler.reporting.render import commit_message, render_json, render_markdown
from reconciler.reporting.store import ReportError, WrittenReport, load_baseline, load_report, write_report

__all__ = [
    "SCHEMA_VERSION",
    "ActionClock",
    "AuditError",
    "AuditRecord",
    "AuditTrail",
    "ConsoleChange",
    "DriftReport",
    "OffboardingTiming",
    "PolicyFinding",
    "ReportError",
    "RunInfo",
    "VerifyResult",
    "WrittenReport",
    "baseline_of",
    "build_report",
    "commit_message",
    "load_baseline",
    "load_report",
    "offboarding_candidates",
    "offboarding_timings",
    "records_for",
    "render_json",
    "render_markdown",
    "trail_path",
    "verify",
    "write_report",
]
