"""Command line: `python -m archive_import SRC... [--dry-run] [--force]` (also `make import SRC=...`)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from archive_import.settings import SettingsError, load_settings

__all__ = ["main"]

DESCRIPTION = """Import raw newsroom articles into the archive: plain-text page dumps (.txt), HTML pages,
WordPress WXR exports, RSS/Atom feeds and JSON lines. Writes content/<desk>/<yyyy>/<yyyy-mm-dd>-<slug>.md,
prints a summary and writes a JSON-lines report of every story and every removed block."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m archive_import", description=DESCRIPTION)
    parser.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="raw files or folders to import")
    parser.add_argument("--dry-run", action="store_true", help="show what would be written; write no article")
    parser.add_argument("--force", action="store_true", help="overwrite articles that were edited by hand")
    parser.add_argument("--settings", type=Path, default=Path("pelicanconf.py"), metavar="FILE",
                        help="the Pelican settings file to read TIMEZONE, DESKS and IMPORT_* from (default: pelicanconf.py)")
    parser.add_argument("--content", type=Path, metavar="FOLDER", help="content folder to write into (default: PATH of the settings)")
    parser.add_argument("--report", type=Path, metavar="FILE", help="JSON-lines report file (default: import-report.jsonl)")
    parser.add_argument("--timezone", metavar="ZONE", help="zone for dates printed without one (default: TIMEZONE)")
    parser.add_argument("--desk", dest="default_desk", metavar="DESK", help="desk for stories the desk mapping does not place")
    parser.add_argument("--captured-at", metavar="WHEN", help="when the pages were saved (ISO 8601), to resolve \"2 hours ago\"")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, summary only")
    return parser


#: Said on Ctrl-C. True of any moment: every article is written whole or not at all (write_atomic),
#: and a run finds an article already written as it would write it "unchanged".
INTERRUPTED = ("import interrupted: the stories written so far are kept, each file whole; run the same "
               "import again to continue (it leaves them as they are)")


def main(argv: list[str] | None = None) -> int:
    """Run an import; exit status 0 when nothing was rejected, 1 when something was, 2 on bad usage,
    130 when stopped with Ctrl-C."""
    args = _parser().parse_args(argv)
    try:
        return _import(args)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130


def _import(args: argparse.Namespace) -> int:
    """main() for parsed arguments."""
    captured = None
    if args.captured_at:
        try:
            captured = datetime.fromisoformat(args.captured_at)
        except ValueError:
            print(f'--captured-at: "{args.captured_at}" is not ISO 8601 (e.g. 2023-03-17T08:00:00+02:00)', file=sys.stderr)
            return 2
    missing = [str(path) for path in args.sources if not path.exists()]
    if missing:
        print(f"SRC: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not args.settings.is_file():
        # Without it the desks, the time zone and the content folder would all be guesses.
        print(f"--settings: {args.settings}: no such settings file; run the import in the archive's folder "
              "(make import SRC=...) or give --settings path/to/pelicanconf.py", file=sys.stderr)
        return 2
    try:
        settings = load_settings(
            args.settings, content_dir=args.content, report_path=args.report, timezone=args.timezone,
            default_desk=args.default_desk, captured_at=captured, dry_run=args.dry_run or None, force=args.force or None,
        )
    except SettingsError as error:
        print(f"{args.settings}: {error}", file=sys.stderr)
        return 2
    if captured is not None and captured.tzinfo is None:
        from archive_format import localize

        settings.captured_at = localize(captured, settings.timezone)

    from archive_import.pipeline import ImportRun

    try:
        summary = ImportRun(settings, progress=not args.quiet).run(args.sources)
    except OSError as error:
        # Every article is written whole or not at all (write_atomic): a stop leaves no half file.
        where = error.filename2 or error.filename or settings.content_dir  # os.replace: the target
        print(f"{where}: cannot be written ({error.strerror}); point --content "
              "and --report at a folder you can write to and run the import again (articles already "
              "written are kept, and importing them again changes no byte)", file=sys.stderr)
        return 2
    for record in summary.records:
        status = record["status"]
        if status == "rejected":
            print(f"rejected  {record['source']}: {record['reason']}", file=sys.stderr)
        elif status == "duplicate":
            print(f"duplicate {record['source']}: {record['reason']}")
        elif status == "kept":
            print(f"kept      {settings.content_dir / record['article']}: {record['reason']}")
        elif args.dry_run and status in ("imported", "updated"):
            print(f"would write {settings.content_dir}/{record['article']} ({status})")
    prefix = "dry run: " if args.dry_run else ""
    print(f"{prefix}{summary.line()}" + (f"; report: {settings.report_path}" if settings.report_path else ""))
    if all(record["status"] == "skipped" for record in summary.records):
        # An empty folder or the wrong one (a folder of articles, of images): say so, not "imported 0".
        for record in summary.records:
            print(f"skipped   {record['source']}: {record['reason']}", file=sys.stderr)
        print(f"SRC: no raw article found in {', '.join(map(str, args.sources))}; give the files or the folder "
              "of the raw exports (see --help for the kinds the importer reads)", file=sys.stderr)
        return 2
    return 1 if summary.rejected else 0
