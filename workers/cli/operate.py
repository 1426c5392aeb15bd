"""``docpipe retry`` and ``docpipe reprocess``: the operators' actions of ``workers.catalog.operations``.

The same operations as the dashboard's buttons, recorded in ``operator_actions`` with the actor
(``--actor``, default ``<login>@cli``) and the time; ``done_at`` follows when the work finishes.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Any

import click


def _default_actor() -> str:
    try:
        return f"{getpass.getuser()}@cli"
    except (KeyError, OSError):
        return "cli"


def _run(action: Callable[[Any], list[Any]]) -> None:
    """Build the operations from the settings, run ``action``, print one line per upload sent."""
    from workers.catalog.catalog import catalog_from_settings
    from workers.catalog.operations import ActionRefusedError, Operations
    from workers.errors import CatalogError
    from workers.redact import redact_url
    from workers.settings import get_settings

    settings = get_settings()
    catalog = catalog_from_settings(settings, pool_size=1)
    try:
        results = action(Operations.from_settings(settings, catalog))
    except ActionRefusedError as exc:
        raise click.ClickException(str(exc)) from exc
    except CatalogError as exc:
        raise click.ClickException(f"cannot reach the catalog at {redact_url(settings.catalog_url)}: {exc}") from exc
    finally:
        catalog.close()
    for r in results:
        sent = f"task {r.task_id}" if r.task_id else "task not sent (the intake's sweep will send it)"
        click.echo(f"{r.action} #{r.action_id}\tupload {r.upload_id}\t{(r.doc_id or '-')[:12]}\t{r.key}\t{sent}")
    if not results:
        click.echo("nothing to retry", err=True)
        sys.exit(1)


@click.command()
@click.argument("target", required=False)
@click.option("--code", default=None, help="Retry every current failure with this code instead.")
@click.option("--actor", default=_default_actor, show_default="<login>@cli", help="Recorded as who asked.")
@click.option("--note", default="", help="Recorded with the action.")
def retry(target: str | None, code: str | None, actor: str, note: str) -> None:
    """Run a failed upload again: TARGET is an upload id or a document id (or a unique prefix).

    With --code, every upload whose current failure has that code. The earlier failure stays in
    the catalog's failure history.
    """
    if (target is None) == (code is None):
        raise click.UsageError("give an upload or document id, or --code CODE (not both)")
    if code is not None:
        _run(lambda ops: ops.retry_code(code, actor))
    else:
        assert target is not None
        _run(lambda ops: [ops.retry(target, actor, note=note)])


@click.command()
@click.argument("doc")
@click.option("--actor", default=_default_actor, show_default="<login>@cli", help="Recorded as who asked.")
@click.option("--note", default="", help="Recorded with the action (e.g. the pipeline upgrade).")
def reprocess(doc: str, actor: str, note: str) -> None:
    """Run a document (id or unique prefix) through the core again, e.g. after a pipeline upgrade."""
    _run(lambda ops: [ops.reprocess(doc, actor, note=note)])
