"""Find trials that give two treatments together, for one condition.

    python examples/combined_interventions.py "multiple myeloma" radiation pembrolizumab

Several interventions in one search mean a study must involve all of them; this script then
looks at each study's arms to tell "given together in one arm" from "compared in separate
arms". Set TRIALFINDER_API_URL to use another API server.
"""

from __future__ import annotations

import sys

from trialfinder import Study, TrialFinderError, search


def arms_with_all(study: Study, treatments: list[str]) -> list[str]:
    """Labels of the arms whose interventions mention every treatment."""
    wanted = [t.lower() for t in treatments]
    names_of = {
        (i.name or "").lower(): [n.lower() for n in i.other_names] for i in study.interventions
    }
    together = []
    for arm in study.arms:
        given = " ".join(arm.intervention_names).lower()
        # An arm lists "Type: Name"; other names (brand names, codes) count too.
        given += " " + " ".join(
            other for name, others in names_of.items() if name and name in given for other in others
        )
        if all(t in given for t in wanted):
            together.append(arm.label or "(unnamed arm)")
    return together


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    condition, treatments = argv[0], argv[1:]
    try:
        result = search(condition=condition, intervention=treatments, limit=100)
    except TrialFinderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{len(result.studies)} of {result.total_count} studies involve {' and '.join(treatments)}:"
    )
    for study in result.studies:
        together = arms_with_all(study, treatments)
        how = f"together in arm '{together[0]}'" if together else "in separate arms only"
        print(f"{study.nct_id}  {study.status or '?':<24} {how}")
        print(f"    {study.title}")
        print(f"    {study.url}")
    print("Take this list to your doctor, who can confirm whether any trial fits.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
