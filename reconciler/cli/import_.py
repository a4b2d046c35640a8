"""`reconciler import`: bootstrap an access repo from the console as it is (like octodns-dump).

Reads every chosen target through the connector, writes one users file and appends
generated bundles to roles.yaml, then validates the repo so the person adopting the
tool sees at once whether it is ready to commit. Never writes to the console.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from reconciler.cli.options import repo_option
from reconciler.cli.run_options import console_options, echo_finding, run_options, with_connector
from reconciler.connectors.base import Connector
from reconciler.errors import ValidationFailed
from reconciler.loading import load_repo
from reconciler.loading.bootstrap import (
    DEFAULT_OUT,
    declared_usernames,
    import_paths,
    read_config,
    read_roles,
    write_import,
)
from reconciler.loading.dump import GENERATED_COMMENT, Dump, dump_access
from reconciler.model.desired import Desired
from reconciler.model.observed import Observed


@click.command("import")
@repo_option
@console_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"The users file to write, in users/ (default {DEFAULT_OUT}).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def command(repo: Path, out: Path | None, force: bool, **kwargs: object) -> int:
    """Write users/*.yaml (and role bundles) from the accounts the console has now.

    Every target by default, or the --target ones; a person in several targets is one
    entry listing each environment. Deactivated and protected accounts are left out,
    and so are people users/*.yaml already declares. `--user NAME` imports one person.
    """
    paths = import_paths(repo, out, force)
    config = read_config(repo)
    options = run_options(repo, kwargs)
    only = options.user
    # The connector only needs the targets; the repo has no valid people yet.
    bare = Desired(config=config, roles={}, users=())
    options = replace(options, user=None)

    async def observe_all(connector: Connector) -> dict[str, Observed]:
        return {name: await connector.observe(name) for name in _targets(bare, options.targets)}

    observed = with_connector(bare, options, observe_all)
    dump = dump_access(
        observed,
        read_roles(repo),
        protected=[p for t in config.targets.values() for p in t.protected],
        declared=declared_usernames(repo, skip=paths.out),
        only=only,
    )
    written = write_import(paths, dump)
    _summarise(dump, paths.out_shown, [p.name for p in written[1:]])
    left_out = [t for t in config.targets if t not in observed]
    if left_out:
        click.echo(
            f"warning: {', '.join(left_out)} not read: the people imported list only"
            f" {', '.join(observed)}, so a plan for {', '.join(left_out)} would offboard them there",
            err=True,
        )

    result = load_repo(repo)
    for finding in result.findings:
        echo_finding(finding)
    if result.errors:
        raise ValidationFailed(
            f"the imported repo does not validate ({len(result.errors)} errors); fix the entries named above"
        )
    return 0


def _targets(desired: Desired, chosen: tuple[str, ...]) -> tuple[str, ...]:
    # reconciler.yaml order, whatever order --target came in: the first target decides an
    # entry's values when an account differs between environments.
    return tuple(t for t in desired.config.targets if not chosen or t in chosen)


def _summarise(dump: Dump, out: str, roles_written: list[str]) -> None:
    def say(text: str) -> None:
        click.echo(text, err=True)

    say(f"Imported {len(dump.people)} people into {out}.")
    if roles_written:
        names = ", ".join(dump.generated)
        say(f"Appended {len(dump.generated)} role bundle(s) to roles.yaml ('# {GENERATED_COMMENT}'): {names}")
    if dump.review_count:
        say(f"{dump.review_count} entries carry a 'review:' comment.")
    for label, names in (
        ("deactivated in the console", dump.deactivated),
        ("protected in reconciler.yaml", dump.protected),
        ("already declared in users/", dump.declared),
    ):
        if names:
            say(f"Skipped {len(names)} {label}: {', '.join(names)}")
