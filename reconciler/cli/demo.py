"""`reconciler demo`: the whole story on the embedded stand-in console."""

from __future__ import annotations

import click


@click.command("demo")
@click.option("--keep", is_flag=True, help="Leave the console running and print its URL and login.")
def command(keep: bool) -> int:
    """Start a stand-in console, adopt the example repo, live through drift and an offboarding."""
    from reconciler.cli import main  # the demo runs the commands a practice would type
    from reconciler.demo.story import run_demo

    return run_demo(main, keep=keep)
