"""Replace one section of notebooks/HuntingLab.ipynb (lab authors' tool).

usage: python3 scripts/notebook_section.py SECTION CELLS.json [NOTEBOOK]

CELLS.json is a list of {"cell_type": "markdown"|"code", "source": "..."}.
Every cell carries metadata {"huntlab_section": SECTION}; the section's old
cells are removed and the new ones placed where the section belongs in the
walkthrough's order (SECTION_ORDER), so sections can be written independently.
Outputs are cleared: the test suite executes the notebook.
"""
import fcntl
import json
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

# The order of the seed walkthrough.
SECTION_ORDER = [
    "intro",
    "data-acquisition",
    "enrich",
    "pivots",
    "extract",
    "vis-maps-graphs",
    "vis-trees-timelines",
    "ml",
    "end",
]


def section_of(cell):
    return cell.get("metadata", {}).get("huntlab_section", "data-acquisition")


def main() -> int:
    section, cells_path = sys.argv[1], sys.argv[2]
    notebook = sys.argv[3] if len(sys.argv) > 3 else "notebooks/HuntingLab.ipynb"
    if section not in SECTION_ORDER:
        print(f"unknown section {section!r}; known: {', '.join(SECTION_ORDER)}", file=sys.stderr)
        return 2
    with open(cells_path) as f:
        specs = json.load(f)
    new_cells = []
    for spec in specs:
        make = new_code_cell if spec["cell_type"] == "code" else new_markdown_cell
        cell = make(spec["source"])
        cell.metadata["huntlab_section"] = section
        new_cells.append(cell)
    with open(notebook + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        nb = nbformat.read(notebook, as_version=4)
        kept = [c for c in nb.cells if section_of(c) != section]
        rank = SECTION_ORDER.index(section)
        at = len(kept)
        for i, c in enumerate(kept):
            if SECTION_ORDER.index(section_of(c)) > rank:
                at = i
                break
        nb.cells = kept[:at] + new_cells + kept[at:]
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs = []
                c.execution_count = None
        nbformat.write(nb, notebook)
    print(f"{notebook}: section {section} now has {len(new_cells)} cells")
    return 0


if __name__ == "__main__":
    sys.exit(main())
