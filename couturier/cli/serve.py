"""`couturier serve`: the REST API and the designer's page."""
from __future__ import annotations

from pathlib import Path

import click

from couturier.errors import MissingExtra


@click.command()
@click.option("--runs", "runs_dir", type=click.Path(), default="runs", show_default=True,
              help="Folder whose run folders are served as models.")
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 opens it to the network.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--token", envvar="COUTURIER_TOKEN", help="Require this token (Authorization: Bearer) on every data route.")
@click.option("--max-n", type=click.IntRange(1, 1024), default=64, show_default=True, help="Images per request.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(0.1, 86400), default=120.0, show_default=True,
              help="Seconds per request; the work stops when they are up.")
@click.option("--device", default="cpu", show_default=True)
def serve(runs_dir, host, port, token, max_n, timeout_s, device) -> None:
    """Serve the REST API (docs at /docs) and the designer's page (/)."""
    try:
        import uvicorn

        from couturier.serve.app import Limits, create_app
    except ModuleNotFoundError as exc:
        raise MissingExtra("serve", "couturier serve") from exc

    if not Path(runs_dir).is_dir():
        raise FileNotFoundError(f"{runs_dir} is not a folder; pass --runs with your run folders")
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo(f"warning: serving on {host} without --token; anyone who can reach it can use it", err=True)
    app = create_app(runs_dir, token, Limits(max_n=max_n, timeout_s=timeout_s), device)
    uvicorn.run(app, host=host, port=port, log_level="info")



COMMANDS = (serve,)
