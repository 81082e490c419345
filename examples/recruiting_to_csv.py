"""Write a CSV of the trials now recruiting for a condition.

    python examples/recruiting_to_csv.py "acute lymphoblastic leukemia" recruiting.csv

Fetches every matching study page by page, keeps those whose overall status is RECRUITING,
and writes one row per study with its link. Set TRIALFINDER_API_URL to use another API server.
"""

from __future__ import annotations

import csv
import sys

from trialfinder import Client, TrialFinderError, iter_studies


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    condition, path = argv
    written = 0
    try:
        with Client() as client, open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["nct_id", "title", "phases", "sponsor", "last_updated", "url"])
            stream = iter_studies(condition=condition, limit=None, client=client)
            for study in stream:
                if study.status != "RECRUITING":
                    continue
                writer.writerow(
                    [
                        study.nct_id,
                        study.title,
                        "|".join(study.phases),
                        study.lead_sponsor,
                        study.last_updated,
                        study.url,
                    ]
                )
                written += 1
    except TrialFinderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {written} recruiting of {stream.total_count} matching studies to {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
