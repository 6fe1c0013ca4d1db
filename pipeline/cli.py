"""The `zhnews` command: thin wrappers over the pipeline modules.

Exit status: 0 when everything went well, 1 when an accuracy check regressed
(`eval --baseline`), 2 for a usage error, 3 when some inputs could not be read,
4 when another ingest holds the dataset's lock, 5 when the dataset could not be
written (disk full…) and was left as it was.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_INPUT_ERRORS, EXIT_LOCKED, EXIT_NOT_WRITTEN = 0, 1, 2, 3, 4, 5


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from err


class _Commands(click.Group):
    """The command group; a broken rule file ends any command with one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from .rules import RulesError

        try:
            return super().invoke(ctx)
        except RulesError as err:
            click.echo(f"zhnews: {err}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit status: 0 all went well; 1 accuracy regressed (eval --baseline); 2 usage error; "
    "3 some inputs failed; 4 the dataset is locked by another ingest; 5 the dataset could not be written (left as before).",
)
@click.version_option(__version__, prog_name="zhnews")
def main() -> None:
    """zhnews: figures, places, dates and programmes from Chinese news text."""


def _summary_lines(summary, out: Path) -> None:  # noqa: ANN001 - pipeline.ingest.Summary
    click.echo(
        f"{summary.inputs} inputs: {summary.sources} ingested, {summary.unchanged} unchanged (already in the dataset), "
        f"{len(summary.rejected)} rejected; {summary.articles} articles, {summary.entities} entities, "
        f"{summary.figures} figures → {out}"
    )
    if summary.errors:
        click.echo("rejected:", err=True)
        for e in summary.errors:
            click.echo(f"  {e}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--out", "out", default="outputs/dataset", show_default=True, type=click.Path(path_type=Path), help="Dataset directory."
)
@click.option("--published", callback=_date, help="Publication date for sources that carry none (YYYY-MM-DD).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-file messages.")
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes for extraction (default: every core); with --engine dask, workers of the local cluster.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; dask: a Dask cluster (--scheduler, else a LocalCluster).",
)
@click.option(
    "--scheduler", metavar="tcp://HOST:PORT", help="Run extraction on this Dask scheduler's cluster (implies --engine dask)."
)
def ingest(
    paths: tuple[str, ...],
    out: Path,
    published: date | None,
    quiet: bool,
    workers: int | None,
    engine: str,
    scheduler: str | None,
) -> None:
    """Clean, split and extract PATHS (files, directories, or - for stdin) into the Parquet dataset OUT.

    Sources already in the dataset unchanged are skipped; changed ones replace
    their old rows. The dataset is the same whatever the engine and number of
    workers. Exit 3 when some inputs could not be read (or extracted), 4 when
    another ingest holds the dataset.
    """
    from .dataset import DatasetError, DatasetLocked
    from .ingest import ingest as run
    from .parallel import default_workers

    progress = not quiet and sys.stderr.isatty() and not (len(paths) == 1 and Path(paths[0]).is_file())
    warn = None if quiet else (lambda msg: click.echo(f"zhnews: {msg}", err=True))
    try:
        summary = run(
            list(paths),
            out,
            published,
            progress=progress,
            warn=warn,
            workers=workers or default_workers(),
            engine=engine,
            scheduler=scheduler,
        )
    except DatasetLocked as err:
        click.echo(f"zhnews: {err}", err=True)
        sys.exit(EXIT_LOCKED)
    except DatasetError as err:  # a damaged manifest: nothing is written over it
        raise click.UsageError(str(err)) from err
    except OSError as err:
        if engine != "local" or scheduler:
            raise click.UsageError(str(err)) from err
        click.echo(f"zhnews: cannot write the dataset {out}: {err.strerror or err}; the dataset is as before this run", err=True)
        sys.exit(EXIT_NOT_WRITTEN)
    except RuntimeError as err:  # the Dask engine: not installed, scheduler unreachable, rules differ
        if engine == "local" and not scheduler:
            raise
        raise click.UsageError(str(err)) from err
    _summary_lines(summary, out)
    _compact_if_many(out, quiet)
    if summary.errors:
        sys.exit(EXIT_INPUT_ERRORS)


def _compact_if_many(out: Path, quiet: bool) -> None:
    """Merge small part files once a table has many (pipeline/compact.py): each costs every query a file open."""
    from .compact import compact, needs_compaction
    from .dataset import DatasetLocked

    if not (out / "manifest.json").exists() or not needs_compaction(out):
        return
    try:
        done = compact(out)
    except DatasetLocked:  # another ingest began meanwhile: it will compact when it ends
        return
    if not quiet:
        click.echo(f"zhnews: {done.line()}", err=True)


@contextmanager
def _dataset_errors() -> Iterator[None]:
    """A held lock ends the command with exit 4, an unreadable manifest as a usage error (exit 2)."""
    from .dataset import DatasetError, DatasetLocked

    try:
        yield
    except DatasetLocked as err:
        click.echo(f"zhnews: {err}", err=True)
        sys.exit(EXIT_LOCKED)
    except DatasetError as err:
        raise click.UsageError(str(err)) from err


@main.command("compact")
@click.argument("dataset", default="outputs/dataset", type=click.Path(path_type=Path))
def compact_cmd(dataset: Path) -> None:
    """Merge DATASET's small part files into segments, so that queries open few files (ingest does it past 64)."""
    from .compact import compact
    from .dataset import Manifest

    if not (dataset / "manifest.json").exists():
        raise click.UsageError(f"{dataset}: no dataset here (no manifest.json)")
    with _dataset_errors():
        Manifest.load(dataset)
        done = compact(dataset)
    click.echo(done.line())


@main.command()
@click.argument("dataset", default="outputs/dataset", type=click.Path(path_type=Path))
def reextract(dataset: Path) -> None:
    """Re-run extraction on the articles stored in DATASET after the rules changed."""
    from .ingest import reextract as run

    with _dataset_errors():
        summary = run(dataset)
    _summary_lines(summary, dataset)
    _compact_if_many(dataset, quiet=False)


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
        click.echo(clean(item.text, reflow=item.fmt != "html").text)
    if failed:
        sys.exit(EXIT_INPUT_ERRORS)


@main.command()
@click.argument("file")
@click.option("--published", callback=_date, help="Publication date (YYYY-MM-DD) to resolve relative dates against.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
def extract(file: str, published: date | None, fmt: str) -> None:
    """Print the entities of FILE (or -): figures, places, dates, programmes."""
    from .extraction import extract as run
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
@click.option(
    "--errors", is_flag=True, help="List false positives, false negatives, value and attribution mismatches in context."
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the scores as JSON to this file.")
@click.option(
    "--baseline",
    type=click.Path(exists=True, path_type=Path),
    help="Fail (exit 1) when a score falls below this stored score file.",
)
@click.option("--tolerance", default=0.005, show_default=True, help="How far below the baseline a score may fall.")
@click.option("--write-baseline", type=click.Path(path_type=Path), help="Store the current scores as a baseline file.")
@click.option(
    "--report", "report_html", type=click.Path(dir_okay=False, path_type=Path), help="Write the report as an HTML page."
)
@click.argument("more_gold", nargs=-1, type=click.Path(exists=True))
def eval_cmd(
    gold: tuple[str, ...],
    more_gold: tuple[str, ...],
    errors: bool,
    json_out: Path | None,
    baseline: Path | None,
    tolerance: float,
    write_baseline: Path | None,
    report_html: Path | None = None,
) -> None:
    """Score the extractors on gold files (format: docs/ANNOTATION.md).

    `--gold A.jsonl B.jsonl` and `--gold A.jsonl --gold B.jsonl` both read both files.
    """
    from .evaluate import GoldError, evaluate, load_gold, regressions
    from .extraction import extract as run

    gold = gold + more_gold
    docs = []
    try:
        for g in gold:
            docs += load_gold(g)
    except GoldError as err:
        raise click.UsageError(str(err)) from err
    if report_html:
        from .views import RecordingRun

        run = RecordingRun(run)
    report = evaluate(docs, run)
    scores = report.scores()
    if errors:
        for kind, label in (
            ("FP", "false positives"),
            ("FN", "false negatives"),
            ("VALUE", "value mismatches"),
            ("ATTRIBUTION", "attribution mismatches"),
        ):
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
    if report_html:
        from .views import write_eval_report

        click.echo(f"report written to {write_eval_report(report_html, docs, report, run, gold)}")
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


DATASET_OPTION = click.option(
    "--dataset", default="outputs/dataset", show_default=True, type=click.Path(path_type=Path), help="Dataset directory."
)
FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default=None,
    help="Output format [default: table on a terminal, csv when piped].",
)


def _open(dataset: Path):  # noqa: ANN202 - pipeline.dataset.Dataset
    from .dataset import Dataset, DatasetError

    try:
        return Dataset(dataset)
    except DatasetError as err:
        raise click.UsageError(str(err)) from err


def _emit(columns: list[str], rows: list[tuple], fmt: str | None) -> None:
    from .show import render

    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    if rows or fmt != "json":
        click.echo(render(columns, rows, fmt))
    if fmt == "table":
        click.echo(f"({len(rows)} rows)", err=True)


@main.command()
@click.argument("query")
@DATASET_OPTION
@FORMAT_OPTION
def sql(query: str, dataset: Path, fmt: str | None) -> None:
    """Run SQL over the dataset's tables (sources, documents, articles, entities, figures, places, programmes).

    The dataset is opened read-only: the query can read the dataset's own files
    and nothing else, and cannot write anywhere.
    """
    from .dataset import duckdb_engine

    duckdb = duckdb_engine()
    ds = _open(dataset)
    try:
        columns, rows = ds.relation(query)
    except duckdb.PermissionException as err:
        click.echo(f"zhnews: refused: the query may only read the dataset's own tables ({str(err).splitlines()[0]})", err=True)
        sys.exit(EXIT_USAGE)
    except duckdb.Error as err:
        click.echo(f"zhnews: SQL error: {str(err).splitlines()[0]}", err=True)
        sys.exit(EXIT_USAGE)
    _emit(columns, rows, fmt)


def _within_clause(name: str, coded_only: bool = False) -> tuple[str, list]:
    """SQL for "figures of this place or any place under it", with its bound parameters.

    A division's descendants are the codes that start with its significant digits, a test on
    the `place_code` string alone; `place_ancestors` (a list column, slower to read) is only
    needed for places without a code (a village missing from the gazetteer, found in a chain)
    and for units named by a hand-kept file (zones, regions). One IN per prefix length, not a
    test per unit: a name 300 villages share (`新村`) stays one pass over the rows.
    `coded_only`: the query keeps only rows with a code, so the list is never needed.
    """
    from .place_lookup import CODE_DIGITS, units_within

    units = units_within(name)
    if not units:
        raise click.UsageError(f"--within {name!r}: no such place in the gazetteer")
    codes = [code for _, code in units]
    if any(level not in CODE_DIGITS for level, _ in units):
        clause = f"(f.place_code IN ({', '.join('?' for _ in codes)}) OR list_has_any(f.place_ancestors, ?))"
        return clause, [*codes, codes]
    by_length: dict[int, list[str]] = {}
    for level, code in units:
        by_length.setdefault(CODE_DIGITS[level], []).append(code[: CODE_DIGITS[level]])
    tests = [f"left(f.place_code, {n}) IN ({', '.join('?' for _ in p)})" for n, p in sorted(by_length.items())]
    params = [p for _, prefixes in sorted(by_length.items()) for p in prefixes]
    if coded_only:
        return f"({' OR '.join(tests)})", params
    return f"({' OR '.join(tests)} OR (f.place_code IS NULL AND list_has_any(f.place_ancestors, ?)))", [*params, codes]


@main.group()
def query() -> None:
    """Ready-made questions: figures, programmes, places, totals."""


@query.command("figures")
@DATASET_OPTION
@click.option("--place", help="Figures attributed to exactly this place (canonical name).")
@click.option("--within", help="Figures of this place and every place under it (by division code), e.g. 赣州市.")
@click.option("--unit", help="Unit, e.g. 元, %, 个.")
@click.option("--metric", help="Text that the figure's metric or sentence contains, e.g. 村集体经济.")
@click.option("--programme", help="Programme named in the figure's sentence.")
@click.option("--since", callback=_date, help="Periods ending on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_date, help="Periods starting on or before this date.")
@click.option("--min", "min_value", type=float, help="Smallest value.")
@click.option("--max", "max_value", type=float, help="Largest value.")
@click.option("--limit", type=int, default=100, show_default=True)
@FORMAT_OPTION
def query_figures(
    dataset: Path,
    place: str | None,
    within: str | None,
    unit: str | None,
    metric: str | None,
    programme: str | None,
    since: date | None,
    until: date | None,
    min_value: float | None,
    max_value: float | None,
    limit: int,
    fmt: str | None,
) -> None:
    """Figures with their place, period and programme, filtered. Options are bound parameters, never pasted into SQL."""
    ds = _open(dataset)
    q, params = figures_query(place, within, unit, metric, programme, since, until, min_value, max_value, limit)
    _emit(*ds.relation(q, params), fmt)


def figures_query(
    place: str | None = None,
    within: str | None = None,
    unit: str | None = None,
    metric: str | None = None,
    programme: str | None = None,
    since: date | None = None,
    until: date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    limit: int = 100,
) -> tuple[str, list]:
    """The SQL of `zhnews query figures` and its parameters (benchmarks/query_speed.py times the same)."""
    where, params = ["TRUE"], []
    if place:
        where.append("f.place = ?")
        params.append(place)
    if within:
        clause, codes = _within_clause(within)
        where.append(clause)
        params += codes
    if unit:
        where.append("f.unit = ?")
        params.append(unit)
    if metric:
        where.append("(contains(coalesce(f.metric, ''), ?) OR contains(f.sentence, ?))")
        params += [metric, metric]
    if programme:
        where.append("f.programme = ?")
        params.append(programme)
    if since:
        where.append("coalesce(f.period_end, f.published) >= ?")
        params.append(since)
    if until:
        where.append("coalesce(f.period_start, f.period_end, f.published) <= ?")
        params.append(until)
    if min_value is not None:
        where.append("f.value >= ?")
        params.append(min_value)
    if max_value is not None:
        where.append("f.value <= ?")
        params.append(max_value)
    params.append(limit)
    q = (
        "SELECT f.text, f.value, f.max, f.unit, f.qualifier, f.metric, f.place, f.place_level, "
        "f.period_start, f.period_end, f.programme, f.published, f.article_id "
        f"FROM figures f WHERE {' AND '.join(where)} "
        "ORDER BY f.published, f.place, f.figure_id LIMIT ?"
    )
    return q, params


@query.command("programmes")
@DATASET_OPTION
@click.option("--by", type=click.Choice(["catalogue", "place", "year"]), default="catalogue", show_default=True)
@click.option("--limit", type=int, default=100, show_default=True)
@FORMAT_OPTION
def query_programmes(dataset: Path, by: str, limit: int, fmt: str | None) -> None:
    """The programme catalogue, or mentions of each programme by place or by year."""
    ds = _open(dataset)
    if by == "catalogue":
        q = "SELECT * FROM programmes ORDER BY mentions DESC, name LIMIT ?"
    elif by == "place":
        q = (
            "SELECT e.name AS programme, a.subject_place AS place, count(*) AS mentions, count(DISTINCT a.article_id) AS articles "
            "FROM entities e JOIN articles a USING (article_id) WHERE e.type = 'PROGRAMME' "
            "GROUP BY ALL ORDER BY mentions DESC, programme LIMIT ?"
        )
    else:
        q = (
            "SELECT e.name AS programme, year(a.published) AS year, count(*) AS mentions, count(DISTINCT a.article_id) AS articles "
            "FROM entities e JOIN articles a USING (article_id) WHERE e.type = 'PROGRAMME' "
            "GROUP BY ALL ORDER BY programme, year LIMIT ?"
        )
    _emit(*ds.relation(q, [limit]), fmt)


@query.command("places")
@DATASET_OPTION
@click.option(
    "--level", type=click.Choice(["province", "city", "county", "township", "village", "zone", "region", "river", "foreign"])
)
@click.option("--limit", type=int, default=100, show_default=True)
@FORMAT_OPTION
def query_places(dataset: Path, level: str | None, limit: int, fmt: str | None) -> None:
    """Places named in the dataset, with mention and article counts."""
    ds = _open(dataset)
    _emit(
        *ds.relation(
            "SELECT * FROM places WHERE (? IS NULL OR level = ?) ORDER BY mentions DESC, name LIMIT ?", [level, level, limit]
        ),
        fmt,
    )


LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9}


@query.command("totals")
@DATASET_OPTION
@click.option("--within", help="Only figures of this place and the places under it.")
@click.option(
    "--level", type=click.Choice(list(LEVEL_DIGITS)), default="county", show_default=True, help="Roll places up to this level."
)
@click.option("--unit", help="Only this unit.")
@click.option("--limit", type=int, default=200, show_default=True)
@FORMAT_OPTION
def query_totals(dataset: Path, within: str | None, level: str, unit: str | None, limit: int, fmt: str | None) -> None:
    """Count and sum of figures by place (rolled up the hierarchy to --level), year and unit."""
    _emit(*totals(_open(dataset), within, level, unit, limit), fmt)


def totals(ds, within: str | None = None, level: str = "county", unit: str | None = None, limit: int = 200):  # noqa: ANN001, ANN201
    """The rows of `zhnews query totals` (benchmarks/query_speed.py times the same): the SQL, then each code's name.

    Names come from the gazetteer's file (pipeline.place_lookup), not from a join with the
    places view, which would group every PLACE mention of the dataset to name a few hundred rows.
    """
    from .place_lookup import names_of_codes

    columns, rows = ds.relation(*totals_query(within, level, unit, limit))
    names = names_of_codes(r[0] for r in rows)
    return ["place", *columns], [(names.get(r[0], r[0]), *r) for r in rows]


def totals_query(within: str | None = None, level: str = "county", unit: str | None = None, limit: int = 200) -> tuple[str, list]:
    """The SQL of `zhnews query totals` and its parameters: rows keyed by division code, in code order."""
    n = LEVEL_DIGITS[level]
    where, params = ["f.place_code IS NOT NULL", "length(f.place_code) = 12"], []
    if within:
        clause, codes = _within_clause(within, coded_only=True)
        where.append(clause)
        params += codes
    if unit:
        where.append("f.unit = ?")
        params.append(unit)
    params.append(limit)
    q = (
        f"WITH rolled AS (SELECT left(f.place_code, {n}) AS prefix, "
        "year(coalesce(f.period_end, f.published)) AS year, f.unit, f.value FROM figures f "
        f"WHERE {' AND '.join(where)} AND f.place_code NOT LIKE '%' || repeat('0', 12 - {n}) || '_%') "
        "SELECT rpad(prefix, 12, '0') AS code, year, unit, count(*) AS figures, sum(value) AS total "
        "FROM rolled GROUP BY prefix, year, unit ORDER BY code, year, unit LIMIT ?"  # padded after grouping: shorter keys
    )
    return q, params


@main.command()
def schema() -> None:
    """Print the dataset's tables and columns with their meaning (docs/DATASET.md)."""
    from .records import schema_markdown

    click.echo(schema_markdown())


@main.command()
@DATASET_OPTION
def stats(dataset: Path) -> None:
    """What the dataset holds: rows per table, sources, rules versions, publication dates."""
    ds = _open(dataset)
    for table in ("sources", "documents", "articles", "entities", "figures", "places", "programmes"):
        (n,) = ds.relation(f"SELECT count(*) FROM {table}")[1][0]
        click.echo(f"{table:<11}{n:>10}")
    cols, rows = ds.relation("SELECT type, count(*) FROM entities GROUP BY type ORDER BY type")
    click.echo("entities by type: " + ", ".join(f"{t} {n}" for t, n in rows))
    _, rows = ds.relation("SELECT min(published), max(published), count(DISTINCT rules_version) FROM articles")
    lo, hi, versions = rows[0]
    click.echo(f"published: {lo} .. {hi}; rules versions: {versions}")


# ---- browsing: export, serve, show (pipeline/export.py, web.py, views.py)


@main.command("export")
@click.option(
    "--sqlite", "sqlite_out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="SQLite file to write."
)
@DATASET_OPTION
def export_cmd(sqlite_out: Path, dataset: Path) -> None:
    """Write the dataset as an SQLite database: keys, indexes, full-text search (docs in pipeline/export.py)."""
    from .export import export_sqlite

    summary = export_sqlite(_open(dataset), sqlite_out)
    click.echo(summary.line())


@main.command()
@DATASET_OPTION
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; the default is reachable from this machine only."
)
def serve(dataset: Path, port: int, host: str) -> None:
    """Browse the dataset in Datasette, with article views at /-/zhnews/article/<article_id> and charts at /-/zhnews/."""
    from .web import serve as run

    _open(dataset)  # a usage error when there is no dataset
    run(dataset, host=host, port=port, echo=lambda msg: click.echo(msg, err=True))


@main.command()
@click.argument("target")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the page to this HTML file.")
@DATASET_OPTION
@click.option("--published", callback=_date, help="Publication date for a FILE that carries none (YYYY-MM-DD).")
def show(target: str, html_out: Path | None, dataset: Path, published: date | None) -> None:
    """Show an article with its entities highlighted: TARGET is an article id (or its start) in the dataset, or a FILE to extract."""
    from . import views

    if target == "-" or Path(target).is_file():
        found, errors = views.views_of_file(target, published)
        for e in errors:
            click.echo(f"zhnews: {e}", err=True)
        if not found:
            sys.exit(EXIT_INPUT_ERRORS)
        page = views.file_page(target, found)
    else:
        if "/" in target or Path(target).suffix:
            raise click.UsageError(f"{target}: no such file")
        ds = _open(dataset)
        ids = views.find_article_ids(ds, target)
        if not ids:
            raise click.UsageError(f"{target!r} is neither a file nor an article id in {dataset}")
        if len(ids) > 1:
            raise click.UsageError(f"{target!r} starts {len(ids)} article ids: {', '.join(ids[:5])}…")
        found = [views.view_from_dataset(ds, ids[0])]
        page = views.article_page(found[0])
    if html_out:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(page, encoding="utf-8")
        n = sum(len(v.entities) for v in found)
        click.echo(f"{len(found)} articles, {n} entities → {html_out}", err=True)
        return
    colour = sys.stdout.isatty()
    click.echo("\n\n".join(views.terminal_text(v, colour) for v in found))


if __name__ == "__main__":
    main()
