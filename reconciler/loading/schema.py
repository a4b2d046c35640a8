"""JSON Schema of each access-repo file kind, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from reconciler.model.desired import ReconcilerConfig, RolesFile, UsersFile
from reconciler.model.policy import PolicyFile

SCHEMAS: dict[str, type[BaseModel]] = {
    "reconciler": ReconcilerConfig,
    "roles": RolesFile,
    "users": UsersFile,
    "policies": PolicyFile,
}


def schema_of(kind: str) -> dict[str, object]:
    schema = SCHEMAS[kind].model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(kind: str) -> str:
    return json.dumps(schema_of(kind), indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write `<kind>.schema.json` for every kind into `folder` (the repo's `.schema/`)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written
