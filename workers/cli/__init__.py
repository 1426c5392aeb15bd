"""The ``docpipe`` command line."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from workers.ignore import is_ignored_path


def _version() -> str:
    """``docpipe X.Y.Z (pipeline A.B.C, Python …)``: the installed distribution and the core's version."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from pipeline.version import PIPELINE_VERSION

    try:
        installed = version("docpipe")
    except PackageNotFoundError:
        installed = "unknown"
    return f"docpipe {installed} (pipeline {PIPELINE_VERSION}, Python {platform.python_version()})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Print the version of docpipe and of its pipeline, and exit.",
    callback=_print_version,
)
def main() -> None:
    """docpipe: UN resolutions (Chinese first) -> structured data."""


def _inputs(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not is_ignored_path(child.relative_to(path).as_posix()):
                    yield child
        else:
            yield path


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for <stem>.json outputs (created if missing).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-file lines.")
@click.option("--akn", is_flag=True, help="Also write DIR/<stem>.akn.xml (Akoma Ntoso 3.0).")
def process(paths: tuple[Path, ...], out_dir: Path, quiet: bool, akn: bool) -> None:
    """Process files and folders into DIR/<stem>.json (the output contract).

    Unreadable inputs are reported with their reason; the rest go on; the exit status is 1
    when any input failed.
    """
    from pipeline.errors import PermanentError
    from pipeline.run import process as run

    out_dir.mkdir(parents=True, exist_ok=True)
    files = list(_inputs(paths))
    failed: list[tuple[Path, str]] = []
    written: set[str] = set()
    show_bar = not quiet and len(files) > 1
    bar = click.progressbar(
        files, label="processing", file=sys.stderr, show_pos=True, item_show_func=lambda p: p.name if p else ""
    )
    with bar if show_bar else contextlib.nullcontext(files) as items:
        for path in items:
            try:
                doc = run(path.read_bytes(), path.name)
            except PermanentError as exc:
                failed.append((path, f"{exc.code}: {exc.message}"))
                continue
            except OSError as exc:
                failed.append((path, f"unreadable: {exc}"))
                continue
            stem = path.stem if path.stem not in written else f"{path.stem}-{doc.doc_id[:8]}"
            written.add(stem)
            (out_dir / f"{stem}.json").write_text(doc.model_dump_json(indent=1), encoding="utf-8")
            if akn:
                from workers.archive.cli import write_akn

                write_akn(out_dir / f"{stem}.json", doc)
    for path, reason in failed:
        click.echo(f"FAILED {path}: {reason}", err=True)
    if not quiet:
        click.echo(f"{len(written)} written to {out_dir}, {len(failed)} failed", err=True)
    sys.exit(1 if failed else 0)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the output contract."""
    from workers.cli.contract import output_schema

    click.echo(json.dumps(output_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.option(
    "--gold", "gold_dirs", required=True, multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--pred", "pred_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--min", "minimum", type=float, default=0.0, help="Exit 1 when the overall score is below this.")
@click.option("-v", "--verbose", is_flag=True, help="Print every component, not only the imperfect ones.")
def evaluate(gold_dirs: tuple[Path, ...], pred_dir: Path, minimum: float, verbose: bool) -> None:
    """Score outputs in PRED against gold annotations in GOLD (one or more folders), per language."""
    from pipeline.evaluate import Report, summarize
    from pipeline.evaluate import evaluate as score

    reports: dict[str, tuple[str, Report]] = {}
    for gold_path in sorted(p for d in gold_dirs for p in d.glob("*.json")):
        pred_path = pred_dir / gold_path.name
        if not pred_path.exists():
            raise click.ClickException(f"no output for {gold_path.stem} in {pred_dir}")
        gold = json.loads(gold_path.read_text("utf-8"))
        report = score(gold, json.loads(pred_path.read_text("utf-8")))
        reports[gold_path.stem] = (gold.get("language") or gold.get("meta", {}).get("language") or "zh", report)
        click.echo(f"== {gold_path.stem}: {report.score:.3f}")
        for name, (value, note) in report.rows.items():
            if verbose or value < 1:
                click.echo(f"   {name:34s} {value:5.2f}  {note}")
    summary = summarize(reports)
    for language, value in summary.by_language.items():
        count = sum(1 for lang, _ in reports.values() if lang == language)
        click.echo(f"{language}: {value:.4f} ({count} documents)")
    click.echo("weakest: " + ", ".join(f"{name} {value:.2f}" for name, value in summary.weakest))
    click.echo(f"overall {summary.overall:.4f}")
    sys.exit(0 if summary.overall >= minimum else 1)


def _attach_service_commands() -> None:
    """``upload``, ``intake``, ``up``, ``migrate``, ``flower``, ``status``, ``show``, ``export``, ``archive``,
    ``retry`` and ``reprocess`` live in their own modules."""
    from workers.archive.cli import archive_command, export_command
    from workers.cli.operate import reprocess, retry
    from workers.cli.service import register
    from workers.cli.show import show
    from workers.cli.status import status

    register(main)
    main.add_command(status)
    main.add_command(show)
    main.add_command(export_command)
    main.add_command(archive_command)
    main.add_command(retry)
    main.add_command(reprocess)


_attach_service_commands()

__all__ = ["main"]
