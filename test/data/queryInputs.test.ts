/**
 * What plain JavaScript passes where a query's parameters, execQuery's text or the provider's environment go: each
 * refused naming what it got and the form it takes (they failed deep inside, or were read key by key).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { QueryProvider } from "../../src/data/queryProvider";

const untyped = (x: unknown) => x as never;

describe("query inputs from plain JavaScript", () => {
  const qp = new QueryProvider("LocalData");

  it("parameters that are not an object are refused; null is no parameters", async () => {
    for (const [params, got] of [
      ["WS01", /not text \(4 characters\)/],
      [["WS01"], /not an array of 1 value/],
      [pl.DataFrame({ a: [1] }), /not a DataFrame/],
      [Promise.resolve({}), /not a Promise/],
    ] as const) {
      await assert.rejects(qp.SecurityAlert.list_alerts(untyped(params)), { code: "data/query-input", message: new RegExp(`^SecurityAlert\\.list_alerts: its parameters \\(the first argument\\) must be an object such as .*${got.source}`) });
    }
    assert.ok((await qp.SecurityAlert.list_alerts(untyped(null))).height > 0);
  });

  it("execQuery takes text", async () => {
    for (const given of [undefined, 5, ["SecurityAlert.list_alerts"]]) {
      await assert.rejects(qp.execQuery(untyped(given)), { code: "data/query-input", message: /^execQuery: takes the query's text \(or a Family\.query name\), not / });
    }
  });

  it("the options first, without the environment's name, says which argument is which", () => {
    assert.throws(() => new QueryProvider(untyped({ dataPaths: ["exports"] })), { code: "data/query-input", message: /first argument is the data environment's name.*new QueryProvider\("LocalData", \{ dataPaths: \["exports"\] \}\); got a plain object/ });
  });
  it("a live provider's query refuses them too, before asking for a connection", async () => {
    const live = new QueryProvider("Splunk", { warn: () => undefined });
    const first = live.listQueries()[0];
    await assert.rejects(live.execQuery(first, untyped("WS01")), { code: "data/query-input", message: /its parameters \(the first argument\) must be an object .*not text \(4 characters\)/ });
  });
});
