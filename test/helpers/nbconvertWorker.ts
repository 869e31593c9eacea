/**
 * nbconvert's command line, run several times in one Python process: each run
 * is `python -m nbconvert ARGS` (a fresh NbConvertApp, initialized from ARGS,
 * as nbconvert's `main` makes it), without importing nbconvert again. A
 * process per run cost ~1.1 s of CPU in imports alone (a run ~1.4–2 s); the
 * outputs are the same bytes (checked with the classic, lab-alt and
 * markdown-alt runs of test/display/imageAlt.test.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

/** Starts the worker's status line. */
const MARK = "NBCONVERT-WORKER-STATUS ";

/** Reads one JSON list of arguments a line, answers one line: {@link MARK} and the run's exit status (nbconvert writes its help to stdout). */
const WORKER = `
import json, sys
from nbconvert.nbconvertapp import NbConvertApp
for line in sys.stdin:
    NbConvertApp.clear_instance()
    try:
        app = NbConvertApp.instance()
        app.initialize(json.loads(line))
        app.start()
        status = 0
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:
        print(repr(e), file=sys.stderr, flush=True)
        status = 1
    print("${MARK}" + json.dumps(status), flush=True)
`;

/** What one run did: its exit status and what the process wrote during it (stderr, and stdout other than the status). */
export interface NbconvertRun {
  status: number;
  stderr: string;
}

/** A Python process running nbconvert's command line on request; `close()` ends it. */
export class NbconvertWorker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private stderr = "";
  private stdout = "";
  private waiting: ((line: string | undefined) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly python: string) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.python, ["-c", WORKER], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (this.stderr += d));
    child.stdout.on("data", (d: string) => {
      this.stdout += d;
      for (let end = this.stdout.indexOf("\n"); end >= 0; end = this.stdout.indexOf("\n")) {
        const line = this.stdout.slice(0, end);
        this.stdout = this.stdout.slice(end + 1);
        // Other lines are nbconvert's own output (its help, after a bad argument): kept with stderr.
        if (line.startsWith(MARK)) this.waiting?.(line.slice(MARK.length));
        else this.stderr += line + "\n";
      }
    });
    child.on("close", () => {
      if (this.child === child) this.child = undefined;
      this.waiting?.(undefined);
    });
    this.child = child;
    return child;
  }

  /**
   * `python -m nbconvert ...args`, in this worker: its status, and its stderr. A run that takes over `timeoutMs`
   * (as the spawnSync timeout it replaces) ends the process: status -1, as when the process died.
   */
  run(args: readonly string[], timeoutMs = 120_000): Promise<NbconvertRun> {
    const next = this.queue.then(
      () =>
        new Promise<NbconvertRun>((resolve) => {
          const child = this.start();
          this.stderr = "";
          const timer = setTimeout(() => child.kill(), timeoutMs);
          this.waiting = (line) => {
            clearTimeout(timer);
            this.waiting = undefined;
            resolve({ status: line === undefined ? -1 : Number(JSON.parse(line)), stderr: this.stderr });
          };
          child.stdin.write(JSON.stringify(args) + "\n");
        }),
    );
    this.queue = next;
    return next;
  }

  /** Ends the Python process (its stdin closed: the loop ends). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }
}
