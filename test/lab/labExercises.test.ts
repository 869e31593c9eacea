/**
 * The lab's self-checks on the lab's own data: for each exercise, the right
 * result and answers pass, and each common mistake (head() instead of head(5),
 * a forgotten await, the wrong table or column, the wrong IoC types, a filtered
 * frame, a wrong value) gets its helpful message. This is where the messages
 * quoted in docs/teaching.md are checked.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, test } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider, TILookup, IoCExtract, base64 } from "../../src/index";
import { checkResult } from "../../src/lab/results";
import { checkAnswers } from "../../src/lab/answers";

const DATA = path.join(__dirname, "..", "..", "data");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Families = any;

let qp: Families;
before(() => {
  qp = new QueryProvider("LocalData", { dataPaths: [DATA], queryPaths: [DATA] });
});

const text = (c: { toText(): string }) => c.toText();

describe("exercise 1: security alerts", () => {
  test("head(5) of list_alerts is right; all of it, head(10), a Promise or another table is not", async () => {
    const all = await qp.SecurityAlert.list_alerts();
    assert.equal(checkResult("exercise1", all.head(5)).status, "correct");
    assert.match(text(checkResult("exercise1", all.head(10))), /you have 10 rows \(5 expected\): did you call head\(5\)\?/);
    assert.match(text(checkResult("exercise1", all)), new RegExp(`you have ${all.height} rows \\(5 expected\\): did you call head\\(5\\)\\?`));
    assert.match(text(checkResult("exercise1", qp.SecurityAlert.list_alerts())), /did you forget `await`/);
    const logons = await qp.WindowsSecurity.list_host_logons();
    assert.match(text(checkResult("exercise1", logons.head(5))), /has no `AlertName`, `AlertType`, `Severity`, `Entities` columns: is it the result of qp\.SecurityAlert\.list_alerts\(\)\?/);
    assert.match(text(checkResult("exercise1", undefined)), /not answered yet/);
  });

  test("five rows with the right columns are not enough: the last five, a sorted five or made-up rows are not the first five", async () => {
    const all = await qp.SecurityAlert.list_alerts();
    for (const wrong of [all.tail(5), all.sort("TimeGenerated", true).head(5), all.sort("Severity").head(5), pl.DataFrame({ AlertName: ["a", "b", "c", "d", "e"], AlertType: ["t", "t", "t", "t", "t"], Severity: ["High", "High", "High", "High", "High"], Entities: ["[]", "[]", "[]", "[]", "[]"], SystemAlertId: ["1", "2", "3", "4", "5"] })]) {
      const r = checkResult("exercise1", wrong);
      assert.equal(r.status, "wrong", text(r));
      assert.match(text(r), /^✗ exercise1: `SystemAlertId` lacks \d values? the exercise expects: are these the first five rows of the query's result, in its own order/);
      // The ids wanted are not shown.
      assert.doesNotMatch(text(r), /f1ce87ca/);
    }
  });
});

describe("exercise 2: Azure AD sign-ins and their TI", () => {
  test("the sign-ins' lookups are right; the host logons' are not; a wrong address is not quite right", async () => {
    const ti = new TILookup();
    const signins = await qp.Azure.list_all_signins_geo();
    const right = await ti.lookupIocs(signins, { obsCol: "IPAddress", providers: ["LocalTI"] });
    assert.equal(checkResult("exercise2", right).status, "correct", text(checkResult("exercise2", right)));
    const flagged = right.filter(pl.col("Severity").eq(pl.lit("high"))).getColumn("Ioc").toArray().join(", ");
    assert.ok(checkAnswers({ flaggedIp: flagged }, { exercise: "exercise2" }).allCorrect);
    const logons = await qp.WindowsSecurity.list_host_logons();
    const wrongTable = await ti.lookupIocs(logons, { obsCol: "IpAddress", providers: ["LocalTI"] });
    assert.match(text(checkResult("exercise2", wrongTable)), /you have \d+ rows? \(7 expected\): did you look up/);
    const warning = right.filter(pl.col("Severity").eq(pl.lit("warning"))).getColumn("Ioc").get(0);
    assert.match(text(checkAnswers({ flaggedIp: warning }, { exercise: "exercise2" })), /✗ flaggedIp: .* is not quite right, try again/);
    // The documented Series answer (teaching.md): the one flagged address, as a column.
    const flaggedColumn = right.filter(pl.col("Severity").eq(pl.lit("high"))).getColumn("Ioc");
    assert.equal(text(checkAnswers({ flaggedIp: flaggedColumn }, { exercise: "exercise2" })), "✓ flaggedIp: 148.251.12.164 is right.");
    // Seven made-up verdicts with the right columns were right.
    const fake = right.withColumns(pl.Series("Ioc", ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5", "6.6.6.6", "7.7.7.7"]));
    assert.match(text(checkResult("exercise2", fake)), /^✗ exercise2: `Ioc` lacks 7 values the exercise expects: did you look up every distinct address/);
  });
});

describe("exercise 4: URLs in syslog, and the bonus", () => {
  test("the URL extraction is right; without iocTypes it is not; the URL list is checked as a set", async () => {
    const sysdf = await qp.LinuxSyslog.list_all_syslog_events();
    const extractor = new IoCExtract();
    const urls = extractor.extract(sysdf, { columns: ["SyslogMessage"], iocTypes: ["url"] });
    assert.equal(checkResult("exercise4", urls).status, "correct", text(checkResult("exercise4", urls)));
    const everything = extractor.extract(sysdf, { columns: ["SyslogMessage"] });
    assert.match(text(checkResult("exercise4", everything)), /`IoCType` also has .*: ask for iocTypes: \["url"\] only/);
    const dnsOnly = extractor.extract(sysdf, { columns: ["SyslogMessage"], iocTypes: ["dns"] });
    assert.match(text(checkResult("exercise4", dnsOnly)), /no `IoCType` is "url": did you pass iocTypes: \["url"\]\?/);
    const list = urls.filter(pl.col("IoCType").eq(pl.lit("url"))).getColumn("Observable").unique().toArray() as string[];
    assert.ok(checkAnswers({ urls: list }, { exercise: "exercise4" }).allCorrect);
    const withHosts = urls.getColumn("Observable").unique().toArray() as string[];
    assert.match(text(checkAnswers({ urls: withHosts }, { exercise: "exercise4" })), /you have 4 of the 4 values and 2 that are not in the answer/);
    assert.match(text(checkAnswers({ urls: list.slice(1) }, { exercise: "exercise4" })), /you have 3 of the 4 values\)/);
    // Extracted from a part of the messages only: URL indicators, but not the syslog's.
    const some = extractor.extract(sysdf.head(20), { columns: ["SyslogMessage"], iocTypes: ["url"] });
    const partial = some.height ? some : pl.DataFrame({ IoCType: ["url"], Observable: ["http://a.example"], SourceIndex: [0] });
    assert.match(text(checkResult("exercise4", partial)), /`Observable` lacks \d values? the exercise expects: did you extract from the SyslogMessage column of every syslog event/);
  });

  test("bonus: dns from full_decoded_string is right; from the raw messages, or nothing, is not", async () => {
    const sysdf = await qp.LinuxSyslog.list_all_syslog_events();
    const extractor = new IoCExtract();
    const decoded = base64.unpackDf(sysdf, { column: "SyslogMessage" });
    const dns = extractor.extract(decoded, { columns: ["full_decoded_string"], iocTypes: ["dns"] });
    assert.equal(checkResult("exercise4bonus", dns).status, "correct", text(checkResult("exercise4bonus", dns)));
    const raw = extractor.extract(sysdf, { columns: ["SyslogMessage"], iocTypes: ["dns"] });
    assert.match(text(checkResult("exercise4bonus", raw)), /you have \d+ rows \(1 expected\): did you extract from the decoded messages/);
    assert.match(text(checkResult("exercise4bonus", dns.head(0))), /you have 0 rows \(1 expected\): did you extract from full_decoded_string/);
    const madeUp = pl.DataFrame({ IoCType: ["dns"], Observable: ["example.com"], SourceIndex: [0] });
    assert.match(text(checkResult("exercise4bonus", madeUp)), /^✗ exercise4bonus: `Observable` lacks a value the exercise expects/);
  });
});

describe("exercise 5: logon timeline", () => {
  test("every logon is right; a head() or a filter is not; the logon type is checked as a number or text", async () => {
    const logons = await qp.WindowsSecurity.list_host_logons();
    assert.equal(checkResult("exercise5", logons).status, "correct");
    assert.match(text(checkResult("exercise5", logons.head(10))), /you have 10 rows \(164 expected\): keep every logon/);
    const top = logons.groupBy("LogonType").len().sort("len", true).getColumn("LogonType").get(0);
    assert.ok(checkAnswers({ logonType: Number(top) }, { exercise: "exercise5" }).allCorrect);
    assert.ok(checkAnswers({ logonType: String(top) }, { exercise: "exercise5" }).allCorrect);
    assert.match(text(checkAnswers({ logonType: 3 }, { exercise: "exercise5" })), /✗ logonType: 3 is not quite right/);
    // The question also asks what the type means: its name is right too (answers_exercise5.json's anyOf), another name is not.
    assert.equal(text(checkAnswers({ logonType: "service" }, { exercise: "exercise5" })), "✓ logonType: service is right.");
    assert.match(text(checkAnswers({ logonType: "Network" }, { exercise: "exercise5" })), /✗ logonType: Network is not quite right/);
    assert.match(text(checkAnswers({ logonType: "5 (service)" }, { exercise: "exercise5" })), /write the number alone: 5/);
    // Read with toArray()[0] (polars types it number | bigint | boolean | string): the type checks, the value is right.
    assert.equal(text(checkAnswers({ logonType: logons.groupBy("LogonType").len().sort("len", true).getColumn("LogonType").toArray()[0] }, { exercise: "exercise5" })), "✓ logonType: 5 is right.");
  });
});

describe("exercises 6 and 7: value answers", () => {
  test("wrong values are not quite right, unanswered ones say so", () => {
    assert.match(text(checkAnswers({ country: "Ireland", highIp: undefined }, { exercise: "pivots" })), /✗ country: Ireland is not quite right.*\n… highIp: no answer yet\.\n0 of 2 correct\./);
    // The country as the learner may name it (answers_pivots.json's anyOf).
    for (const country of ["United States", "united states of america", "USA", "US"]) assert.ok(checkAnswers({ country, highIp: "131.107.147.209" }, { exercise: "pivots" }).allCorrect, country);
    assert.match(text(checkAnswers({ question1: "2020-07-06", question2: 29670 })), /✗ question1: 2020-07-06 is not quite right, try again\.\n✓ question2: 29670 is right\./);
    assert.match(text(checkAnswers({ question1: undefined, question2: undefined })), /Not answered yet/);
  });
});
