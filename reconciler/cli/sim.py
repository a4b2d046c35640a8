"""`reconciler sim`: start the ModMed admin console stand-in (reconciler/simulator/) on 127.0.0.1.

Thin: flags and environment variables -> SimConfig -> uvicorn. Prints the base URLs and
the admin credentials it generated (values given by flag or environment are not echoed).
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command("sim")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8700, show_default=True, type=int)
@click.option(
    "--practice",
    "practices",
    multiple=True,
    default=("demo-derm",),
    show_default=True,
    help="Practice to serve (repeatable); each gets production and sandbox.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".sim-data"),
    show_default=True,
    envvar="SIM_DATA_DIR",
    help="One SQLite file per practice and environment.",
)
@click.option(
    "--users",
    default=300,
    show_default=True,
    type=int,
    envvar="SIM_USERS",
    help="Accounts to generate in a new production database.",
)
@click.option("--seed", default=7, show_default=True, type=int, envvar="SIM_SEED")
@click.option("--reset", is_flag=True, help="Wipe existing databases and seed them again.")
@click.option("--admin-user", default="reconciler-bot", show_default=True, envvar="SIM_ADMIN_USER")
@click.option("--admin-password", envvar="SIM_ADMIN_PASSWORD", help="Generated when not given.")
@click.option("--admin-totp-secret", envvar="SIM_ADMIN_TOTP_SECRET", help="Base32; generated when not given.")
@click.option("--lockout-threshold", default=5, show_default=True, type=int, envvar="SIM_LOCKOUT_THRESHOLD")
@click.option(
    "--session-ttl",
    default=1800,
    show_default=True,
    type=int,
    envvar="SIM_SESSION_TTL",
    help="Seconds a session lives without use.",
)
@click.option("--latency-ms", default=0, show_default=True, type=int, envvar="SIM_LATENCY_MS")
@click.option(
    "--error-rate",
    default=0.0,
    show_default=True,
    type=float,
    envvar="SIM_ERROR_RATE",
    help="Share of console requests answered with an error (0..1).",
)
@click.option(
    "--error-status",
    default=503,
    show_default=True,
    type=click.Choice(["500", "503", "0"]),
    envvar="SIM_ERROR_STATUS",
    help="Status of injected errors; 0 mixes 500 and 503.",
)
@click.option(
    "--slow-table-ms",
    default=0,
    show_default=True,
    type=int,
    envvar="SIM_SLOW_TABLE_MS",
    help="Delay before the users table data arrives.",
)
@click.option(
    "--test-hooks", is_flag=True, envvar="SIM_TEST_HOOKS", help="Serve the /_sim/ ground-truth hooks."
)
def command(
    host: str,
    port: int,
    practices: tuple[str, ...],
    data_dir: Path,
    users: int,
    seed: int,
    reset: bool,
    admin_user: str,
    admin_password: str | None,
    admin_totp_secret: str | None,
    lockout_threshold: int,
    session_ttl: int,
    latency_ms: int,
    error_rate: float,
    error_status: str,
    slow_table_ms: int,
    test_hooks: bool,
) -> int:
    """Run the EMA admin console stand-in (production and sandbox per practice)."""
    # Imported here: FastAPI and uvicorn should not slow down every other command's start.
    import uvicorn

    from reconciler.simulator.app import create_app
    from reconciler.simulator.config import Faults, SimConfig

    faults = Faults(
        latency_ms=latency_ms,
        error_rate=error_rate,
        error_status=int(error_status),
        session_ttl=session_ttl,
        slow_table_ms=slow_table_ms,
    )
    config = SimConfig(
        data_dir=data_dir,
        practices=practices,
        users=users,
        seed=seed,
        reset=reset,
        admin_user=admin_user,
        admin_password=admin_password,
        admin_totp_secret=admin_totp_secret,
        lockout_threshold=lockout_threshold,
        test_hooks=test_hooks,
        faults=faults,
    )
    try:
        config.resolve()
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    app = create_app(config)
    origin = f"http://{host}:{port}"
    click.echo("EMA admin console simulator")
    for practice in practices:
        for env in ("production", "sandbox"):
            click.echo(f"  {practice:<14} {env:<11} {origin}/{practice}/{env}/login")
    click.echo(f"  admin user:        {admin_user}")
    shown = config.generated
    click.echo(f"  admin password:    {config.admin_password if 'admin_password' in shown else '(as given)'}")
    secret = config.admin_totp_secret if "admin_totp_secret" in shown else "(as given)"
    click.echo(f"  admin TOTP secret: {secret}")
    if test_hooks:
        click.echo(f"  test hooks:        {origin}/_sim/")
    click.echo(f"  data:              {data_dir}/  (users={users} seed={seed})", nl=True)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)
    return 0
