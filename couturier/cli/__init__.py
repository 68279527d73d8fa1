"""The `couturier` command: a thin face over the library. Parse, call, print.

Each command group lives in its own module; this one holds the group, the error handling and
the translation of the library's error fields into flag names.
"""
from __future__ import annotations

import sys

import click

from couturier.cli.flags import flag_for
from couturier.errors import CouturierError, PeerFailed, TrainingDiverged


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="couturier")
def cli() -> None:
    """couturier: train GANs on fashion images and generate new garments."""


def _register_commands() -> None:
    from couturier.cli import directions, evaluate, generate, people, serve, style, train, trends

    for module in (train, generate, directions, evaluate, style, people, trends, serve):
        for command in module.COMMANDS:
            cli.add_command(command)


_register_commands()


def describe(exc: CouturierError) -> str:
    """The library's one line, with the flag that sets the offending value when there is one."""
    flag = flag_for(exc.field)
    return f"{exc} [{flag}]" if flag and flag not in str(exc) else str(exc)


def main() -> None:
    try:
        _main()
    except SystemExit as exc:
        if hosted := _hosted():
            hosted.leave(exc.code)
        raise
    if hosted := _hosted():
        hosted.leave(0)


def _hosted():
    """couturier.distributed when this process is a torchrun worker or the `--nproc` launcher (it is
    imported by then): such a process ends through its `leave`, skipping the interpreter's teardown."""
    module = sys.modules.get("couturier.distributed")
    return module if module is not None and module.hosts_processes() else None


def _main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PeerFailed:  # rank 0 printed the reason
        sys.exit(2)
    except TrainingDiverged as exc:
        click.echo(f"error: {describe(exc)}", err=True)
        sys.exit(3)
    except CouturierError as exc:
        click.echo(f"error: {describe(exc)}", err=True)
        sys.exit(2)
    except (FileNotFoundError, FileExistsError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted; continue from the last checkpoint with --resume", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
