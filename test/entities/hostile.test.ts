/**
 * Alert data is attacker-controlled: entity types and property names that
 * are also names of Object.prototype members (`__proto__`, `constructor`,
 * `toString`, `hasOwnProperty`) must give unknown entities or plain data,
 * never a failure of the whole frame or a changed prototype.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import pl from "nodejs-polars";
import { Entity, Host, parseEntities, SecurityAlert, UnknownEntity } from "../../src/entities";
import { ENTITY_CLASSES } from "../../src/entities/types";
import { addRelatedAlerts, createAlertGraph } from "../../src/vis/alertGraph";
import { EntityGraph } from "../../src/vis/entityGraph";

const PROTO_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__"];

/** The own property names of Object.prototype and what they hold, to check nothing changed. */
function prototypeSnapshot(): [string, unknown][] {
  return Object.getOwnPropertyNames(Object.prototype)
    .sort()
    .map((k) => [k, Object.getOwnPropertyDescriptor(Object.prototype, k)?.value]);
}

const HOST = `{"$id":"9","Type":"host","HostName":"web01","OSFamily":"Linux"}`;

/** One alert row per hostile name, as a type and as property keys, plus a normal alert. */
function alertRows(): Record<string, string>[] {
  const rows = PROTO_NAMES.map((name, i) => ({
    SystemAlertId: `bad-${i}`,
    AlertDisplayName: `Bad ${name}`,
    Severity: "High",
    TimeGenerated: "2024-05-01T10:00:00Z",
    Entities: `[{"$id":"1","Type":${JSON.stringify(name)}},` +
      `{"$id":"2","Type":"host","HostName":"web01",${JSON.stringify(name)}:{"polluted":true,"Type":"x"}},` +
      `{"$id":"3","Type":"account","Name":"bob","AdditionalData":{${JSON.stringify(name)}:{"polluted":true}},"Host":{"$ref":"9"}},` +
      `{"$id":"4","Type":"process","ProcessId":"42",${JSON.stringify(name)}:"text"},${HOST}]`,
    ExtendedProperties: `{${JSON.stringify(name)}:{"polluted":true},"OSFamily":"Linux"}`,
  }));
  rows.push({
    SystemAlertId: "good",
    AlertDisplayName: "Good alert",
    Severity: "Low",
    TimeGenerated: "2024-05-01T11:00:00Z",
    Entities: `[{"$id":"1","Type":"ip","Address":"10.0.0.5"},${HOST}]`,
    ExtendedProperties: "{}",
  });
  return rows;
}

test("the entity type table has no inherited members", () => {
  for (const name of PROTO_NAMES) assert.equal((ENTITY_CLASSES as Record<string, unknown>)[name], undefined, name);
  assert.equal(typeof ENTITY_CLASSES.host, "function");
});

test("types and keys named like Object.prototype members: every row parses, the bad entities are unknown, nothing is polluted", () => {
  const before = prototypeSnapshot();
  const df = pl.DataFrame(alertRows());
  const alerts = SecurityAlert.fromDataFrame(df);
  assert.equal(alerts.length, PROTO_NAMES.length + 1);
  for (const [i, name] of PROTO_NAMES.entries()) {
    const alert = alerts[i];
    const [typed, host, account, process] = alert.entities;
    assert.ok(typed instanceof UnknownEntity, `${name}: ${typed?.constructor?.name}`);
    assert.equal(typed.Type, name);
    assert.ok(host instanceof Host, name);
    assert.equal(host.HostName, "web01");
    // The hostile key is kept as data, as an own property, and changes no prototype.
    assert.ok(Object.hasOwn(host.AdditionalData, name), name);
    assert.equal(Object.getPrototypeOf(host.AdditionalData), Object.prototype, name);
    assert.ok(host.AdditionalData[name] instanceof UnknownEntity, name);
    assert.ok(Object.hasOwn(account.AdditionalData, name), name);
    assert.equal(Object.getPrototypeOf(account.AdditionalData), Object.prototype, name);
    assert.deepEqual({ ...(account.AdditionalData[name] as object) }, { polluted: true });
    assert.ok(Object.hasOwn(process.AdditionalData, name), name);
    assert.equal(process.AdditionalData[name], "text");
    assert.equal((account as unknown as { Host?: Entity }).Host?.nameStr, "web01");
    assert.equal(alert.osFamily, "Linux");
    // Printing and serialising still work.
    assert.doesNotThrow(() => alert.toHtml(), name);
    assert.doesNotThrow(() => alert.toText(), name);
    assert.doesNotThrow(() => JSON.stringify(alert.entities), name);
    assert.ok(alert.allEntities().length >= 5, name);
  }
  assert.equal(alerts.at(-1)?.entities.length, 2);
  assert.deepEqual(prototypeSnapshot(), before);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("parseEntities: a bare hostile type is an unknown entity; a reference to it resolves", () => {
  for (const name of PROTO_NAMES) {
    const [a, b] = parseEntities(`[{"$id":"1","Type":${JSON.stringify(name)},"Name":"n"},{"Type":"process","ProcessId":"1","Account":{"$ref":"1"}}]`);
    assert.ok(a instanceof UnknownEntity, name);
    assert.equal(a.nameStr, "n");
    assert.equal((b as unknown as { Account?: Entity }).Account, a, name);
  }
});

test("a row whose Entities JSON is broken keeps its error with the row; the other rows parse", () => {
  const rows = alertRows().slice(-1);
  rows.unshift({ SystemAlertId: "broken", AlertDisplayName: "Broken", Severity: "High", TimeGenerated: "2024-05-01T09:00:00Z", Entities: "[{", ExtendedProperties: "{x" });
  const alerts = SecurityAlert.fromDataFrame(pl.DataFrame(rows));
  assert.equal(alerts.length, 2);
  assert.deepEqual(alerts[0].entities, []);
  assert.equal(alerts[0].parseErrors.length, 2);
  assert.match(alerts[0].parseErrors[0], /alert broken: ExtendedProperties is not valid JSON/);
  assert.match(alerts[0].parseErrors[1], /alert broken: Entities: not valid JSON/);
  assert.deepEqual(alerts[1].parseErrors, []);
  // One alert on its own still fails loudly.
  assert.throws(() => new SecurityAlert(rows[0]), { name: "EntityParseError", code: "entities/json-invalid" });
});

test("EntityGraph and addRelatedAlerts take a frame with hostile rows", () => {
  const before = prototypeSnapshot();
  const df = pl.DataFrame(alertRows());
  assert.ok(new EntityGraph(df));
  const good = SecurityAlert.fromDataFrame(df).at(-1)!;
  const related = addRelatedAlerts(df, createAlertGraph(good));
  // Every hostile alert shares the host web01 with the good one.
  assert.equal(related.nodes.filter((n) => n.related).length, PROTO_NAMES.length);
  assert.deepEqual(prototypeSnapshot(), before);
});

test("a reference or object where a text property belongs (a File's FullPath, Directory) is text: the frame still loads and draws", () => {
  const good = JSON.stringify([{ $id: "1", Type: "host", HostName: "WS01" }, { $id: "2", Type: "ip", Address: "10.0.0.1" }]);
  for (const key of ["FullPath", "Directory", "Name"]) {
    const bad = JSON.stringify([{ $id: "1", Type: "host", HostName: "WS01" }, { $id: "2", Type: "file", Name: "a.exe", [key]: { $ref: "1" } }]);
    const df = pl.DataFrame({ SystemAlertId: ["a1", "a2"], AlertDisplayName: ["good", "hostile"], TimeGenerated: ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"], Entities: [good, bad] });
    const alerts = SecurityAlert.fromDataFrame(df);
    assert.deepEqual(alerts.map((a) => a.entities.length), [2, 2], key);
    const file = alerts[1].entities.find((e) => e.Type === "file") as Entity & Record<string, unknown>;
    assert.equal(typeof file.description, "string", key);
    assert.doesNotMatch(String(file.description), /\[object Object\]/, key);
    if (key !== "FullPath") assert.equal(file[key], '{"$ref":"1"}', `${key} holds the text it was given`);
    assert.ok(new EntityGraph(df).plot().toView().toHtml().length > 1000, key);
    assert.ok(addRelatedAlerts(df, createAlertGraph(alerts[0])).nodes.length > 0, key);
  }
});

test("entity and alert cards reveal bidi and invisible characters (Trojan Source file names)", () => {
  const spoofed = "invoice\u202Egpj.exe\u200B";
  const host = new Host({ HostName: spoofed, NetBiosName: "<b>x</b>" });
  const card = host.toHtml();
  assert.ok(!card.includes("\u202E") && !card.includes("\u200B"));
  assert.ok(card.includes("invoice\\u202egpj.exe\\u200b"));
  assert.ok(card.includes("&lt;b&gt;x&lt;/b&gt;") && !card.includes("<b>x</b>"));
  assert.ok(card.startsWith('<div id="hl-entity-') && !card.includes("<script"));
  const alert = new SecurityAlert({ AlertName: spoofed, Description: spoofed, Entities: JSON.stringify([{ $id: "1", Type: "host", HostName: spoofed }]) });
  const alertCard = alert.toHtml();
  assert.ok(!alertCard.includes("\u202E"));
  assert.ok(alertCard.split("invoice\\u202egpj.exe").length - 1 >= 3); // name, description, host card (and the alt text)
});

test("the text forms (plain Node, console.log) reveal control characters too: data cannot drive the terminal", () => {
  const ansi = "evil.exe\u001b]0;pwned\u0007\u001b[1A\u001b[2K\r\u202egpj";
  const host = new Host({ HostName: ansi, OSFamily: "Windows\u001b[31m" });
  const alert = new SecurityAlert({ AlertName: ansi, Entities: JSON.stringify([{ $id: "1", Type: "host", HostName: ansi }]) });
  for (const [what, text] of [
    ["host toText", host.toText()],
    ["host inspect", inspect(host)],
    ["host bundle", host[JUPYTER_DISPLAY]()["text/plain"]],
    ["alert toText", alert.toText()],
    ["alert inspect", inspect(alert)],
  ] as const) {
    assert.doesNotMatch(String(text), /[\u001b\u0007\r\u202e]/, what);
    assert.match(String(text), /evil\.exe\\u001b\]0;pwned\\u0007/, what);
  }
  assert.match(host.toText(), /OSFamily: Windows\\u001b\[31m/);
});

test("entities referenced many times ($ref): cards, graph nodes and JSON grow with the entities, not with the paths", () => {
  // Each process refers to the next one twice, through a plain object: 2^depth paths to the last one.
  const depth = 10;
  const items: Record<string, unknown>[] = [];
  for (let i = 1; i <= depth; i += 1) {
    items.push({ $id: String(i), Type: "process", ProcessId: String(i), ParentProcess: { $ref: String(i + 1) }, Extra: { Wrap: { L: { $ref: String(i + 1) }, R: { $ref: String(i + 1) } } } });
  }
  items.push({ $id: String(depth + 1), Type: "process", ProcessId: "last" });
  const alert = new SecurityAlert({ SystemAlertId: "dag", Entities: JSON.stringify(items) });
  const first = alert.entities[0];
  // Entities inside plain data show by name, as everywhere else.
  assert.equal(first.toText().split("\n").find((l) => l.includes("Extra")), '  Extra: {"Wrap":{"L":"process[pid:2]","R":"process[pid:2]"}}');
  const json = JSON.stringify(first.toJSON());
  assert.ok(json.length < 4000, `toJSON: ${json.length} characters`);
  // Each entity written once; a second use is { Type, Name }.
  assert.equal(json.split('"ProcessId":"last"').length - 1, 1);
  const graph = createAlertGraph(alert);
  const node = graph.getNode(first.key)!;
  assert.ok(node.properties.Extra.length < 200, node.properties.Extra);
  assert.ok(alert.toHtml().length < 100_000);
});
