"""Export a search to Parquet tables, then answer questions with DuckDB SQL over the files.

    pip install "trialfinder[parquet]" duckdb
    python examples/export_to_duckdb.py "multiple myeloma" radiation pembrolizumab myeloma-data

Exports every open study for the condition (the same as ``trialfinder export DIR -c …``),
then asks three questions of the folder: recruiting sites per country, studies per lead
sponsor, and arms whose listed interventions name both agents. The names are matched as
written in the record (``ILIKE``), so a brand name the record uses instead is not found.
Set TRIALFINDER_API_URL to use another API server.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from trialfinder import TrialFinderError, export_parquet

SITES_PER_COUNTRY = """
    SELECT coalesce(country, '(country not given)') AS country, count(*) AS sites
    FROM read_parquet(?) WHERE status = 'RECRUITING'
    GROUP BY 1 ORDER BY sites DESC, country
"""
STUDIES_PER_SPONSOR = """
    SELECT coalesce(lead_sponsor, '(not given)') AS sponsor, count(*) AS studies
    FROM read_parquet(?) GROUP BY 1 ORDER BY studies DESC, sponsor LIMIT 10
"""
# An arm combines the agents when its own intervention list names each of them.
ARMS_WITH_BOTH = """
    SELECT a.nct_id, a.label, s.overall_status
    FROM read_parquet(?) AS a JOIN read_parquet(?) AS s USING (nct_id)
    WHERE EXISTS (SELECT 1 FROM unnest(a.intervention_names) AS t(name) WHERE name ILIKE ?)
      AND EXISTS (SELECT 1 FROM unnest(a.intervention_names) AS t(name) WHERE name ILIKE ?)
    ORDER BY a.nct_id, a.arm_index
"""


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    condition, first, second, folder = argv
    try:
        manifest = export_parquet(folder, condition=condition)
    except TrialFinderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    tables = {name: str(Path(folder) / file) for name, file in manifest.files.items()}
    print(f"Exported {manifest.rows['studies']} studies to {folder}.")
    con = duckdb.connect()

    print("\nRecruiting sites per country:")
    for country, sites in con.execute(SITES_PER_COUNTRY, [tables["sites"]]).fetchall():
        print(f"  {sites:>5}  {country}")

    print("\nStudies per lead sponsor (top 10):")
    for sponsor, studies in con.execute(STUDIES_PER_SPONSOR, [tables["studies"]]).fetchall():
        print(f"  {studies:>5}  {sponsor}")

    arms = con.execute(
        ARMS_WITH_BOTH, [tables["arms"], tables["studies"], f"%{first}%", f"%{second}%"]
    ).fetchall()
    print(f"\nArms whose interventions name both {first} and {second}: {len(arms)}")
    for nct_id, label, status in arms:
        print(f"  {nct_id}  {status or 'status not given':<22} {label}")
    print("\nThe records are from ClinicalTrials.gov: take any trial to your doctor.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
