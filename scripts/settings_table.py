"""Write the table of settings (``helpers/settings.py``) into README.md.

    python scripts/settings_table.py           # print it and update README.md
    python scripts/settings_table.py --check   # exit 1 if README.md is stale

The table goes between the markers ``<!-- settings-table -->`` and
``<!-- /settings-table -->``; everything else in README.md is left as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
README = ROOT / "README.md"
START, END = "<!-- settings-table -->", "<!-- /settings-table -->"


def insert_table(text: str, table: str) -> str:
    """``text`` with ``table`` between the markers; ``ValueError`` without them."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {START} and {END} are not in order")
    return text[:start + len(START)] + "\n" + table + "\n" + text[end:]


def main(argv=None) -> int:
    from helpers import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if README.md is stale")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    table = settings.format_table()
    text = args.readme.read_text(encoding="utf-8")
    try:
        updated = insert_table(text, table)
    except ValueError as e:
        print(f"error: {args.readme}: {e}", file=sys.stderr)
        return 2
    if args.check:
        if updated != text:
            print(f"{args.readme} is stale: run python scripts/settings_table.py",
                  file=sys.stderr)
            return 1
        return 0
    print(table)
    if updated != text:
        args.readme.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
