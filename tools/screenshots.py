"""Render archived notebook HTML files in headless Chromium: a PNG each, and a failure for every
JavaScript error, blank chart or table that never finished loading.

    .venv/bin/python tools/screenshots.py [ARCHIVE_DIR] [--out DIR]

ARCHIVE_DIR defaults to demo/workspace/archive (what `make demo` leaves); PNGs go to
demo/screenshots (outside git). Exit 1 when any page has a problem, naming page and problem.
Uses Debian's chromium (`apt-get install chromium`) through playwright, offline: every request
that leaves the file system is blocked and counted as a problem (the archive must work offline).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Request, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# What a rendered page must show: every plotly div drew at least one trace, every itables
# table was turned into a DataTable (an untouched one still says "Loading ITables").
PAGE_PROBLEMS = """() => {
  const problems = [];
  document.querySelectorAll('.plotly-graph-div').forEach((div, i) => {
    const title = div.querySelector('.gtitle');
    const name = title ? title.textContent : `chart ${i + 1}`;
    if (!div.querySelector('svg.main-svg')) problems.push(`chart not drawn: ${name}`);
    else if (!div.querySelector('g.trace, g.slice, g.treemaplayer path'))
      problems.push(`blank chart (no trace drawn): ${name}`);
  });
  document.querySelectorAll('table[id^="itables_"]').forEach((t) => {
    if (!t.classList.contains('dataTable')) problems.push(`table not loaded: ${t.id}`);
  });
  return problems;
}"""


def render(page: Page, html: Path, png: Path, tiles: int = 0) -> list[str]:
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            problems.append(f"console error: {msg.text[:200]}")

    def block_network(route: Route, request: Request) -> None:
        problems.append(f"network request (not offline): {request.url[:120]}")
        route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {str(exc)[:200]}"))
    page.route("http*://**", block_network)
    page.goto(html.as_uri(), wait_until="load", timeout=300_000)  # 10 MB pages on a busy box
    page.wait_for_timeout(1500)  # plotly and DataTables draw after load
    problems += page.evaluate(PAGE_PROBLEMS)
    page.screenshot(path=str(png), full_page=True)
    height = int(page.evaluate("() => document.documentElement.scrollHeight"))
    for i, top in enumerate(range(0, height, tiles) if tiles else []):
        clip = {"x": 0, "y": top, "width": 1400, "height": min(tiles, height - top)}
        page.screenshot(path=str(png.with_suffix(f".{i + 1:02d}.png")), full_page=True, clip=clip)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", nargs="?", type=Path, default=ROOT / "demo/workspace/archive")
    parser.add_argument("--out", type=Path, default=ROOT / "demo/screenshots")
    parser.add_argument("--tiles", type=int, default=0, metavar="PX",
                        help="also cut each page into pictures PX high (for reading them)")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshots: chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    pages = sorted(args.archive.glob("*/*.html"))
    if not pages:
        print(f"screenshots: no archived HTML under {args.archive}; run `make demo` first",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for html in pages:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            png = args.out / f"{html.parent.name}.png"
            problems = render(page, html, png, args.tiles)
            page.close()
            failed += bool(problems)
            print(f"{'FAIL' if problems else 'ok  '} {png}")
            for problem in problems:
                print(f"     {problem}")
        browser.close()
    print(f"{len(pages)} pages, {failed} with problems; pictures in {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
