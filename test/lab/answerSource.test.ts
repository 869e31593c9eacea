/**
 * The self-checks follow the notebook's data (`dataPaths`, `npm run hunt -- --data`): the lab's
 * answers on the lab's data, the data's own answer files beside other data, and no check at all
 * (one line saying why) on other data without them — the lab's answers turned right work ✗.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import pl from "nodejs-polars";
import { checkResult } from "../../src/lab/results";
import { checkAnswers } from "../../src/lab/answers";
import { AnswersError } from "../../src/lab/messages";
import { LAB_DATA_DIR } from "../../src/common/paths";
import { tempDir } from "../helpers/tmp";

/** A hunter's export folder: other data, no answer files. */
const exports = tempDir("huntlab-hunt-data-");
fs.writeFileSync(path.join(exports, "alerts_list.csv"), "AlertName\nx\n");

/** The same data with its own answer files, as docs/teaching.md has an instructor write them. */
const withAnswers = tempDir("huntlab-hunt-answers-");
fs.writeFileSync(path.join(withAnswers, "answers.json"), JSON.stringify({ question1: "2026-11-02", question2: "41" }));
fs.writeFileSync(path.join(withAnswers, "answers_exercise5.json"), JSON.stringify({ logonType: "3" }));
fs.writeFileSync(
  path.join(withAnswers, "answers_results.json"),
  JSON.stringify({ exercise1: { variable: "alerts", task: "the first two alerts", query: "qp.SecurityAlert.list_alerts()", columns: ["AlertName"], rows: 2 } }),
);

const twoAlerts = pl.DataFrame({ AlertName: ["a", "b"] });

describe("self-checks on other data than the lab's", () => {
  test("without answer files beside the data, checkResult is skipped with one line naming the folder", () => {
    const check = checkResult("exercise1", twoAlerts, { dataPaths: [exports] });
    assert.equal(check.status, "skipped");
    assert.equal(check.correct, false);
    assert.equal(check.messages.length, 1);
    assert.match(check.toText(), /^– exercise1: not checked: the lab's answers are those of its own data, and this notebook reads ".*huntlab-hunt-data-.*" \(dataPaths\)/);
    assert.match(check.toText(), /answers_results\.json/);
    assert.doesNotMatch(check.toText(), /✗|expected/);
  });

  test("without answer files beside the data, checkAnswers checks nothing and says why (no ✗ for a right answer)", () => {
    const check = checkAnswers({ question1: "2026-11-02", question2: 41 }, { dataPaths: [exports] });
    assert.equal(check.allCorrect, false);
    assert.deepEqual(check.results, []);
    assert.match(check.toText(), /^– not checked: .*answers\.json in that folder/);
    assert.doesNotMatch(check.toText(), /✗|not quite right/);
    const exercise = checkAnswers({ logonType: "3" }, { exercise: "exercise5", dataPaths: exports });
    assert.match(exercise.toText(), /answers_exercise5\.json/);
    // The skip line is escaped in the HTML like any other text of the data's.
    const odd = tempDir("huntlab-<b>-");
    assert.match(checkAnswers({ question1: "x" }, { dataPaths: [odd] }).toHtml(), /huntlab-&lt;b&gt;-/);
  });

  test("answer files beside the data are the answers", () => {
    assert.equal(checkResult("exercise1", twoAlerts, { dataPaths: [withAnswers] }).status, "correct");
    assert.equal(checkResult("exercise1", twoAlerts.head(1), { dataPaths: [withAnswers] }).status, "wrong");
    assert.equal(checkAnswers({ question1: "2026-11-02", question2: 41 }, { dataPaths: [withAnswers] }).allCorrect, true);
    assert.equal(checkAnswers({ question1: "2020-07-10", question2: 29670 }, { dataPaths: [withAnswers] }).allCorrect, false);
    assert.equal(checkAnswers({ logonType: 3 }, { exercise: "exercise5", dataPaths: [withAnswers] }).allCorrect, true);
  });

  test("the lab's data folder, however it is written, keeps the lab's answers", () => {
    const relative = path.relative(process.cwd(), LAB_DATA_DIR) || ".";
    for (const dataPaths of [[LAB_DATA_DIR], [relative], [LAB_DATA_DIR + path.sep], LAB_DATA_DIR, undefined]) {
      assert.equal(checkAnswers({ question1: "2020-07-10", question2: 29670 }, { dataPaths }).allCorrect, true, String(dataPaths));
      assert.equal(checkResult("exercise1", twoAlerts, { dataPaths }).status, "wrong", String(dataPaths));
    }
    // Through a symlink to it too (the hunt's --data may be one).
    const link = path.join(tempDir("huntlab-link-"), "data");
    fs.symlinkSync(LAB_DATA_DIR, link);
    assert.equal(checkAnswers({ question1: "2020-07-10", question2: 29670 }, { dataPaths: [link] }).allCorrect, true);
  });

  test("the lab's folder beside another: the other's files, else skipped", () => {
    assert.equal(checkResult("exercise1", twoAlerts, { dataPaths: [LAB_DATA_DIR, exports] }).status, "skipped");
    assert.equal(checkResult("exercise1", twoAlerts, { dataPaths: [LAB_DATA_DIR, withAnswers] }).status, "correct");
  });

  test("an explicit file wins; an unknown exercise or question is still an error; bad dataPaths are named", () => {
    const own = path.join(withAnswers, "answers.json");
    assert.equal(checkAnswers({ question1: "2026-11-02", question2: 41 }, { answersPath: own, dataPaths: [exports] }).allCorrect, true);
    assert.throws(() => checkResult("exercise9", twoAlerts, { dataPaths: [exports] }), /no exercise "exercise9"/);
    assert.throws(() => checkAnswers({ question9: "x" }, { dataPaths: [exports] }), /no question "question9"/);
    for (const bad of [5, [], [""], [3], ""]) {
      assert.throws(
        () => checkResult("exercise1", twoAlerts, { dataPaths: bad as never }),
        (err: unknown) => err instanceof AnswersError && err.code === "lab/invalid-argument" && /dataPaths/.test(err.message),
      );
    }
  });
});
