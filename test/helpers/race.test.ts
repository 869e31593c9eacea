import assert from "node:assert/strict";
import { test } from "node:test";
import { within } from "./race";

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
