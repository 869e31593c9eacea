/** Named pipes for the tests of readers that must not open one (a FIFO's open waits for a writer). */
import { execFileSync } from "node:child_process";
import type { TestContext } from "node:test";

/** Makes a named pipe at each path; where `mkfifo` is missing, the test is marked skipped (it shows in the report) and this returns false. */
export function makeFifo(t: TestContext, ...files: string[]): boolean {
  try {
    execFileSync("mkfifo", files, { stdio: "ignore" });
    return true;
  } catch {
    t.skip("no mkfifo here");
    return false;
  }
}
