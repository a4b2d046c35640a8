"""Show a DriftReport: markdown for people (renders on GitHub), json for machines, and the
one-line summary that becomes the report commit's subject.

Lays out the report's data; never recomputes it. Output is deterministic: the report's
sections are already sorted, and every section is always present ("None.") so that the
shape of the file never changes with the data. The only times in the output are the
run's (in the closing "Run" section) and those that are facts of the data (console
changes, offboarding times).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from reconciler.reporting.drift import DriftReport, ReportAction

NONE = "None."


def render_json(report: DriftReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def counts_line(report: DriftReport) -> str:
    s = report.summary
    return f"{s.pending} pending, {s.out_of_band} out-of-band, {s.failed} failed"


def commit_message(reports: Sequence[DriftReport]) -> str:
    """`drift(production): 3 pending, 1 out-of-band, 0 failed`, then one line per target."""
    if not reports:
        raise ValueError("no reports to summarise")
    names = ", ".join(r.target for r in reports)
    pending = sum(r.summary.pending for r in reports)
    drift = sum(r.summary.out_of_band for r in reports)
    failed = sum(r.summary.failed for r in reports)
    subject = f"drift({names}): {pending} pending, {drift} out-of-band, {failed} failed"
    body = [
        f"{r.target}: {'in sync' if r.in_sync else 'out of sync'}; {counts_line(r)}; "
        f"{r.summary.applied} applied, {r.summary.unmanaged} unmanaged, {r.summary.findings} findings"
        + (f"; desired commit {r.run.desired_commit[:12]}" if r.run.desired_commit else "")
        for r in reports
    ]
    return subject + "\n\n" + "\n".join(body) + "\n"


# -- markdown -------------------------------------------------------------------------


def render_markdown(report: DriftReport) -> str:
    s = report.summary
    parts = [
        f"# Access drift report: {report.target}",
        "",
        *_table(
            ("Summary", "Value"),
            [
                ("Status", "**in sync**" if s.in_sync else "**out of sync**"),
                ("Mode", report.mode),
                ("Pending changes", str(s.pending)),
                ("Out-of-band drift", str(s.out_of_band)),
                ("Applied and verified", str(s.applied)),
                ("Failed", str(s.failed)),
                ("Unmanaged accounts", str(s.unmanaged)),
                ("Policy findings", str(s.findings)),
                ("Offboardings", str(s.offboardings)),
                ("Accounts observed", str(len(report.accounts))),
            ],
        ),
        "",
        "## Pending changes",
        "",
        "Planned and not applied in this run (the target is in report mode, or this run only compared).",
        "",
        *_actions(report.pending, with_outcome=False),
        "",
        "## Out-of-band drift",
        "",
        "Changed in the console outside Git since the last report; who and when from the console's"
        " audit log.",
        "",
        *_drift(report),
        "",
        "## Applied and verified",
        "",
        *_actions(report.applied, with_outcome=True),
        "",
        "## Failed",
        "",
        *_actions(report.failed, with_outcome=True, with_message=True),
        "",
        "## Unmanaged accounts",
        "",
        "In the console, but declared by no users/*.yaml file.",
        "",
        *(
            _table(("User", "Status"), [(u.username, u.status) for u in report.unmanaged])
            if report.unmanaged
            else [NONE]
        ),
        "",
        "## Policy findings",
        "",
        *(
            _table(
                ("Severity", "Rule", "User", "Finding", "Where"),
                [(f.severity, f.rule, f.username or "", f.message, f.where or "") for f in report.findings],
            )
            if report.findings
            else [NONE]
        ),
        "",
        "## Offboarding times",
        "",
        "From the commit that requested the offboarding to the verified deactivation here.",
        "",
        *(
            _table(
                ("User", "Requested in", "Requested", "Deactivated", "Minutes"),
                [
                    (
                        t.username,
                        f"`{t.requested_commit[:12]}`",
                        _time(t.requested_at),
                        _time(t.deactivated_at) if t.deactivated_at else "not yet",
                        str(t.minutes) if t.minutes is not None else "",
                    )
                    for t in report.offboarding
                ],
            )
            if report.offboarding
            else [NONE]
        ),
        "",
        "## Run",
        "",
        *_run(report),
    ]
    return "\n".join(parts) + "\n"


def _actions(rows: Sequence[ReportAction], *, with_outcome: bool, with_message: bool = False) -> list[str]:
    if not rows:
        return [NONE]
    header = ["User", "Action", "Change", "Reason"]
    if with_outcome:
        header.append("Outcome")
    if with_message:
        header.append("Why")
    body = []
    for r in rows:
        cells = [r.username, _verb(r.action), r.change, r.reason]
        if with_outcome:
            cells.append(r.status.replace("_", " "))
        if with_message:
            cells.append(r.message)
        body.append(tuple(cells))
    return _table(tuple(header), body)


def _drift(report: DriftReport) -> list[str]:
    lines: list[str] = []
    if report.out_of_band:
        body = []
        for r in report.out_of_band:
            who = ", ".join(sorted({c.actor for c in r.changed_by})) or "unknown (not in the audit log)"
            when = ", ".join(sorted({_time(c.at) for c in r.changed_by}))
            body.append((r.username, _verb(r.action), r.change, r.status.replace("_", " "), who, when))
        lines += _table(("User", "Correction", "Change", "Outcome", "Changed by", "When"), body)
    else:
        lines.append(NONE)
    attributed = {c for r in report.out_of_band for c in r.changed_by}
    others = [c for c in report.console_changes if c not in attributed]
    if others:
        lines += [
            "",
            "Other console changes since the last report (now matching Git, or outside what Git manages):",
            "",
            *_table(
                ("User", "Field", "Changed by", "When"),
                [(c.username, c.field, c.actor, _time(c.at)) for c in others],
            ),
        ]
    return lines


def _run(report: DriftReport) -> list[str]:
    run = report.run
    return [
        f"- Desired state: commit `{run.desired_commit[:12]}`"
        if run.desired_commit
        else "- Desired state: no commit (not a Git checkout)",
        f"- Console read: {_time(run.observed_at)}",
        f"- Run: {_time(run.started_at)} to {_time(run.finished_at)}",
        *([f"- Plan checksum: `{run.plan_checksum[:12]}`"] if run.plan_checksum else []),
        f"- Reconciler {run.reconciler_version}; report schema {report.schema_version};"
        f" content `{report.content_sha256[:12]}`",
    ]


def _verb(kind: str) -> str:
    return kind.replace("_", " ")


def _time(at: datetime) -> str:
    # Naive times are taken as UTC: every time the reconciler records is UTC.
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cell(value: str) -> str:
    # A pipe would end the cell and a newline the row: escape the one, flatten the other.
    return " ".join(value.replace("|", "\\|").split())


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines
