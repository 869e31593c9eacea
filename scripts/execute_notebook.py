"""Execute one notebook headless with nbclient and report every problem.

usage: python3 execute_notebook.py NOTEBOOK OUTPUT [--kernel NAME] [--timeout SECONDS]

Writes the executed notebook to OUTPUT and a JSON report on stdout:
{"cells": N, "problems": [{"cell": i, "kind": ..., "text": ...}], "seconds": t}
A problem is an error output, an execute_reply with status "error", or text on
stderr (tslab reports a cell's type errors there, and then skips the cell).
"""
import argparse
import json
import sys
import time

import nbformat
from nbclient import NotebookClient


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--kernel", default=None)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--cwd", default=None)
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(nb, timeout=args.timeout, kernel_name=kernel, allow_errors=True, record_timing=True)
    problems = []
    started = time.time()
    try:
        client.execute(cwd=args.cwd)
    except Exception as exc:  # kernel died, timeout…
        problems.append({"cell": -1, "kind": "execution", "text": f"{type(exc).__name__}: {exc}"})
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append({"cell": index, "kind": "error", "text": f"{out.get('ename')}: {out.get('evalue')}"})
            elif out.output_type == "stream" and out.get("name") == "stderr":
                problems.append({"cell": index, "kind": "stderr", "text": out.get("text", "")[:2000]})
    nbformat.write(nb, args.output)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    json.dump({"kernel": kernel, "cells": code_cells, "problems": problems, "seconds": round(time.time() - started, 2)}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
