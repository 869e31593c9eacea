"""Execute one notebook headless with nbclient and report every problem.

usage: python3 execute_notebook.py NOTEBOOK OUTPUT [--kernel NAME] [--timeout SECONDS] [--cwd DIR]
                                   [--progress] [--stop-on-error] [--mark-cells]

Writes the executed notebook to OUTPUT and a JSON report on stdout:
{"cells": N, "problems": [{"cell": i, "kind": ..., "text": ...}], "seconds": t,
 "failures": [{"cell": i, "execution_count": n, "source": first lines, "error": text}], "stopped": bool}
A problem is an error output, an execute_reply with status "error", or text on
stderr (tslab reports a cell's type errors there, and then skips the cell).
A failure is a cell whose execute_reply has status "error" or that has an error
output (tslab writes the error of a failed cell on stderr, Deno as an error output).

For `npm run hunt` (scripts/hunt.mjs):
  --progress       one line per code cell on stderr as it finishes (ok / FAILED, seconds, first line)
  --stop-on-error  stop at the first failed cell (the rest are left unexecuted), as papermill does
  --mark-cells     record each code cell's outcome in its metadata: {"huntlab": {"status": "ok" | "failed" | "not-run"}}

  --startup-timeout S  seconds a new kernel has to answer (default 120: a loaded machine)
  --start-attempts N   kernel starts before giving up, when it dies or stays silent
                       before the first cell (default 2)

  --settle-ms MS   after each cell, keep reading its outputs until none has come for MS
                   milliseconds (at most 3 s; default 100 for Deno's kernel, else 0).
                   Deno 2.9's kernel publishes a cell's outputs from a queue that it does
                   not drain before reporting the cell idle, so on a loaded machine a
                   cell's last outputs can arrive after "idle", when nbclient (and
                   JupyterLab) no longer listen. The report counts them ("late_outputs").
"""
import argparse
import asyncio
import atexit
import json
import os
import queue
import sys
import time

import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.paths import jupyter_path
from nbclient import NotebookClient
from traitlets import default


class StopExecution(Exception):
    """Raised from the per-cell hook to stop at a failed cell (--stop-on-error)."""


def text_of(value):
    return "".join(value) if isinstance(value, list) else str(value or "")


def first_lines(source, count=3):
    lines = [line for line in text_of(source).splitlines() if line.strip()]
    head = lines[:count]
    return "\n".join(head) + ("\n…" if len(lines) > count else "")


def cell_error(cell):
    """The error a failed cell shows: its error outputs, else what it wrote on stderr."""
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", []) if o.output_type == "error"]
    if errors:
        return "\n".join(errors)
    stderr = "".join(text_of(o.get("text")) for o in cell.get("outputs", []) if o.output_type == "stream" and o.get("name") == "stderr")
    return stderr.strip()[:4000] or "the kernel reported an error without a message (or aborted the cell)"


def kernel_manager_options(kernel):
    """NotebookClient options that find the kernel in the Jupyter data folders (JUPYTER_PATH first), when it is there.

    jupyter_client's default search adds IPython's profile folder after those folders, and
    imports IPython (with jedi and prompt_toolkit) only to name it: ~0.35 s of CPU a run.
    A kernel in the Jupyter folders (tslab, Deno: the project's .jupyter/) is the one that
    search finds first anyway; any other name keeps the default search.
    """
    dirs = jupyter_path("kernels")
    for folder in dirs:
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        # jupyter_client matches kernel folder names case-insensitively.
        if any(e.lower() == kernel.lower() and os.path.isfile(os.path.join(folder, e, "kernel.json")) for e in entries):

            class JupyterPathKernelManager(AsyncKernelManager):
                @default("kernel_spec_manager")
                def _kernel_spec_manager_default(self):
                    return KernelSpecManager(data_dir=self.data_dir, kernel_dirs=dirs)

            return {"kernel_manager_class": JupyterPathKernelManager}
    return {}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--kernel", default=None)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--stop-on-error", action="store_true")
    parser.add_argument("--mark-cells", action="store_true")
    parser.add_argument("--settle-ms", type=int, default=None)
    parser.add_argument("--startup-timeout", type=int, default=120)
    parser.add_argument("--start-attempts", type=int, default=2)
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = None
    code_indexes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    failures = []
    started_at = {}
    finished = set()
    settle_ms = args.settle_ms if args.settle_ms is not None else (100 if kernel.startswith("deno") else 0)
    late = []

    async def settle(cell, cell_index, parent_id, then=None):
        """Outputs of this cell that arrive after its idle status (see --settle-ms)."""
        deadline = time.time() + 3.0
        while time.time() < deadline:
            try:
                msg = await client.kc.iopub_channel.get_msg(timeout=settle_ms / 1000)
            except queue.Empty:
                break
            if msg.get("parent_header", {}).get("msg_id") != parent_id:
                continue
            if msg.get("msg_type") in ("stream", "display_data", "update_display_data", "execute_result", "error"):
                late.append({"cell": cell_index, "type": msg["msg_type"]})
                client.process_message(msg, cell, cell_index)
        if then is not None:
            await then

    def on_cell_start(cell, cell_index, **_):
        started_at[cell_index] = time.time()

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        finished.add(cell_index)
        status = (execute_reply or {}).get("content", {}).get("status", "ok")
        # "abort": the kernel dropped the request (tslab does so for 200 ms after an error).
        failed = status in ("error", "abort") or any(o.output_type == "error" for o in cell.get("outputs", []))
        if args.mark_cells:
            cell.metadata["huntlab"] = {"status": "failed" if failed else "ok"}
        if failed:
            failures.append({"cell": cell_index, "execution_count": cell.get("execution_count"), "source": first_lines(cell.source), "error": cell_error(cell)})
        if args.progress:
            seconds = time.time() - started_at.get(cell_index, time.time())
            position = code_indexes.index(cell_index) + 1 if cell_index in code_indexes else 0
            head = (text_of(cell.source).strip().splitlines() or [""])[0][:70]
            outcome = "FAILED" if failed else "ok"
            print(f"[hunt] cell {cell_index + 1}/{len(nb.cells)} (code {position}/{len(code_indexes)}) {outcome} {seconds:.1f}s  {head}", file=sys.stderr, flush=True)
        if failed and args.stop_on_error:
            raise StopExecution()
        # tslab aborts every request that reaches it within 200 ms of an error
        # (its execution queue is reset): let that window pass before the next cell.
        pause = asyncio.sleep(0.3) if failed else None
        parent_id = (execute_reply or {}).get("parent_header", {}).get("msg_id")
        if settle_ms > 0 and parent_id:
            return settle(cell, cell_index, parent_id, pause)
        return pause

    problems = []
    stopped = False
    started = time.time()
    # A kernel that dies or stays silent before the first cell (a port taken by another
    # process between jupyter_client choosing it and the kernel binding it, a machine too
    # busy to answer within --startup-timeout) gets one more start; once a cell has run,
    # a dead kernel is the notebook's problem and is reported as it is.
    for attempt in range(1, max(1, args.start_attempts) + 1):
        client = NotebookClient(nb, **kernel_manager_options(kernel), timeout=args.timeout, startup_timeout=args.startup_timeout, kernel_name=kernel, allow_errors=True, record_timing=True)
        client.on_cell_start = on_cell_start
        client.on_cell_executed = on_cell_executed
        try:
            client.execute(cwd=args.cwd)
            break
        except StopExecution:
            stopped = True
            break
        except Exception as exc:  # kernel died, timeout…
            text = f"{type(exc).__name__}: {exc}"
            # nbclient has cleaned up already; its exit hook would fail on the missing manager.
            atexit.unregister(client._cleanup_kernel)
            if started_at or attempt >= args.start_attempts:
                problems.append({"cell": -1, "kind": "execution", "text": text})
                # The cell running when the kernel died or the cell timed out (--timeout) failed;
                # it is not one that "did not run", and the cells after it did not run.
                # (nbclient calls on_cell_start for markdown and empty cells too, then skips them.)
                running = [i for i in started_at if i not in finished and nb.cells[i].cell_type == "code" and text_of(nb.cells[i].source).strip()]
                for index in running[-1:]:
                    cell = nb.cells[index]
                    if args.mark_cells:
                        cell.metadata["huntlab"] = {"status": "failed"}
                    failures.append({"cell": index, "execution_count": cell.get("execution_count"), "source": first_lines(cell.source), "error": text})
                    stopped = True
                break
            print(f"[hunt] the {kernel} kernel did not start ({text}); starting a new one", file=sys.stderr, flush=True)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if args.mark_cells and "huntlab" not in cell.metadata:
            # An empty cell that was reached had nothing to run (nbclient skips it): not a cell left out.
            reached = index in started_at and not text_of(cell.source).strip()
            cell.metadata["huntlab"] = {"status": "ok" if reached else "not-run"}
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append({"cell": index, "kind": "error", "text": f"{out.get('ename')}: {out.get('evalue')}"})
            elif out.output_type == "stream" and out.get("name") == "stderr":
                problems.append({"cell": index, "kind": "stderr", "text": out.get("text", "")[:2000]})
    nbformat.write(nb, args.output)
    report = {
        "kernel": kernel,
        "cells": len(code_indexes),
        "problems": problems,
        "seconds": round(time.time() - started, 2),
        "failures": failures,
        "stopped": stopped,
        "late_outputs": late,
    }
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
