/**
 * The self-checks of the lab's exercises: `checkResult` on code exercises and
 * `checkAnswers` on value answers (lists included). Fixtures are small frames
 * and answer files made here, not the lab's data; one test reads the lab's own
 * files to check that every exercise the notebooks check is described.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import pl from "nodejs-polars";
import { checkResult, loadResultSpecs, RESULTS_PATH } from "../../src/lab/results";
import { checkAnswers, exerciseAnswersPath, type Answer } from "../../src/lab/answers";
import { AnswersError } from "../../src/lab/messages";
import { setWarningHandler } from "../../src/common/messages";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { outcomesInChild, SRC_DIR } from "../helpers/child";
import { makeFifo } from "../helpers/fifo";
import { tempDir } from "../helpers/tmp";

const dir = tempDir("huntlab-lab-");
const specs = path.join(dir, "results.json");
fs.writeFileSync(
  specs,
  JSON.stringify({
    first3: {
      variable: "rows",
      task: "the first three events",
      query: "qp.Events.list_events()",
      columns: ["Time", "Kind"],
      rows: 3,
      tooManyHint: "did you call head(3)?",
      tooFewHint: "did you filter?",
    },
    kinds: {
      variable: "found",
      task: "the url indicators",
      query: "extract(df)",
      columns: ["Kind"],
      minRows: 1,
      tooFewHint: "did you search the Message column?",
      values: [
        { column: "Kind", include: ["url"], hint: "ask for urls." },
        { column: "Kind", only: ["url", "dns"], hint: "urls only." },
      ],
    },
  }),
);
const answersFile = path.join(dir, "answers.json");
fs.writeFileSync(answersFile, JSON.stringify({ links: ["http://a.example/x", "http://b.example"], day: "2021-03-04" }));

const events = (n: number, kinds: string[] = ["logon"]) =>
  pl.DataFrame({ Time: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2021, 0, 1, i))), Kind: Array.from({ length: n }, (_, i) => kinds[i % kinds.length]) });

describe("checkResult", () => {
  test("an empty exercise cell (undefined, null) is not answered yet, with the variable to fill", () => {
    for (const value of [undefined, null]) {
      const r = checkResult("first3", value, { resultsPath: specs });
      assert.equal(r.status, "not-answered");
      assert.equal(r.toText(), "… first3: not answered yet: put your result in `rows` and run this cell again.");
    }
  });

  test("the right frame is right", () => {
    const r = checkResult("first3", events(3), { resultsPath: specs });
    assert.equal(r.status, "correct");
    assert.ok(r.correct);
    assert.match(r.toText(), /✓ first3: `rows` is right: the first three events\./);
  });

  test("too many rows: says how many and what to check (the head() mistake)", () => {
    const r = checkResult("first3", events(10), { resultsPath: specs });
    assert.equal(r.status, "wrong");
    assert.equal(r.messages[0], "you have 10 rows (3 expected): did you call head(3)?");
    assert.match(checkResult("first3", events(1), { resultsPath: specs }).messages[0], /^you have 1 row \(3 expected\): did you filter\?$/);
  });

  test("a Promise: forgot await; not a frame: says what it is", () => {
    const pending = Promise.resolve(events(3));
    assert.match(checkResult("first3", pending, { resultsPath: specs }).toText(), /`rows` is a Promise, not a DataFrame: did you forget `await`/);
    assert.match(checkResult("first3", [1, 2, 3], { resultsPath: specs }).toText(), /`rows` is an array, not a DataFrame/);
    assert.match(checkResult("first3", "x", { resultsPath: specs }).toText(), /`rows` is a string, not a DataFrame/);
  });

  test("missing columns name the query to use, and nothing else is judged", () => {
    const r = checkResult("first3", pl.DataFrame({ Time: [1, 2, 3], Other: [1, 2, 3] }), { resultsPath: specs });
    assert.deepEqual(r.messages, ["`rows` has no `Kind` column: is it the result of qp.Events.list_events()?"]);
  });

  test("value rules: a missing value and unexpected values, each with its hint", () => {
    assert.equal(checkResult("kinds", events(4, ["url", "dns"]), { resultsPath: specs }).status, "correct");
    const noUrl = checkResult("kinds", events(2, ["dns"]), { resultsPath: specs });
    // The wanted value is not quoted: an include rule's value is often the answer (exercise 7's date was).
    assert.deepEqual(noUrl.messages, ["`Kind` lacks a value the exercise expects: ask for urls."]);
    const extra = checkResult("kinds", events(5, ["url", "ipv4", "md5_hash", "email", "windows_path"]), { resultsPath: specs });
    assert.equal(extra.messages.length, 1);
    assert.match(extra.messages[0], /^`Kind` also has "ipv4", "md5_hash", "email", …: urls only\.$/);
    assert.match(checkResult("kinds", events(0), { resultsPath: specs }).messages.join("\n"), /you have 0 rows \(at least 1 expected\): did you search the Message column\?/);
  });

  test("output: HTML escapes what it shows; text/plain and text/html bundle", () => {
    const r = checkResult("first3", events(10), { resultsPath: specs });
    const bundle = r[JUPYTER_DISPLAY]();
    assert.equal(bundle["text/plain"], r.toText());
    const htmlOut = r.toHtml();
    assert.match(htmlOut, /you have 10 rows \(3 expected\): did you call head\(3\)\?/);
    const xss = checkResult("kinds", pl.DataFrame({ Kind: ["<img src=x onerror=alert(1)>"] }), { resultsPath: specs }).toHtml();
    assert.doesNotMatch(xss, /<img src=x/);
    assert.match(xss, /&lt;img src=x/);
  });

  test("an unknown exercise or a bad results file is an AnswersError naming it", () => {
    assert.throws(() => checkResult("exercise9", events(1), { resultsPath: specs }), (e: Error) => e instanceof AnswersError && /no exercise "exercise9"; the exercises are first3, kinds/.test(e.message));
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ x: { variable: "v", task: "t", query: "q", rows: -1 } }));
    assert.throws(() => loadResultSpecs(bad), (e: Error) => e instanceof AnswersError && e.message.includes(bad) && /x\.rows/.test(e.message));
  });
});

describe("checkAnswers with a list answer", () => {
  test("order, case, duplicates and blanks do not matter", () => {
    const r = checkAnswers({ links: ["HTTP://B.example ", "http://a.example/x", "http://a.example/x"], day: "2021-03-04T10:00:00Z" }, { answersPath: answersFile });
    assert.ok(r.allCorrect, r.toText());
  });

  test("a partly right list says how far off it is, without the answer", () => {
    const r = checkAnswers({ links: ["http://a.example/x", "http://c.example", "b.example"] }, { answersPath: answersFile });
    const text = r.toText();
    assert.match(text, /✗ links: .* is not quite right \(you have 1 of the 2 values and 2 that are not in the answer\), try again\./);
    assert.doesNotMatch(r.results[0].detail ?? "", /example/, "the detail gives no expected value away");
    assert.match(text, /… day: no answer yet\./);
  });

  test("a list is a set of values: one value holding the others, or text with line breaks, is not the list", () => {
    const joined = "http://a.example/x\nhttp://b.example";
    for (const links of [[joined], joined, ["http://a.example/x, http://b.example"]] as Answer[]) {
      const r = checkAnswers({ links }, { answersPath: answersFile });
      assert.equal(r.results[0].correct, false, JSON.stringify(links));
      assert.match(r.results[0].detail ?? "", /you have 0 of the 2 values and 1 that is not in the answer/);
    }
  });

  test("nothing answered: the summary says not answered yet", () => {
    const r = checkAnswers({ links: undefined, day: undefined }, { answersPath: answersFile });
    assert.equal(r.toText().split("\n").at(-1), "Not answered yet: write your answers in the cell and run it again.");
    assert.equal(checkAnswers({ links: [] }, { answersPath: answersFile }).results[0].answered, false);
  });
});

describe("checkResult value rules on time and integer columns", () => {
  test("a time column's values are instants (ISO text, any zone written, UTC without one); integers keep every digit", () => {
    const file = path.join(dir, "typed-results.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        when: { variable: "w", task: "the logon", query: "q", columns: ["Time", "LogonId"], values: [
          { column: "Time", include: ["2026-11-01T10:00:00.000Z", "2026-11-01 12:30:00+01:00", "2026-11-01T12:00:00"], hint: "check the time." },
          { column: "LogonId", include: ["9007199254740993"], hint: "check the logon." },
        ] },
      }),
    );
    const frame = (ids: string[]) =>
      pl.DataFrame({ Time: [new Date("2026-11-01T10:00:00Z"), new Date("2026-11-01T11:30:00Z"), new Date("2026-11-01T12:00:00Z")] }).withColumns(pl.Series("LogonId", ids).cast(pl.Int64));
    const right = checkResult("when", frame(["9007199254740993", "1", "2"]), { resultsPath: file });
    assert.equal(right.status, "correct", right.messages.join("; "));
    // 9007199254740992 printed through a JS number is ...992 either way: only exact text tells them apart.
    const wrong = checkResult("when", frame(["9007199254740992", "1", "2"]), { resultsPath: file });
    assert.equal(wrong.status, "wrong");
    assert.match(wrong.messages.join("; "), /check the logon/);
  });
});

describe("checkResult value rules on slash-date text", () => {
  test("a rule's slash dates are read as the readers read the data file's (month first; day first where a day past the 12th proves it)", () => {
    const file = path.join(dir, "slash-results.json");
    const rule = (include: string[], only?: string[]) => ({ variable: "w", task: "the logon", query: "q", columns: ["Time"], values: [{ column: "Time", include, ...(only ? { only } : {}), hint: "check the time." }] });
    fs.writeFileSync(
      file,
      JSON.stringify({
        us: rule(["07/10/2020 10:00", "7/10/20 6:00 PM"]),
        proven: rule(["13/07/2020 10:00", "07/10/2020 10:00"]),
        only: rule([], ["07/10/2020 10:00", "2020-07-10T18:00:00Z"]),
        text: rule(["(not logged)"]),
      }),
    );
    const frame = (...iso: string[]) => pl.DataFrame({ Time: iso.map((t) => new Date(t)) });
    const check = (exercise: string, df: pl.DataFrame) => checkResult(exercise, df, { resultsPath: file });
    // 07/10/2020 is July 10 (month first, as the readers read an en-US file): the `Z` once added made it no date.
    assert.equal(check("us", frame("2020-07-10T10:00:00Z", "2020-07-10T18:00:00Z")).status, "correct");
    assert.equal(check("us", frame("2020-10-07T10:00:00Z", "2020-07-10T18:00:00Z")).status, "wrong");
    // 13/07/2020 proves the rule's dates day first: 07/10/2020 is 7 October.
    assert.equal(check("proven", frame("2020-07-13T10:00:00Z", "2020-10-07T10:00:00Z")).status, "correct");
    assert.equal(check("proven", frame("2020-07-13T10:00:00Z", "2020-07-10T10:00:00Z")).status, "wrong");
    assert.equal(check("only", frame("2020-07-10T10:00:00Z", "2020-07-10T18:00:00Z")).status, "correct");
    const extra = check("only", frame("2020-07-10T10:00:00Z", "2020-07-11T10:00:00Z"));
    assert.equal(extra.status, "wrong");
    assert.match(extra.messages.join("; "), /2020-07-11/);
    // Text that is no time is kept as written: it matches no time.
    assert.equal(check("text", frame("2020-07-10T10:00:00Z")).status, "wrong");
  });

  test("slash dates read either way follow the data's reading: a rule's dayFirst, else checkResult's dayFirst; a guess month first is said, without the dates", () => {
    const file = path.join(dir, "slash-dayfirst-results.json");
    const rule = (include: string[], dayFirst?: boolean) => ({ variable: "w", task: "the logon", query: "q", columns: ["Time"], values: [{ column: "Time", include, ...(dayFirst === undefined ? {} : { dayFirst }), hint: "check the time." }] });
    fs.writeFileSync(file, JSON.stringify({ plain: rule(["07/10/2020 10:00"]), gb: rule(["07/10/2020 10:00"], true), us: rule(["07/10/2020 10:00"], false), proven: rule(["13/07/2020 10:00", "07/10/2020 10:00"]) }));
    const frame = (...iso: string[]) => pl.DataFrame({ Time: iso.map((t) => new Date(t)) });
    const october = frame("2020-10-07T10:00:00Z");
    const july = frame("2020-07-10T10:00:00Z");
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    try {
      const check = (exercise: string, df: pl.DataFrame, dayFirst?: boolean) => checkResult(exercise, df, { resultsPath: file, ...(dayFirst === undefined ? {} : { dayFirst }) }).status;
      // The teacher's data read with { dayFirst: true }: 07/10/2020 is 7 October, said in the rule or by the notebook.
      assert.equal(check("gb", october), "correct");
      assert.equal(check("gb", july), "wrong");
      assert.equal(check("plain", october, true), "correct");
      assert.equal(check("plain", july, true), "wrong");
      // The rule's own reading wins over the notebook's.
      assert.equal(check("us", july, true), "correct");
      assert.equal(check("gb", october, false), "correct");
      // Proven by a day past the 12th: day first whatever is said.
      assert.equal(check("proven", frame("2020-07-13T10:00:00Z", "2020-10-07T10:00:00Z"), false), "correct");
      assert.deepEqual(warnings, [], "the order was given or proven: nothing to say");
      // Not given: month first, as the readers read such a file, and said (naming the file and column, not the dates: they may be the answer).
      assert.equal(check("plain", july), "correct");
      assert.equal(check("plain", october), "wrong");
      assert.equal(warnings.length, 2);
      const said = String(warnings[0]);
      assert.ok(said.includes(file) && said.includes("`Time`") && said.includes('"dayFirst": true'), said);
      assert.doesNotMatch(said.replace(file, ""), /07\/10|2020/);
    } finally {
      setWarningHandler(previous);
    }
    assert.throws(() => checkResult("plain", july, { resultsPath: file, dayFirst: "yes" as never }), { code: "lab/invalid-argument", message: /dayFirst is true or false, not "yes"/ });
  });
});

describe("checkAnswers' verdict text", () => {
  test("an answer from a log cell is shown with control characters as escapes and cut; an object as JSON ([object Object] before)", () => {
    const given = "evil\u001b[31mRED\u0007" + "A".repeat(10_000);
    const text = checkAnswers({ links: given, day: { y: 2021 } as never }, { answersPath: answersFile }).toText();
    assert.ok(!/[\u0000-\u0008\u001b]/.test(text), "no raw control characters");
    assert.ok(text.includes("evil\\u001b[31mRED\\u0007"), text.slice(0, 80));
    assert.ok(text.split("\n").every((line) => line.length < 400), "cut");
    assert.match(text, /day: \{"y":2021\} is not quite right/);
  });
});

describe("checkResult's verdict text", () => {
  test("values from the learner's data are shown with control, line and bidi characters as escapes, and cut", () => {
    const hostile = "x".repeat(5000) + "\u202e\u0000\u2028\r\nend";
    const r = checkResult("kinds", pl.DataFrame({ Kind: ["url", hostile, 'say "hi"'] }), { resultsPath: specs });
    const text = r.toText();
    assert.equal(r.status, "wrong");
    assert.ok(!/[\u0000\u202e\u2028\r]/.test(text), "no raw hidden characters");
    assert.equal(text.split("\n").length, 1, "one line per problem");
    assert.ok(text.length < 400, `cut: ${text.length} characters`);
    assert.match(text, /^✗ kinds: `Kind` also has "x+…", "say \\"hi\\"": urls only\.$/);
    const tail = checkResult("kinds", pl.DataFrame({ Kind: ["url", "a\u202eb\u2028c\u0000"] }), { resultsPath: specs }).toText();
    assert.ok(tail.includes('"a\\u202eb\\u2028c\\u0000"'), tail);
    assert.ok(r[JUPYTER_DISPLAY]()["text/plain"] === text);
  });
});

describe("checkAnswers with numbers", () => {
  test("numbers compare exactly, past 2^53 too; thousands separators, signs, leading and trailing zeros do not matter", () => {
    const file = path.join(dir, "numbers.json");
    fs.writeFileSync(file, JSON.stringify({ logonId: "9007199254740993", count: "29670", ratio: "1.10" }));
    const check = (given: Record<string, Answer>) => checkAnswers(given, { answersPath: file }).results.map((r) => r.correct);
    // 9007199254740992 read as a JS number equals 9007199254740993: a wrong ID was right.
    assert.deepEqual(check({ logonId: "9007199254740992", count: 29671, ratio: 1.01 }), [false, false, false]);
    assert.deepEqual(check({ logonId: 9007199254740993n, count: "29,670", ratio: 1.1 }), [true, true, true]);
    assert.deepEqual(check({ logonId: "+9007199254740993", count: "029670", ratio: "1.100" }), [true, true, true]);
    // The same when the answers file writes them as JSON numbers (JSON.parse rounded the id; 1e-7 and 1e21 matched nothing).
    const numbers = path.join(dir, "numbers-json.json");
    fs.writeFileSync(numbers, '{"id": 9007199254740993, "tiny": 0.0000001, "huge": 1e21}');
    const checkJson = (given: Record<string, Answer>) => checkAnswers(given, { answersPath: numbers }).results.map((r) => r.correct);
    assert.deepEqual(checkJson({ id: "9007199254740993", tiny: "0.0000001", huge: "1000000000000000000000" }), [true, true, true]);
    assert.deepEqual(checkJson({ id: "9007199254740992", tiny: 1e-7, huge: 1e21 }), [false, true, true]);
  });
});

describe("checkAnswers and checkResult given what learners write", () => {
  test("a date answer is a date (or a date and time) and nothing more; with a zone, its UTC day", () => {
    const day = (answer: unknown) => checkAnswers({ day: answer as string }, { answersPath: answersFile }).results[1].correct;
    for (const right of ["2021-03-04", " 2021-03-04T18:00 ", "2021-03-04 18:00:00.5", "2021-03-04T23:00:00Z", "2021-03-05T01:00:00+02:00"]) assert.ok(day(right), right);
    // A day followed by anything else got a ✓ (the check read the first ten characters).
    for (const wrong of ["2021-03-04 2021-03-01", "2021-03-04 99:99 garbage", "2021-03-04 is my guess", "2021-03-04T23:00:00-08:00"]) assert.ok(!day(wrong), wrong);
  });

  test("date-like text naming no date or time is a wrong answer saying so, never a RangeError; one-digit hours with a zone are read", () => {
    const result = (answer: unknown) => checkAnswers({ day: answer as string }, { answersPath: answersFile }).results[1];
    for (const right of ["2021-03-04 9:00Z", "2021-03-04T9:30+01:00", "2021-03-05 1:00+05:30"]) assert.ok(result(right).correct, right);
    for (const [wrong, said] of [
      ["2021-03-04 25:00Z", /not a date and time: 25:00 is no time of day/],
      ["2021-03-04T23:60Z", /23:60 is no time of day/],
      ["2021-03-04T10:00:61+01:00", /10:00:61 is no time of day/],
      ["2021-03-04T10:00+24:00", /\+24:00 is no UTC offset/],
      ["2021-02-30", /2021-02-30 is no date/],
      ["2021-02-29T10:00Z", /2021-02-29 is no date/],
      [new Date("2021-03-04 25:00"), /an Invalid Date/],
    ] as const) {
      const r = result(wrong);
      assert.ok(r.answered && !r.correct, String(wrong));
      assert.match(r.detail ?? "", said, String(wrong));
    }
    assert.ok(result("2020-02-29").answered && !result("2020-02-29").correct && result("2020-02-29").detail === undefined, "a real date, only not the answer");
  });

  test("a date written another way that names one day is that day; a day-month date that reads two ways, or a date form not read, says to write YYYY-MM-DD", () => {
    const result = (answer: unknown) => checkAnswers({ day: answer as string }, { answersPath: answersFile }).results[1];
    // A learner's "4 March 2021" or "2021/03/04" was "not quite right, try again", as if the day were wrong.
    for (const right of ["4 March 2021", "4th of March, 2021", "04-Mar-2021", "March 4, 2021", "Mar. 4th 2021", "2021/03/04", "2021.3.4"]) {
      assert.ok(result(right).correct, right);
    }
    const past12 = path.join(dir, "answers-past12.json");
    fs.writeFileSync(past12, JSON.stringify({ day: "2021-03-14" }));
    for (const right of ["14/03/2021", "03/14/2021", "14.3.2021", "3-14-2021"]) assert.ok(checkAnswers({ day: right }, { answersPath: past12 }).results[0].correct, right);
    // Both readings are days: the verdict names the two (the learner's own), right or wrong, and the form to use.
    for (const [given, said] of [
      ["04/03/2021", /^04\/03\/2021 reads as 2021-03-04 or 2021-04-03: write the date as YYYY-MM-DD$/],
      ["03/04/2021", /^03\/04\/2021 reads as 2021-04-03 or 2021-03-04: write the date as YYYY-MM-DD$/],
      ["05/06/2021", /^05\/06\/2021 reads as 2021-06-05 or 2021-05-06: write the date as YYYY-MM-DD$/],
      ["2021 March 4", /^write the date as YYYY-MM-DD$/],
      ["31/02/2021", /^write the date as YYYY-MM-DD$/],
    ] as const) {
      const r = result(given);
      assert.ok(r.answered && !r.correct, given);
      assert.match(r.detail ?? "", said, given);
    }
    // A wrong day in a form that is read is just wrong: no form to correct.
    for (const wrong of ["5 March 2021", "2021/03/05", "14/03/2021"]) assert.equal(result(wrong).correct, false, wrong);
    for (const wrong of ["5 March 2021", "2021/03/05", "14/03/2021"]) assert.equal(result(wrong).detail, undefined, wrong);
  });

  test("text answers: runs of spaces are one space; a number with a unit, or a list written as one text, says what to write", () => {
    const file = path.join(dir, "answers-forms.json");
    fs.writeFileSync(file, JSON.stringify({ country: "United States", bytes: "29670", links: ["http://a.example/x", "http://b.example"] }));
    const r = (answers: Record<string, Answer>) => checkAnswers(answers, { answersPath: file }).results;
    for (const right of ["United  States", " united\tstates ", "United\u00a0States"]) assert.ok(r({ country: right })[0].correct, JSON.stringify(right));
    assert.equal(r({ country: "UnitedStates" })[0].correct, false);
    // "29670 bytes" was "not quite right, try again" with no word on why; the number shown is the learner's own.
    for (const [given, said] of [
      ["29670 bytes", "write the number alone: 29670"],
      ["1,234 bytes", "write the number alone: 1,234"],
      ["5 (service)", "write the number alone: 5"],
    ] as const) {
      const one = r({ bytes: given })[1];
      assert.ok(one.answered && !one.correct, given);
      assert.equal(one.detail, said);
    }
    assert.equal(r({ bytes: "29671" })[1].detail, undefined, "a wrong number written alone has nothing to correct");
    // Several values in one text where a list is wanted (the cell asks for a list): the count and how to write one.
    for (const given of ["http://a.example/x, http://b.example", "http://a.example/x http://b.example", "http://a.example/x;http://c.example"]) {
      const links = r({ links: given })[2];
      assert.equal(links.correct, false, given);
      assert.match(links.detail ?? "", /^you have 0 of the 2 values and 1 that is not in the answer; that is one text holding 2 values: write them as a list, \["…", "…"\]$/, given);
    }
    assert.equal(r({ links: "http://a.example/x" })[2].detail, "you have 1 of the 2 values", "one value: no list hint");
    assert.equal(r({ links: ["http://a.example/x, http://b.example"] })[2].detail, "you have 0 of the 2 values and 1 that is not in the answer", "a list already: no list hint");
  });

  test("a Date counts by its UTC day in every time zone: one from the data at 19:00 UTC is graded alike at +05:00 (local midnight there) and elsewhere", () => {
    const tz = process.env.TZ;
    try {
      // [zone, the offset getTimezoneOffset gives on 2021-03-04 (minutes west of UTC)]: checked, so a zone that did not take cannot pass.
      for (const [zone, offset] of [
        ["UTC", 0],
        ["Asia/Karachi", -300],
        ["Asia/Kolkata", -330],
        ["Europe/Berlin", -60],
        ["America/New_York", 300],
        ["Pacific/Kiritimati", -840],
        ["Pacific/Pago_Pago", 660],
      ] as const) {
        process.env.TZ = zone;
        assert.equal(new Date(Date.UTC(2021, 2, 4)).getTimezoneOffset(), offset, zone);
        const day = (d: Date) => checkAnswers({ day: d }, { answersPath: answersFile }).results[1];
        // The lab's anomalies are at 19:00 UTC: local midnight at +05:00, where they were graded as the next day.
        for (const hour of [0, 10, 19, 23]) assert.ok(day(new Date(Date.UTC(2021, 2, 4, hour))).correct, `${zone}: 2021-03-04 ${hour}:00 UTC`);
        for (const wrong of [Date.UTC(2021, 2, 3, 19), Date.UTC(2021, 2, 3, 23, 30), Date.UTC(2021, 2, 5)]) assert.ok(!day(new Date(wrong)).correct, `${zone}: ${new Date(wrong).toISOString()}`);
        assert.equal(day(new Date(Date.UTC(2021, 2, 4, 19))).given, "2021-03-04T19:00:00.000Z");
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  test("a Date made at local midnight east of UTC is its UTC day (the day before), and the verdict says to write the day as text", () => {
    const tz = process.env.TZ;
    process.env.TZ = "Europe/Berlin";
    try {
      const day = (d: Date) => checkAnswers({ day: d }, { answersPath: answersFile }).results[1];
      const local = day(new Date(2021, 2, 4));
      assert.equal(local.correct, false);
      assert.equal(local.given, "2021-03-03T23:00:00.000Z");
      assert.equal(local.detail, 'a Date counts by its UTC day, 2021-03-03, in every time zone; yours is local midnight of 2021-03-04: write that day as text, "2021-03-04"');
      // West of UTC local midnight is the same UTC day: right, no hint needed.
      process.env.TZ = "America/New_York";
      assert.ok(day(new Date(2021, 2, 4)).correct);
      assert.equal(day(new Date(2021, 2, 5)).detail, undefined, "local midnight of another day: no hint");
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  test("question names every object answers to are no questions; a Series is a list answer", () => {
    for (const name of ["toString", "constructor", "__proto__"]) {
      assert.throws(() => checkAnswers(JSON.parse(`{"${name}": "x", "day": "2021-03-04"}`), { answersPath: answersFile }), (e: Error) => e instanceof AnswersError && e.message.includes(`no question "${name}"`));
    }
    const series = pl.Series("Url", ["http://b.example", "http://a.example/x"]);
    const r = checkAnswers({ links: series }, { answersPath: answersFile });
    assert.ok(r.results[0].correct, r.toText());
    assert.equal(r.results[0].given, "http://b.example, http://a.example/x");
  });

  test("wrong arguments are clear errors, not TypeErrors or a frame's bytes", () => {
    const df = events(3);
    for (const [args, said] of [
      [[df, df], /the first argument is the exercise's name \(checkResult\("exercise1", alerts\)\), not a DataFrame/],
      [[1, df], /not a number/],
      [[undefined, df], /not undefined/],
    ] as const) {
      assert.throws(() => checkResult(args[0] as unknown as string, args[1], { resultsPath: specs }), (e: Error) => e instanceof AnswersError && e.code === "lab/unknown-exercise" && said.test(e.message) && e.message.length < 300);
    }
    for (const [answers, said] of [[undefined, /not undefined/], [null, /not null/], ["United States", /not a string/], [[1], /not an array/]] as const) {
      assert.throws(() => checkAnswers(answers as never, { answersPath: answersFile }), (e: Error) => e instanceof AnswersError && said.test(e.message));
    }
    assert.throws(() => checkAnswers({}, { excercise: "pivots" } as never), /checkAnswers: unknown option excercise \(did you mean exercise\?\)/);
    assert.throws(() => checkAnswers({}, { exercise: "results" }), /an exercise name/);
  });

  test("a Series or a lazy frame where a DataFrame belongs is named as such", () => {
    const df = events(3);
    assert.match(checkResult("first3", df.getColumn("Kind"), { resultsPath: specs }).toText(), /`rows` is a Series \(one column: keep the whole DataFrame\), not a DataFrame\./);
    assert.match(checkResult("first3", df.lazy(), { resultsPath: specs }).toText(), /`rows` is a LazyDataFrame \(collect it: await lf\.collect\(\)\), not a DataFrame\./);
  });

  test("an answers file with a byte-order mark is read", () => {
    const bom = path.join(dir, "bom.json");
    fs.writeFileSync(bom, "\uFEFF" + JSON.stringify({ q: "a" }));
    assert.ok(checkAnswers({ q: "A" }, { answersPath: bom }).allCorrect);
  });
});

describe("include rules and what they reveal", () => {
  const file = path.join(dir, "reveal-results.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      anomalies: { variable: "anomalies", task: "the anomalous hours", query: "q", columns: ["TimeGenerated"], values: [{ column: "TimeGenerated", include: ["2020-07-10T18:00:00Z"], hint: "keep the rows whose anomalies column is not 0." }] },
      ids: { variable: "alerts", task: "t", query: "q", columns: ["Id"], values: [{ column: "Id", include: ["a1", "a2", "a3"], hint: "the first three, in order." }] },
      named: { variable: "iocs", task: "t", query: "q", columns: ["Kind"], values: [{ column: "Kind", include: ["url", "dns"], showValue: true, hint: "ask for urls." }] },
    }),
  );

  test("a missing value is not quoted (it is often the answer); several are one line; a rule may opt in to name them", () => {
    const wrong = checkResult("anomalies", pl.DataFrame({ TimeGenerated: [new Date("2020-07-06T19:00:00Z")] }), { resultsPath: file });
    assert.equal(wrong.status, "wrong");
    assert.equal(wrong.toText(), "✗ anomalies: `TimeGenerated` lacks a value the exercise expects: keep the rows whose anomalies column is not 0.");
    assert.doesNotMatch(wrong.toText() + wrong.toHtml(), /2020-07-10/);
    assert.deepEqual(checkResult("ids", pl.DataFrame({ Id: ["x", "y", "a1"] }), { resultsPath: file }).messages, ["`Id` lacks 2 values the exercise expects: the first three, in order."]);
    assert.deepEqual(checkResult("named", pl.DataFrame({ Kind: ["ipv4"] }), { resultsPath: file }).messages, ['no `Kind` is "url": ask for urls.', 'no `Kind` is "dns": ask for urls.']);
  });
});

describe("checkAnswers' summary line", () => {
  const two = path.join(dir, "two.json");
  fs.writeFileSync(two, JSON.stringify({ a: "1", b: "2" }));
  const one = path.join(dir, "one.json");
  fs.writeFileSync(one, JSON.stringify({ logonType: "5" }));

  test("one answer has no summary: its own line says it (\"All correct\" under a ✗ of checkResult was a mixed message)", () => {
    assert.equal(checkAnswers({ logonType: 5 }, { answersPath: one }).toText(), "✓ logonType: 5 is right.");
    assert.equal(checkAnswers({ logonType: 3 }, { answersPath: one }).toText(), "✗ logonType: 3 is not quite right, try again.");
    assert.doesNotMatch(checkAnswers({ logonType: 5 }, { answersPath: one }).toHtml(), /All correct|well done/);
    assert.match(checkAnswers({ logonType: undefined }, { answersPath: one }).toText(), /\nNot answered yet: write your answers/);
  });

  test("several answers: the summary counts these answers only", () => {
    assert.equal(checkAnswers({ a: 1, b: 2 }, { answersPath: two }).toText().split("\n").at(-1), "Both answers are right, well done!");
    assert.equal(checkAnswers({ a: 1, b: 3 }, { answersPath: two }).toText().split("\n").at(-1), "1 of 2 correct.");
  });
});

describe("checkAnswers with URLs", () => {
  const file = path.join(dir, "urls.json");
  fs.writeFileSync(file, JSON.stringify({ urls: ["http://www.rsyslog.com/e/2106", "http://www.microsoft.com"], one: "https://example.com:8443/A" }));
  const check = (urls: Answer, one?: Answer) => checkAnswers({ urls, one }, { answersPath: file }).results.map((r) => r.correct);

  test("a URL is compared as a URL: a trailing slash of an empty path, the host's case and a default port do not matter", () => {
    assert.deepEqual(check(["http://www.rsyslog.com/e/2106", "http://www.microsoft.com/"], "https://EXAMPLE.com:8443/A"), [true, true]);
    assert.deepEqual(check(["HTTP://WWW.RSYSLOG.COM/e/2106", "http://www.microsoft.com:80"]), [true, false]);
  });

  test("the path keeps its case (paths are case-sensitive); another port or path is another URL", () => {
    assert.deepEqual(check(["http://www.rsyslog.com/E/2106", "http://www.microsoft.com"], "https://example.com:8443/a"), [false, false]);
    assert.deepEqual(check(["http://www.rsyslog.com/e/2106/", "http://www.microsoft.com:8080"], "https://example.com/A"), [false, false]);
  });

  test("the lab's own URL answers are right as the data writes them", () => {
    const urls = ["http://www.rsyslog.com/e/2106", "http://www.rsyslog.com/e/2007", "http://www.microsoft.com", "http://www.rsyslog.com/e/2359"];
    assert.ok(checkAnswers({ urls }, { exercise: "exercise4" }).allCorrect);
    assert.ok(checkAnswers({ urls: urls.map((u) => `${u}/`.replace(/(\/e\/\d+)\/$/, "$1")) }, { exercise: "exercise4" }).allCorrect);
  });
});

describe("checkAnswers' and checkResult's options", () => {
  test("a wrong exercise name says which exercises have answers (it was a bare ENOENT)", () => {
    assert.throws(
      () => checkAnswers({ country: "United States" }, { exercise: "exercise6" }),
      (e: Error) => e instanceof AnswersError && e.code === "lab/unknown-exercise" && /no answers for exercise "exercise6".*the exercises with answers are exercise2, exercise4, exercise5, pivots/.test(e.message) && !/ENOENT/.test(e.message),
    );
  });

  test("a badly formed exercise name is named as such, with the exercises there are (it read 'Cannot read the answers file exercise …')", () => {
    for (const exercise of ["../answers", "pivots.json", "results", 5]) {
      assert.throws(
        () => checkAnswers({ country: "United States" }, { exercise } as never),
        (e: Error) => e instanceof AnswersError && e.code === "lab/unknown-exercise" && /is not an exercise name.*the exercises with answers are exercise2, exercise4, exercise5, pivots/.test(e.message) && !/Cannot read/.test(e.message),
      );
    }
  });

  test("null options are the defaults (a TypeError before); options that are not an object, a misspelt option or a path that is not text are clear errors", () => {
    assert.equal(checkAnswers({ question1: "2020-07-10" }, null).results.length, 2, "data/answers.json's questions");
    assert.equal(checkResult("exercise1", undefined, null).status, "not-answered");
    const calls: [() => unknown, RegExp][] = [
      [() => checkAnswers({}, "exercise2" as never), /^checkAnswers: its options are an object such as \{ exercise: "exercise2" \}, not "exercise2" \(text\)\.$/],
      [() => checkResult("first3", events(3), "r.json" as never), /^checkResult: its options are an object such as \{ resultsPath: "my_results.json" \}, not "r.json" \(text\)\.$/],
      // A misspelt option was ignored: the lab's own file was read, and its verdict was on the wrong exercises.
      [() => checkResult("first3", events(3), { resultPath: specs } as never), /^checkResult: unknown option resultPath \(did you mean resultsPath\?\); its options are resultsPath, dataPaths, dayFirst\.$/],
      [() => checkResult("first3", events(3), { resultsPath: 5 } as never), /^checkResult: resultsPath is the path of a JSON file \(text\), not a number\.$/],
      [() => checkAnswers({}, { answersPath: ["a.json"] } as never), /^checkAnswers: answersPath is the path of a JSON file \(text\), not an array\.$/],
    ];
    for (const [call, said] of calls) assert.throws(call, (e: Error) => e instanceof AnswersError && e.code === "lab/invalid-argument" && said.test(e.message), String(said));
  });
});

describe("checkAnswers given lists of other kinds", () => {
  test("a Set and a one-column DataFrame are lists; their values are shown (a frame was its Arrow bytes, a Set {})", () => {
    const set = checkAnswers({ links: new Set(["http://a.example/x", "http://b.example"]) }, { answersPath: answersFile }).results[0];
    assert.deepEqual([set.correct, set.given], [true, "http://a.example/x, http://b.example"]);
    const frame = checkAnswers({ links: pl.DataFrame({ Observable: ["http://b.example", "http://a.example/x"] }) }, { answersPath: answersFile }).results[0];
    assert.deepEqual([frame.correct, frame.given], [true, "http://b.example, http://a.example/x"]);
    // A 64-bit column keeps every digit (toArray rounded 9007199254740993 to …992).
    const ids = path.join(dir, "ids.json");
    fs.writeFileSync(ids, '{"ids": ["9007199254740993"]}');
    assert.ok(checkAnswers({ ids: pl.Series("Id", ["9007199254740993"]).cast(pl.Int64) }, { answersPath: ids }).allCorrect);
  });

  test("a Promise, a lazy frame, a frame of several columns or a row get a verdict saying what to pass", () => {
    const verdict = (links: unknown) => checkAnswers({ links: links as Answer }, { answersPath: answersFile }).toText().split("\n")[0];
    assert.equal(verdict(Promise.resolve(["http://b.example"])), "✗ links: a Promise is not quite right (did you forget `await`?), try again.");
    assert.equal(verdict(pl.DataFrame({ Observable: ["http://b.example"] }).lazy()), "✗ links: a LazyDataFrame is not quite right (collect it first: await lf.collect()), try again.");
    assert.equal(verdict(pl.DataFrame({ Observable: ["http://b.example"], IoCType: ["url"] })), '✗ links: a DataFrame is not quite right (it has 2 columns ("Observable", "IoCType"): pass the one that holds the answer, df.getColumn(name)), try again.');
    // IoCExtract's frame, as exercise 4's learner passes it: its first column is IoCType, which the verdict gave as the one to pass.
    const iocs = pl.DataFrame({ IoCType: ["url"], Observable: ["http://b.example"], SourceIndex: [0], Input: ["see http://b.example"] });
    assert.equal(verdict(iocs), '✗ links: a DataFrame is not quite right (it has 4 columns ("IoCType", "Observable", "SourceIndex", "Input"): pass the one that holds the answer, df.getColumn(name)), try again.');
    const wide = verdict(pl.DataFrame(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`c${i}`, [i]]))));
    assert.match(wide, /it has 9 columns \("c0", "c1", "c2", "c3", "c4", "c5", …\)/);
    assert.equal(verdict({ Ioc: "http://b.example" }), '✗ links: {"Ioc":"http://b.example"} is not quite right (put the value itself in the answer (row.Ioc, not the row)), try again.');
  });

  test("each value of a list is read once, and only the first few are shown (a million values: normalised twice, all joined)", () => {
    let read = 0;
    let shown = 0;
    const values = Array.from({ length: 2000 }, (_, i) => ({ toString: () => (read++, `http://x${i}.example/`), toJSON: () => (shown++, `x${i}`) }));
    const r = checkAnswers({ links: values }, { answersPath: answersFile }).results[0];
    assert.equal(read, values.length);
    assert.ok(shown < 100, `${shown} values shown`);
    assert.match(r.detail ?? "", /you have 0 of the 2 values and 2000 that are not in the answer/);
  });
});

describe("answers files with entries no answer can match", () => {
  test('"", [], [""], null or an object is an AnswersError naming the file and the question (every answer to it was wrong)', () => {
    for (const [entry, said] of [
      ['""', /the answer is empty/],
      ['"  "', /the answer is empty/],
      ["[]", /the list of answers is empty/],
      ['["a", ""]', /the answer is empty/],
      ["null", /null is no answer/],
      ['{"a": 1}', /a JSON object is no answer/],
      ['[["a"]]', /a list inside the list is no answer/],
    ] as const) {
      const file = path.join(dir, "entries.json");
      fs.writeFileSync(file, `{"good": "1", "e1": ${entry}}`);
      assert.throws(
        () => checkAnswers({ good: "1" }, { answersPath: file }),
        (e: Error) => e instanceof AnswersError && e.code === "lab/answers-unreadable" && e.message.startsWith(`The answers file ${file}: question "e1" can never be answered right: `) && said.test(e.message),
        entry,
      );
    }
  });
});

describe("answers with alternatives ({ \"anyOf\": [...] })", () => {
  const file = path.join(dir, "alternatives.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      host: { anyOf: ["WEB01", "db02.contoso.local"] },
      count: { anyOf: [12, "13"] },
      day: { anyOf: ["2021-03-04", "2021-03-05"] },
      urls: { anyOf: [["http://a.example/x", "http://b.example"], ["http://a.example/x", "http://b.example", "http://c.example"]] },
      either: { anyOf: ["5", ["5", "7"]] },
    }),
  );
  const one = (question: string, answer: Answer) => checkAnswers({ [question]: answer }, { answersPath: file }).results.find((r) => r.question === question)!;

  test("each alternative is right, compared as a lone answer is (case, spaces, number and date forms, URL form, lists as sets)", () => {
    for (const [question, answer] of [
      ["host", "web01"],
      ["host", " DB02.contoso.local "],
      ["count", 12],
      ["count", "13"],
      ["count", "12.0"],
      ["day", "2021-03-05T10:00"],
      ["day", new Date(Date.UTC(2021, 2, 4, 18))],
      ["day", "4 March 2021"],
      ["urls", ["http://b.example/", "HTTP://A.example/x"]],
      ["urls", new Set(["http://c.example", "http://b.example", "http://a.example/x"])],
      ["either", "5"],
      ["either", [7, 5]],
      ["host", ["web01"]],
    ] as const) assert.equal(one(question, answer as Answer).correct, true, `${question}: ${String(answer)}`);
  });

  test("an answer that is none of them is wrong; both at once is no alternative; the hints are the lone answers'", () => {
    for (const [question, answer] of [
      ["host", "web02"],
      ["host", ["web01", "db02.contoso.local"]],
      ["count", 14],
      ["day", "2021-03-06"],
      ["urls", ["http://a.example/x"]],
      ["either", 7],
    ] as const) assert.equal(one(question, answer as Answer).correct, false, `${question}: ${String(answer)}`);
    assert.match(one("count", "12 files").detail ?? "", /write the number alone: 12/);
    assert.match(one("day", "05/03/2021").detail ?? "", /reads as 2021-03-05 or 2021-05-03: write the date as YYYY-MM-DD/);
    // A list is told how far it is from the closest list alternative: here the two-value one.
    assert.equal(one("urls", ["http://a.example/x", "http://d.example"]).detail, "you have 1 of the 2 values and 1 that is not in the answer");
    assert.equal(one("urls", ["http://a.example/x", "http://b.example", "http://c.example", "http://d.example"]).detail, "you have 3 of the 3 values and 1 that is not in the answer");
    assert.match(checkAnswers({ host: "web02", count: 12 }, { answersPath: file }).toText(), /✗ host: web02 is not quite right, try again\.\n✓ count: 12 is right\./);
  });

  test('an "anyOf" no answer can match is an AnswersError naming the file and the question', () => {
    for (const [entry, said] of [
      ['{"anyOf": []}', /"anyOf" is a list of the right answers, and it is empty/],
      ['{"anyOf": "a"}', /"anyOf" is a list of the right answers, and it is no list/],
      ['{"anyOf": ["a", ""]}', /the answer is empty/],
      ['{"anyOf": ["a", []]}', /the list of answers is empty/],
      ['{"anyOf": ["a", {"anyOf": ["b"]}]}', /an object inside "anyOf" is no answer/],
      ['{"anyOf": ["a"], "note": "x"}', /a JSON object is no answer, except \{ "anyOf": \[\.\.\.\] \} \(this one has "anyOf", "note"\)/],
      ['{"oneOf": ["a"]}', /a JSON object is no answer, except/],
    ] as const) {
      const bad = path.join(dir, "alternatives-bad.json");
      fs.writeFileSync(bad, `{"good": "1", "e1": ${entry}}`);
      assert.throws(
        () => checkAnswers({ good: "1" }, { answersPath: bad }),
        (e: Error) => e instanceof AnswersError && e.code === "lab/answers-unreadable" && e.message.startsWith(`The answers file ${bad}: question "e1" can never be answered right: `) && said.test(e.message),
        entry,
      );
    }
  });
});

describe("the lab's exercise files", () => {
  test("every exercise the notebooks check is described, and every answers file reads", () => {
    const lab = loadResultSpecs(RESULTS_PATH);
    assert.deepEqual(Object.keys(lab).sort(), ["exercise1", "exercise2", "exercise4", "exercise4bonus", "exercise5"]);
    for (const exercise of ["exercise2", "exercise4", "exercise5", "pivots"]) {
      const file = exerciseAnswersPath(exercise);
      assert.ok(fs.existsSync(file), file);
      const unanswered = checkAnswers({}, { exercise });
      assert.ok(unanswered.results.length > 0 && unanswered.results.every((r) => !r.answered), exercise);
    }
  });
});

describe("answers and results files that are not regular files", () => {
  test("a folder, or a named pipe, is an AnswersError naming it, without opening it (a FIFO's open waited for a writer forever)", { skip: process.platform === "win32" }, (t) => {
    const folder = tempDir();
    assert.throws(() => loadResultSpecs(folder), { name: "AnswersError", code: "lab/answers-unreadable", message: `Cannot read the answers file ${folder}: it is a folder, not a file` });
    const fifo = path.join(tempDir(), "answers.json");
    if (!makeFifo(t, fifo)) return;
    // In a child with a timeout: the old read blocked in open(2), which would hang the test run.
    const got = outcomesInChild(`import { checkAnswers } from ${JSON.stringify(`${SRC_DIR}/lab/answers`)};`, { fifo: `checkAnswers({ q1: "x" }, { answersPath: ${JSON.stringify(fifo)} })` });
    assert.deepEqual(got.fifo, { ok: false, name: "AnswersError", code: "lab/answers-unreadable", message: `Cannot read the answers file ${fifo}: it is a named pipe (FIFO), not a regular file` });
  });
});
