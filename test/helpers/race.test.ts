import assert from "node:assert/strict";
import { test } from "node:test";
import { settledWithin, within } from "./race";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

test("within: the promise's value when it wins, and no timer left behind to hold the process open", async () => {
  const before = timers();
  assert.equal(await within(Promise.resolve(42), 600_000, () => "late"), 42);
  assert.equal(timers(), before);
  await assert.rejects(within(Promise.reject(new Error("boom")), 600_000, () => "late"), /boom/);
  assert.equal(timers(), before);
});

test("within: the fallback's value, or its error, once the time has passed", async () => {
  const never = new Promise<number>(() => undefined);
  assert.equal(await within(never, 5, () => "late"), "late");
  await assert.rejects(
    within(never, 5, () => {
      throw new Error("did not answer within 5 ms");
    }),
    /within 5 ms/,
  );
});

test("settledWithin: a deadline started before the reference's wins the turn both are due in, however late the loop gets there", async () => {
  const deadline = new Promise<string>((resolve) => setTimeout(() => resolve("deadline"), 50));
  const blockUntil = Date.now() + 300; // the loop held up past both timers, as on a loaded machine
  const result = settledWithin(deadline, 60);
  while (Date.now() < blockUntil);
  assert.equal(await result, "deadline");
  // Ignored: the reference wins.
  assert.equal(await settledWithin(new Promise(() => undefined), 5), "late");
});

test("settledWithin from: the reference starts once `from` resolves, and no timer is left behind", async () => {
  let start!: () => void;
  const from = new Promise<void>((resolve) => (start = resolve));
  const never = new Promise(() => undefined);
  const result = settledWithin(never, 5, from);
  await new Promise((resolve) => setTimeout(resolve, 30));
  let settled = false;
  void result.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, "no reference before from");
  start();
  assert.equal(await result, "late");
  const before = timers();
  assert.equal(await settledWithin(Promise.resolve(1), 600_000, Promise.resolve()), 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(timers(), before);
});
