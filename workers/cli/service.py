"""Service commands of the ``docpipe`` CLI: ``upload``, ``intake``, ``up`` and ``migrate``.

They live apart from ``workers.cli`` (offline processing) and are attached to its group with
``register(main)``; ``python -m workers.cli.service ...`` runs them on their own as well.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click


def _setup_logging(verbose: bool, quiet: bool = False) -> None:
    from workers.logs import configure_logging
    from workers.settings import get_settings

    configure_logging(get_settings(), level="DEBUG" if verbose else "WARNING" if quiet else None)


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (a second Ctrl-C still interrupts)."""

    def handler(signum: int, _frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        click.echo(f"\n{signal.Signals(signum).name}: stopping…", err=True)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--prefix", default="", help="Key prefix inside the bucket (default: none).")
@click.option("--bucket", default=None, help="Target bucket (default: settings.storage.inbox_bucket).")
@click.option("--no-enqueue", is_flag=True, help="Only upload; leave it to the events and the reconciler.")
def upload(paths: tuple[Path, ...], prefix: str, bucket: str | None, no_enqueue: bool) -> None:
    """Upload files and folders (recursively) to the inbox and nudge the pipeline.

    Temporary and system files are skipped. Prints "KEY<TAB>ETAG" per uploaded file; the exit
    status is 1 when any upload failed. A failed nudge is only a warning: the bucket is the truth
    and the reconciler will find the object.
    """
    from workers.devstack.runtime import client_settings
    from workers.intake.upload import UploadResult, upload_paths
    from workers.storage.s3 import S3ObjectStore

    settings = client_settings()  # a running `docpipe up` wherever it listens (its runtime file)
    store = S3ObjectStore.from_settings(settings.storage)
    target = bucket or settings.storage.inbox_bucket
    try:
        store.ensure_bucket(target)
    except Exception as exc:
        raise click.ClickException(f"object store at {settings.storage.endpoint}: {exc}") from exc
    from workers.intake.enqueue import Enqueuer

    nudge = None if no_enqueue else Enqueuer.from_settings(settings)

    def show(result: UploadResult) -> None:
        if result.ok:
            click.echo(f"{result.key}\t{result.etag}")
        else:
            click.echo(f"FAILED {result.path}: {result.error}", err=True)

    results = upload_paths(list(paths), store, target, enqueue=nudge, prefix=prefix, on_result=show)
    failed = sum(not r.ok for r in results)
    click.echo(f"{len(results) - failed} uploaded to {target}, {failed} failed", err=True)
    sys.exit(1 if failed else 0)


@click.command()
@click.option("--web/--no-web", default=True, help="The ASGI server: MinIO/SeaweedFS webhooks.")
@click.option("--filer/--no-filer", default=True, help="The SeaweedFS filer metadata subscriber.")
@click.option("--reconciler/--no-reconciler", default=True, help="The periodic listing of the inbox.")
@click.option("--dropfolder/--no-dropfolder", default=True, help="The drop-folder watcher.")
@click.option("-v", "--verbose", is_flag=True)
def intake(web: bool, filer: bool, reconciler: bool, dropfolder: bool, verbose: bool) -> None:
    """Run the event intake in the foreground until Ctrl-C / SIGTERM.

    The SeaweedFS subscriber, the webhook endpoint, the reconciler and the drop folder, each in a
    thread; all enqueue through the catalog, so overlapping hints are harmless.
    """
    from workers.intake.service import IntakeService
    from workers.settings import get_settings

    _setup_logging(verbose)
    stop = threading.Event()
    _stop_on_signals(stop)
    service = IntakeService(get_settings(), web=web, filer=filer, reconciler=reconciler, dropfolder=dropfolder)
    service.start()
    for line in service.describe():
        click.echo(line)
    try:
        stop.wait()
    finally:
        service.stop()


@click.command()
@click.option("--demo", "demo_path", type=click.Path(exists=True, path_type=Path), help="Upload PATH, wait, summarise.")
@click.option("--keep-running", is_flag=True, help="With --demo: stay up after the summary.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="With --demo: where to copy each document.json.",
)
@click.option("--timeout", type=float, default=120.0, show_default=True, help="With --demo: seconds to wait.")
@click.option("--flower/--no-flower", default=True, help="Start Flower (the task dashboard).")
@click.option("--flower-port", type=int, default=None, help="Default: settings.flower.port.")
@click.option("--concurrency", type=int, default=None, help="Worker processes (default: settings).")
@click.option("-v", "--verbose", is_flag=True)
def up(  # noqa: PLR0917 (click passes options by keyword)
    demo_path: Path | None,
    keep_running: bool,
    out_dir: Path,
    timeout: float,
    flower: bool,
    flower_port: int | None,
    concurrency: int | None,
    verbose: bool,
) -> None:
    """Start everything on this machine: SeaweedFS, Redis, a worker, the intake and Flower.

    Runs in the foreground; Ctrl-C (or SIGTERM) stops every part cleanly. Data stays under
    settings.data_dir. With --demo PATH: upload PATH, wait until each document is published or
    failed, print a summary, copy the outputs to --out, and stop (unless --keep-running).
    """
    from workers.devstack.stack import Stack, StackOptions
    from workers.settings import get_settings

    _setup_logging(False, quiet=not verbose)  # the stack describes itself; -v shows INFO logs
    stop = threading.Event()
    _stop_on_signals(stop)
    options = StackOptions(flower=flower, flower_port=flower_port, concurrency=concurrency)
    stack = Stack(get_settings(), options)
    code = 0
    follower = None
    try:
        stack.start()
        for line in stack.describe():
            click.echo(line)
        if demo_path is not None:
            from workers.cli.demo import run_demo

            ok = run_demo(stack, demo_path, out_dir=out_dir, timeout=timeout, stop=stop, echo=click.echo)
            code = 0 if ok else 1
            if not keep_running:
                stop.set()
        if not stop.is_set():
            click.echo("docpipe is up; Ctrl-C to stop. Each finished document is one line:")
            follower = _follow(stack)
        stack.wait(stop)
        if stack.failure:
            click.echo(f"stopping: {stack.failure}", err=True)
            code = code or 1
    except Exception as exc:
        click.echo(f"docpipe up failed: {exc}", err=True)
        code = 1
    finally:
        if follower is not None:
            follower.stop()
        stack.stop()
        click.echo("all stopped.", err=True)
    sys.exit(code)


def _follow(stack: Any) -> Any:
    """A line per finished document, from the catalog, until ``docpipe up`` stops."""
    from workers.catalog.catalog import catalog_from_settings
    from workers.cli.follow import FinishedFollower

    follower = FinishedFollower(catalog_from_settings(stack.settings, pool_size=1), click.echo)
    follower.start()
    return follower


@click.command()
def migrate() -> None:
    """Create the catalog's database if needed and bring its schema to the latest revision."""
    from workers.catalog.migrate import current_revision, ensure_database
    from workers.catalog.migrate import migrate as upgrade
    from workers.redact import redact_url
    from workers.settings import get_settings

    url = get_settings().catalog_url
    try:
        created = ensure_database(url)
        upgrade(url)
    except Exception as exc:
        raise click.ClickException(f"catalog at {redact_url(url)}: {exc}") from exc
    click.echo(f"catalog {redact_url(url)}{' (created)' if created else ''} at revision {current_revision(url)}")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
def flower(extra: tuple[str, ...]) -> None:
    """Run Flower on flower.host:flower.port with HTTP basic auth from flower.basic_auth (required:
    its API can shut workers down and send tasks). EXTRA is passed to ``celery flower``."""
    import os

    from workers.devstack.processes import celery_command
    from workers.settings import get_settings

    settings = get_settings().flower
    auth = settings.basic_auth.get_secret_value()
    if ":" not in auth:
        raise click.ClickException("set DOCPIPE_FLOWER__BASIC_AUTH=user:password: Flower never runs without auth")
    env = {k: v for k, v in os.environ.items() if k != "FLOWER_UNAUTHENTICATED_API"} | {"FLOWER_BASIC_AUTH": auth}
    command = celery_command(
        "flower",
        f"--address={settings.host}",
        f"--port={settings.port}",
        *extra,
    )
    os.execve(sys.executable, command, env)


COMMANDS = (upload, intake, up, migrate, flower)


def register(group: click.Group) -> None:
    """Attach the service commands to the ``docpipe`` group."""
    for command in COMMANDS:
        group.add_command(command)


@click.group()
def service() -> None:
    """docpipe service commands (also available as ``docpipe upload|intake|up``)."""


register(service)

if __name__ == "__main__":
    service()
