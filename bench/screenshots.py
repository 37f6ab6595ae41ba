"""The README's screenshots: the Overview, Methods and Teams pages of a loaded database in
Chinese and English, 1280 px wide, from `recovery serve` in headless Chromium.

    .venv/bin/python bench/screenshots.py --db FILE.duckdb [--period 2026-10] [--out docs]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import chromium, open_page, running_dashboard  # noqa: E402

PAGES = {"overview": "/", "methods": "/methods", "teams": "/teams"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOVERY_")}
    env["RECOVERY_USERS_FILE"] = str(args.out / "no-users.json")  # open, on 127.0.0.1
    with running_dashboard(args.db, env=env) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, path in PAGES.items():
            for lang in ("zh", "en"):
                open_page(page, f"{url}{path}?period={args.period}&lang={lang}")
                target = args.out / f"{name}-{lang}.png"
                page.screenshot(path=target, full_page=True)
                print(target)


if __name__ == "__main__":
    main()
