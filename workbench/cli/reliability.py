"""The reliability report from the command line.

    workbench reliability --project P --material transcripts|observations|ratings [--coders A,B]
              [--unit-ms 1000 --tolerance-ms 0 --window-ms 2000] [--min-overlap 0.9] [--no-plots]
              --out report.xlsx|report.html

Every table of the comparison (with what was compared, and the table behind each
number) goes to the XLSX or HTML file; HTML also carries the plots.
"""

from __future__ import annotations

from pathlib import Path

from workbench.model.errors import WorkbenchError


def register(commands) -> None:
    cmd = commands.add_parser("reliability", help="inter-rater reliability report (XLSX or HTML)")
    cmd.add_argument("--project", type=Path, metavar="P", help="the project folder (or use --db URL)")
    cmd.add_argument("--material", required=True, choices=("transcripts", "observations", "ratings"))
    cmd.add_argument(
        "--coders",
        metavar="A,B",
        help="coders or raters to compare, by name (default: the two who share the most material)",
    )
    cmd.add_argument("--unit-ms", type=int, default=1000, help="time-unit width (the sampling step), ms")
    cmd.add_argument("--tolerance-ms", type=int, default=0, help="time-unit boundary tolerance, ms")
    cmd.add_argument("--window-ms", type=int, default=2000, help="event alignment window, ms")
    cmd.add_argument("--min-overlap", type=float, default=0.9, help="text segment matching overlap (0-1)")
    cmd.add_argument("--no-plots", action="store_true", help="tables only")
    cmd.add_argument("--out", type=Path, required=True, metavar="report.xlsx|report.html")
    cmd.set_defaults(handler=_cmd_reliability)


def _cmd_reliability(args) -> int:
    from workbench.cli import open_project
    from workbench.cli.console import ProgressLine
    from workbench.exchange.reliability_report import write_report
    from workbench.services.reliability_run import Settings, run_reliability

    suffix = args.out.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        raise WorkbenchError(f"{args.out} should end in .xlsx or .html")
    if not args.out.parent.resolve().is_dir():
        raise WorkbenchError(f"{args.out.parent} is not a folder")
    coders = tuple(c.strip() for c in args.coders.split(",") if c.strip()) if args.coders else None
    settings = Settings(
        args.material,
        coders,
        args.unit_ms,
        args.tolerance_ms,
        args.window_ms,
        args.min_overlap,
        plots=not args.no_plots,
    )
    settings.check()
    project = open_project(args, args.project)
    try:
        outcome = run_reliability(
            project.db, settings, progress=ProgressLine("reliability"), asked_by=project.coder.id
        )
    finally:
        project.close()
    write_report(outcome.report, args.out)
    report = outcome.report
    print(f"Wrote {len(report.sheets)} tables and {len(report.figures)} plots to {args.out}")
    return 0
