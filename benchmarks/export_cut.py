"""A copy of a Crunchbase export that ends earlier: only the rows dated before a day, made the way
the shared folder's README says the folder itself was made (rounds, investments and acquisitions
dated before it; companies founded and first funded before it, or with a round kept).

The benchmark must use only what is known before its split, and work on any export of the format,
later rows included. So a split measured on the whole export and on a copy cut at the end of its
test period must give the same rankings, byte for byte:

    .venv/bin/python benchmarks/export_cut.py ../shared/data/crunchbase-2013 /tmp/cut-2012 --before 2012-01-01
    .venv/bin/flask --app marketplace recs evaluate-crunchbase ../shared/data/crunchbase-2013 \\
        --train-until 2011-01-01 --out /tmp/whole.jsonl
    .venv/bin/flask --app marketplace recs evaluate-crunchbase /tmp/cut-2012 \\
        --train-until 2011-01-01 --out /tmp/cut.jsonl
    cmp /tmp/whole.jsonl /tmp/cut.jsonl

docs/recommender-log.md ("7 December (evening)") reads the result.
"""
from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender import crunchbase  # noqa: E402

# The files cut by a date column. Acquisitions are not read by the benchmark but are cut too, so
# that the copy is an export of its own.
DATED = {"crunchbase-rounds.csv": "funded_at", "crunchbase-investments.csv": "funded_at",
         "crunchbase-acquisitions.csv": "acquired_at"}


def _before(text: str, day: date) -> bool:
    try:
        parsed = crunchbase.parse_date(text)
    except ValueError:
        return True  # kept as it is: the reader skips a row it cannot date, in both exports
    return parsed is None or parsed < day


def _copy(source: Path, target: Path, keep) -> list[crunchbase.Row]:
    """Write the rows of ``source`` that ``keep`` accepts to ``target``, Mac Roman, lines ended by CR."""
    rows = list(crunchbase.read_rows(source))
    kept = [row for row in rows if keep(row)]
    if not rows:  # no header to read a row by: the file as it is
        target.write_bytes(source.read_bytes())
        return kept
    with target.open("w", encoding=crunchbase.ENCODING, errors="replace", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r")
        writer.writeheader()
        writer.writerows(kept)
    print(f"{source.name}: {len(kept):,} of {len(rows):,} rows kept")
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a Crunchbase export's folder")
    parser.add_argument("target", type=Path, help="the folder to write the copy to (made if missing)")
    parser.add_argument("--before", required=True, type=date.fromisoformat, help="keep the rows dated before this day")
    args = parser.parse_args(argv)
    crunchbase.check(args.source)
    args.target.mkdir(parents=True, exist_ok=True)
    funded: set[str] = set()
    for name, column in DATED.items():
        if (args.source / name).exists():
            kept = _copy(args.source / name, args.target / name, lambda row: _before(row[column], args.before))
            funded |= {row["company_permalink"] for row in kept if name != "crunchbase-acquisitions.csv"}
    _copy(crunchbase.path_of(args.source, "companies"), crunchbase.path_of(args.target, "companies"),
          lambda row: _before(row["founded_at"], args.before) and (
              row["permalink"] in funded or _before(row.get("first_funding_at", ""), args.before)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
