"""Replace (or add) one section of the lab's source, then rebuild the notebooks (lab authors' tool).

usage: python3 scripts/notebook_section.py SECTION CELLS.json [--order NN] [--no-build]

The lab's notebooks (notebooks/HuntingLab.ipynb and HuntingLab-Completed.ipynb)
are built from notebooks/source/NN-SECTION.md|json by scripts/build-notebooks.ts.
CELLS.json is a list of {"cell_type": "markdown"|"code", "source": "...", "tags"?: [...]};
it becomes notebooks/source/NN-SECTION.json, replacing the section's old file
(.md or .json). NN places the section: the old file's number, else SECTION_ORDER's,
else --order NN (e.g. 85 for a section between "ml" (80) and "end" (90)).
Then both notebooks are rebuilt (outputs of unchanged cells are kept; run
`node --import tsx scripts/build-notebooks.ts --execute` to refresh the completed
notebook's outputs).
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "notebooks", "source")

# The order of the seed walkthrough, and each section's file number.
SECTION_ORDER = {
    "intro": 10,
    "data-acquisition": 20,
    "enrich": 30,
    "pivots": 40,
    "extract": 50,
    "vis-maps-graphs": 60,
    "vis-trees-timelines": 70,
    "ml": 80,
    "end": 90,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("section")
    parser.add_argument("cells")
    parser.add_argument("notebook", nargs="?", help="ignored: the notebooks are built from notebooks/source/")
    parser.add_argument("--order", type=int, default=None)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9_-]+", args.section):
        print(f"a section name is letters, digits, - and _: {args.section!r}", file=sys.stderr)
        return 2
    with open(args.cells) as f:
        specs = json.load(f)
    if not isinstance(specs, list) or not all(isinstance(s, dict) and s.get("cell_type") in ("markdown", "code") for s in specs):
        print(f"{args.cells}: expected a list of {{cell_type, source}} cells", file=sys.stderr)
        return 2
    old = [f for f in os.listdir(SOURCE) if re.fullmatch(r"(\d+)-" + re.escape(args.section) + r"\.(md|json)", f)]
    number = args.order
    if number is None and old:
        number = int(old[0].split("-", 1)[0])
    if number is None:
        number = SECTION_ORDER.get(args.section)
    if number is None:
        print(f"new section {args.section!r}: give its place with --order NN (sections: {', '.join(f'{n} {s}' for s, n in SECTION_ORDER.items())})", file=sys.stderr)
        return 2
    for f in old:
        os.remove(os.path.join(SOURCE, f))
    target = os.path.join(SOURCE, f"{number}-{args.section}.json")
    cells = [{k: v for k, v in s.items() if k in ("cell_type", "source", "tags")} for s in specs]
    with open(target, "w") as f:
        json.dump(cells, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{os.path.relpath(target, ROOT)}: {len(cells)} cells")
    if args.no_build:
        return 0
    node = os.environ.get("HUNTLAB_NODE", "node")
    return subprocess.call([node, "--import", "tsx", os.path.join(ROOT, "scripts", "build-notebooks.ts")], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
