"""`reconciler schema`: print (or write) the JSON Schema of each access-repo file kind."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler.loading.schema import SCHEMAS, schema_of, schema_text, write_schemas


@click.command("schema")
@click.argument("kind", type=click.Choice(sorted(SCHEMAS)), required=False)
@click.option(
    "--write",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write <kind>.schema.json files into this folder (an access repo's .schema/).",
)
def command(kind: str | None, folder: Path | None) -> int:
    """Print the JSON Schema of reconciler.yaml, roles.yaml, users/*.yaml or policies/*.yaml files.

    Editors that speak yaml-language-server complete and check the files with it:
    put `# yaml-language-server: $schema=.schema/users.schema.json` at the top.
    """
    if folder is not None:
        for path in write_schemas(folder):
            click.echo(f"wrote {path}")
        return 0
    if kind:
        click.echo(schema_text(kind), nl=False)
    else:  # one JSON object, kind -> schema, so the output stays machine-readable
        click.echo(json.dumps({name: schema_of(name) for name in SCHEMAS}, indent=2, sort_keys=True))
    return 0
