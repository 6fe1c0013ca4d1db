"""The `zhnews` command: thin wrappers over the pipeline modules.

Exit status: 0 when everything went well, 1 when an accuracy check regressed
(`eval --baseline`), 2 for a usage error, 3 when some inputs could not be read.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_INPUT_ERRORS = 0, 1, 2, 3


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from err


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit status: 0 all went well; 1 accuracy regressed (eval --baseline); 2 usage error; 3 some inputs failed.",
)
@click.version_option(__version__, prog_name="zhnews")
def main() -> None:
    """zhnews: figures, places, dates and programmes from Chinese news text."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out", "out", default="outputs/dataset", show_default=True, type=click.Path(path_type=Path), help="Output directory."
)
@click.option("--published", callback=_date, help="Publication date for sources that carry none (YYYY-MM-DD).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-file messages.")
def ingest(paths: tuple[str, ...], out: Path, published: date | None, quiet: bool) -> None:
    """Clean, split and extract PATHS (files, directories, or - for stdin) into OUT/articles.jsonl."""
    from .ingest import ingest as run

    progress = not quiet and sys.stderr.isatty() and not (len(paths) == 1 and Path(paths[0]).is_file())
    warn = None if quiet else (lambda msg: click.echo(f"zhnews: {msg}", err=True))
    summary = run(list(paths), out, published, progress=progress, warn=warn)
    click.echo(
        f"{summary.inputs} inputs: {summary.documents} read, {len(summary.errors)} rejected; "
        f"{summary.articles} articles, {summary.entities} entities → {out / 'articles.jsonl'}"
    )
    if summary.errors:
        click.echo("rejected:", err=True)
        for e in summary.errors:
            click.echo(f"  {e}", err=True)
        sys.exit(EXIT_INPUT_ERRORS)


@main.command("clean")
@click.argument("file")
def clean_cmd(file: str) -> None:
    """Print the cleaned text of FILE (or -), to inspect reflow and normalisation."""
    from .clean import clean
    from .read import ReadError, read_sources

    failed = False
    for item in read_sources([file]):
        if isinstance(item, ReadError):
            click.echo(f"zhnews: {item}", err=True)
            failed = True
            continue
        click.echo(clean(item.text).text)
    if failed:
        sys.exit(EXIT_INPUT_ERRORS)


@main.command()
@click.argument("file")
@click.option("--published", callback=_date, help="Publication date (YYYY-MM-DD) to resolve relative dates against.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
def extract(file: str, published: date | None, fmt: str) -> None:
    """Print the entities of FILE (or -): figures, places, dates, programmes."""
    from .extract import extract as run
    from .published import load_metadata
    from .read import ReadError, read_sources

    metadata = load_metadata([file]) if file != "-" else {}
    failed = False
    for item in read_sources([file]):
        if isinstance(item, ReadError):
            click.echo(f"zhnews: {item}", err=True)
            failed = True
            continue
        pub = published or item.published or metadata.get(Path(item.source).stem)
        for e in run(item.text, pub):
            d = e.gold_dict()
            if fmt == "jsonl":
                click.echo(json.dumps(d, ensure_ascii=False))
                continue
            values = {
                k: v for k, v in d.items() if k not in ("type", "text", "offset", "attribution") and v not in (None, [], {})
            }
            click.echo(f"{e.type:<9} {e.text:<16} {json.dumps(values, ensure_ascii=False)}")
    if failed:
        sys.exit(EXIT_INPUT_ERRORS)


@main.command("eval")
@click.option(
    "--gold", "gold", multiple=True, required=True, type=click.Path(exists=True), help="Gold JSON Lines file (repeatable)."
)
@click.option("--errors", is_flag=True, help="List false positives, false negatives and value mismatches in context.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the scores as JSON to this file.")
@click.option(
    "--baseline",
    type=click.Path(exists=True, path_type=Path),
    help="Fail (exit 1) when a score falls below this stored score file.",
)
@click.option("--tolerance", default=0.005, show_default=True, help="How far below the baseline a score may fall.")
@click.option("--write-baseline", type=click.Path(path_type=Path), help="Store the current scores as a baseline file.")
def eval_cmd(
    gold: tuple[str, ...],
    errors: bool,
    json_out: Path | None,
    baseline: Path | None,
    tolerance: float,
    write_baseline: Path | None,
) -> None:
    """Score the extractors on gold files (format: docs/ANNOTATION.md)."""
    from .evaluate import GoldError, evaluate, load_gold, regressions
    from .extract import extract as run

    docs = []
    try:
        for g in gold:
            docs += load_gold(g)
    except GoldError as err:
        raise click.UsageError(str(err)) from err
    report = evaluate(docs, run)
    scores = report.scores()
    if errors:
        for kind, label in (("FP", "false positives"), ("FN", "false negatives"), ("VALUE", "value mismatches")):
            for t in ("FIGURE", "PLACE", "DATE", "PROGRAMME"):
                errs = [e for e in report.errors if e.kind == kind and e.type == t]
                if errs:
                    click.echo(f"## {t} {label} ({len(errs)})")
                    for e in errs:
                        click.echo(f"  {e.doc_id}: {e.context}" + (f"  — {e.detail}" if e.detail else ""))
    click.echo(f"{len(docs)} documents from {', '.join(gold)}")
    header = f"{'type':<10}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}{'value':>8}{'place':>8}{'date':>8}"
    click.echo(header)

    def fmt(v: object) -> str:
        return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    for t, s in scores.items():
        click.echo(
            f"{t:<10}{s['gold']:>6}{s['predicted']:>6}{fmt(s['precision']):>8}{fmt(s['recall']):>8}{fmt(s['f1']):>8}"
            f"{fmt(s['value_agreement']):>8}{fmt(s['place_agreement']):>8}{fmt(s['date_agreement']):>8}"
        )
    if json_out:
        json_out.write_text(json.dumps(scores, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if write_baseline:
        write_baseline.write_text(json.dumps(scores, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"baseline written to {write_baseline}")
    if baseline:
        stored = json.loads(baseline.read_text(encoding="utf-8"))
        fallen = regressions(scores, stored, tolerance)
        if fallen:
            click.echo("accuracy regressed against the baseline:", err=True)
            for line in fallen:
                click.echo(f"  {line}", err=True)
            sys.exit(EXIT_REGRESSION)
        click.echo(f"no score fell more than {tolerance} below {baseline}")


if __name__ == "__main__":
    main()
