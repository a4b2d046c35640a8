"""Show a Plan: text for a terminal (like `terraform plan`), markdown for a PR comment,
json for machines (round-trips through `plan_from_json`).

Renderers share one description of each action (`rows`) and one summary; each only
lays them out. Reads the Plan's data, never recomputes the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import ValidationError

from reconciler.errors import ReconcilerError
from reconciler.model.plan import Action, Plan, ProfileValues, TargetPlan

NO_CHANGES = "No changes. The console matches Git."


class Row(NamedTuple):
    symbol: str
    verb: str
    username: str
    change: str
    reason: str


def _names(values: tuple[str, ...]) -> str:
    return ", ".join(values) or "none"


def _profile_change(before: ProfileValues, after: ProfileValues) -> str:
    old, new = before.model_dump(), after.model_dump()
    return "; ".join(f"{k}: {old[k] or '-'} -> {new[k] or '-'}" for k in new if old[k] != new[k])


def _create(a: Any) -> str:
    return f"{a.after.user_type}; groups: {_names(a.after.groups)}; locations: {_names(a.after.locations)}"


# kind -> (symbol, verb, how its change reads)
_KINDS: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "create_account": ("+", "create", _create),
    "update_profile": ("~", "update", lambda a: _profile_change(a.before, a.after)),
    "grant_groups": ("~", "grant", lambda a: ", ".join(f"+{g}" for g in a.added)),
    "revoke_groups": ("-", "revoke", lambda a: ", ".join(f"-{g}" for g in a.removed)),
    "set_locations": ("~", "locations", lambda a: f"{_names(a.before)} -> {_names(a.after)}"),
    "suspend": ("-", "suspend", lambda a: f"{a.before} -> suspended ({a.detail})"),
    "reactivate": ("~", "reactivate", lambda a: f"{a.before} -> active"),
    "transfer_open_work": ("~", "transfer", lambda a: a.detail or f"open work to {a.after}"),
    "archive": ("~", "archive", lambda a: a.detail or "export the user record"),
    "deactivate": ("!", "deactivate", lambda a: f"{a.before} -> inactive ({a.detail})"),
}


def row(action: Action) -> Row:
    symbol, verb, change = _KINDS[action.kind]
    return Row(symbol, verb, action.username, change(action), action.reason)


def tally(target: TargetPlan) -> dict[str, int]:
    """Accounts to create, change and deactivate (one account counts once, by its fate)."""
    fate: dict[str, str] = {}
    for a in target.actions:
        if a.kind in ("create_account", "deactivate"):
            fate[a.key] = "create" if a.kind == "create_account" else "deactivate"
        else:
            fate.setdefault(a.key, "change")
    counts = {"create": 0, "change": 0, "deactivate": 0}
    for what in fate.values():
        counts[what] += 1
    return counts


def summary(plan: Plan) -> str:
    if plan.is_empty:
        return NO_CHANGES
    total = {"create": 0, "change": 0, "deactivate": 0}
    for target in plan.targets:
        for what, n in tally(target).items():
            total[what] += n
    # Steps and accounts differ (an offboarding is four steps for one account): say both.
    steps = sum(len(t.actions) for t in plan.targets)
    return (
        f"Plan: {_count(steps, 'step')} for {_count(sum(total.values()), 'account')}:"
        " {create} to create, {change} to change, {deactivate} to deactivate.".format(**total)
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _notes(target: TargetPlan) -> list[str]:
    unmanaged = [f"unmanaged: {u.username} ({u.status}), not in Git" for u in target.unmanaged]
    return unmanaged + [f"finding: {f.username}: {f.message}" for f in target.findings]


# -- text -----------------------------------------------------------------------------


def _text_target(target: TargetPlan) -> list[str]:
    head = f"{target.name} ({target.mode} mode, {target.observed_accounts} accounts observed)"
    rows = [row(a) for a in target.actions]
    if not rows:
        return [f"{head}: no changes", *(f"  {n}" for n in _notes(target))]
    verb_w = max(len(r.verb) for r in rows)
    user_w = max(len(r.username) for r in rows)
    lines = [
        f"  {r.symbol} {r.verb:<{verb_w}}  {r.username:<{user_w}}  {r.change}  [{r.reason}]" for r in rows
    ]
    return [head, *lines, *(f"  {n}" for n in _notes(target))]


def render_text(plan: Plan) -> str:
    blocks = ["\n".join(_text_target(t)) for t in plan.targets]
    return "\n\n".join([*blocks, summary(plan)]) + "\n"


# -- markdown -------------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_row(cells: list[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _md_summary(plan: Plan) -> list[str]:
    lines = [
        "| Target | Mode | Create | Change | Deactivate | Unmanaged | Findings |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for t in plan.targets:
        n = tally(t)
        lines.append(
            _md_row(
                [t.name, t.mode, n["create"], n["change"], n["deactivate"], len(t.unmanaged), len(t.findings)]
            )
        )
    return lines


def _md_target(target: TargetPlan) -> list[str]:
    lines = [f"#### {target.name}", ""]
    if target.actions:
        lines += ["| | Action | User | Change | Reason |", "|---|---|---|---|---|"]
        lines += [_md_row([f"`{r.symbol}`", *r[1:]]) for r in map(row, target.actions)]
    else:
        lines.append("No changes.")
    notes = _notes(target)
    return lines + ([""] + [f"- {_cell(n)}" for n in notes] if notes else [])


def render_markdown(plan: Plan) -> str:
    parts = [f"### Access plan `{plan.checksum[:12]}`", "", summary(plan), "", *_md_summary(plan)]
    for target in plan.targets:
        parts += ["", *_md_target(target)]
    return "\n".join(parts) + "\n"


# -- json -----------------------------------------------------------------------------


def render_json(plan: Plan) -> str:
    return plan.model_dump_json(indent=2) + "\n"


def plan_from_json(text: str | bytes) -> Plan:
    try:
        return Plan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "plan"
        raise ReconcilerError(f"not a valid saved plan: {where}: {first['msg']}") from exc
