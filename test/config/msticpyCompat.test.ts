/** msticpyconfig.yaml read as MSTICPy reads it: where the file is found, booleans written as text, a bad provider setting. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadConfig, resolveConfigPath } from "../../src/config/config";
import { expandHome, localUserHome, readPathSetting } from "../../src/config/pathSetting";
import { TILookup } from "../../src/context/tiLookup";
import { createLiveSettings } from "../../src/data/live/settings";
import { checkLiveUrl } from "../../src/data/live/urls";
import { GeoIpDatabase } from "../../src/context/geoip";
import { QueryProvider } from "../../src/data/queryProvider";
import { PACKAGE_ROOT } from "../../src/common/paths";
import { tempDir } from "../context/tiTwins";

/** Runs `fn` with HOME, the working folder and MSTICPYCONFIG set, then puts them back. */
function withPlaces(places: { home: string; cwd: string; env?: string }, fn: () => void): void {
  const saved = { home: process.env.HOME, userProfile: process.env.USERPROFILE, env: process.env.MSTICPYCONFIG, cwd: process.cwd() };
  const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
  try {
    process.env.HOME = places.home;
    process.env.USERPROFILE = places.home;
    restore("MSTICPYCONFIG", places.env);
    process.chdir(places.cwd);
    fn();
  } finally {
    process.chdir(saved.cwd);
    restore("HOME", saved.home);
    restore("USERPROFILE", saved.userProfile);
    restore("MSTICPYCONFIG", saved.env);
  }
}

test("config search order as MSTICPy's: $MSTICPYCONFIG, the working folder, ~/.msticpy/msticpyconfig.yaml, then the bundled file", () => {
  const home = tempDir("huntlab-home-");
  const cwd = tempDir("huntlab-cwd-");
  const homeConfig = path.join(home, ".msticpy", "msticpyconfig.yaml");
  const bundled = path.join(PACKAGE_ROOT, "msticpyconfig.yaml");
  withPlaces({ home, cwd }, () => assert.equal(resolveConfigPath(), bundled));
  fs.mkdirSync(path.dirname(homeConfig));
  fs.writeFileSync(homeConfig, "TIProviders: {}\n");
  withPlaces({ home, cwd }, () => assert.equal(resolveConfigPath(), homeConfig));
  const cwdConfig = path.join(cwd, "msticpyconfig.yaml");
  fs.writeFileSync(cwdConfig, "TIProviders: {}\n");
  withPlaces({ home, cwd }, () => assert.equal(fs.realpathSync(resolveConfigPath()), fs.realpathSync(cwdConfig)));
  const envConfig = path.join(tempDir("huntlab-env-"), "mine.yaml");
  fs.writeFileSync(envConfig, "TIProviders: {}\n");
  withPlaces({ home, cwd, env: envConfig }, () => assert.equal(resolveConfigPath(), envConfig));
});

function configFile(text: string): string {
  const file = path.join(tempDir("huntlab-config-"), "msticpyconfig.yaml");
  fs.writeFileSync(file, text);
  return file;
}

test("boolean settings written as text (Primary: \"True\", quoted as MSTICPy's users do) read as booleans, in any case", () => {
  const file = configFile(
    [
      "TIProviders:",
      "  OTX: { Provider: OTX, Primary: \"True\", Enabled: 'yes', Args: { AuthKey: k1 } }",
      "  VT: { Provider: VirusTotal, Primary: \"false\", Enabled: \"NO\", Cache: { Enabled: \"Off\" }, Args: { AuthKey: k2 } }",
      "  GN: { Provider: GreyNoise, Primary: \" TRUE \", Cache: { Enabled: \"on\" }, Args: { AuthKey: k3 } }",
    ].join("\n"),
  );
  const byName = Object.fromEntries(loadConfig(file).tiProviders.map((p) => [p.name, p]));
  assert.deepEqual([byName.OTX.primary, byName.OTX.enabled], [true, true]);
  assert.deepEqual([byName.VT.primary, byName.VT.enabled, byName.VT.cache.enabled], [false, false, false]);
  assert.deepEqual([byName.GN.primary, byName.GN.cache.enabled], [true, true]);
});

test("a TI provider setting that does not read stops that provider only: TILookup loads the others, and the live data providers never read it", () => {
  const file = configFile(
    [
      "TIProviders:",
      "  OTX: { Provider: OTX, Primary: maybe, Args: { AuthKey: k1 } }",
      "  VT: { Provider: VirusTotal, TimeoutSeconds: soon, Cache: { Enabled: 2 }, Args: { AuthKey: k2 } }",
      "  LocalTI: { Provider: LocalTI, Primary: true }",
      "DataProviders:",
      "  Splunk: { Args: { host: splunk.example, username: u } }",
    ].join("\n"),
  );
  // loadConfig alone names the setting, as for an Args value.
  assert.throws(() => loadConfig(file), { code: "config/invalid-setting", message: /TIProviders\.OTX\.Primary: expected true or false/ });
  const ti = new TILookup({ configPath: file });
  const status = Object.fromEntries(ti.providerStatus.map((s) => [s.name, s]));
  assert.equal(status.OTX.loaded, false);
  assert.equal(status.OTX.detail, "Not loaded: Primary: expected true or false (or yes/no).");
  assert.equal(status.VT.loaded, false);
  assert.match(status.VT.detail, /^Not loaded: TimeoutSeconds: .*expected number.*; Cache\.Enabled: expected true or false/);
  assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"]);
  const live = createLiveSettings({ environment: "Splunk", configPath: file, warn: () => {} });
  assert.equal(live.arg("host", {}), "splunk.example");
});

test("a Primary: that does not read (maybe, [1], 2) stops that provider, and a default lookup does not ask the others in its place", async () => {
  for (const written of ["maybe", "[1]", "2"]) {
    const file = configFile(["TIProviders:", `  Main: { Provider: LocalTI, Primary: ${written} }`, "  Other: { Provider: LocalTI, Primary: false }"].join("\n"));
    assert.throws(() => loadConfig(file), { code: "config/invalid-setting", message: /TIProviders\.Main\.Primary: expected true or false/ }, written);
    const ti = new TILookup({ configPath: file });
    assert.deepEqual(Object.keys(ti.loadedProviders), ["Other"], written);
    assert.match(ti.providerStatus[0].detail, /^Not loaded: Primary: expected true or false/, written);
    // MSTICPy takes any such text as primary: Main may well be the one meant, so Other is not asked unnamed.
    await assert.rejects(ti.lookupIoc("8.8.8.8"), { code: "context/no-primary-loaded", message: /\n  Main: Not loaded: Primary: .*providers: \["Other"\]/s }, written);
    assert.deepEqual((await ti.lookupIoc("8.8.8.8", { providers: ["Other"] })).getColumn("Provider").toArray(), ["Other"]);
  }
});

test("TIProviders of another shape (a list, text, a number) is a config/invalid-setting error naming TIProviders and its shape, for TILookup only: the data providers still load", () => {
  for (const [written, shape] of [["[VirusTotal, OTX]", "a list"], ["VirusTotal", "text"], ["3", "a number"]]) {
    const file = configFile([`TIProviders: ${written}`, "DataProviders:", "  Splunk: { Args: { host: splunk.example, username: u } }"].join("\n"));
    const expected = { code: "config/invalid-setting", message: new RegExp(`: TIProviders: expected a mapping of provider names to their settings \\(TIProviders: \\{ VirusTotal: .*\\), not ${shape}$`) };
    assert.throws(() => loadConfig(file), expected, written);
    assert.throws(() => new TILookup({ configPath: file }), expected, written);
    // MSTICPy reads TIProviders only when TI is used: the rest of the file loads.
    const config = loadConfig(file, { missingEnvironment: "skip" });
    assert.deepEqual(config.tiProviders, [], written);
    const live = createLiveSettings({ environment: "Splunk", configPath: file, warn: () => {} });
    assert.equal(live.arg("host", {}), "splunk.example", written);
  }
});

test("DataProviders or QueryDefinitions of another shape (a list, text, a number) is a config/invalid-setting error naming the section and what to write, for its readers only: TI providers still load", () => {
  const ti = "TIProviders:\n  LocalTI: { Provider: LocalTI, Primary: true }\n";
  const settingsOf = (file: string) => createLiveSettings({ environment: "Splunk", configPath: file, warn: () => {} });
  for (const [written, shape] of [["[Splunk, Kusto]", "a list"], ["Splunk", "text"], ["3", "a number"]]) {
    const file = configFile(`${ti}DataProviders: ${written}\n`);
    const expected = { code: "config/invalid-setting", message: new RegExp(`: DataProviders: expected a mapping of provider names to their settings \\(DataProviders: \\{ Splunk: \\{ Args: .*\\), not ${shape}$`) };
    assert.throws(() => loadConfig(file), expected, written);
    // The data provider that reads the section is told (it said "no host set", or the whole file failed).
    assert.throws(() => settingsOf(file), expected, written);
    assert.deepEqual(Object.keys(new TILookup({ configPath: file }).loadedProviders), ["LocalTI"], written);
    // The queries do not read DataProviders.
    assert.ok(new QueryProvider("LocalData", { configPath: file }).listQueries().length > 0, written);
  }
  for (const [written, setting, reason] of [
    ["QueryDefinitions: [~/queries]", "QueryDefinitions", /expected a mapping with the list of your query folders \(QueryDefinitions: \{ Custom: \[~\/queries\] \}\), not a list$/],
    ["QueryDefinitions: 3", "QueryDefinitions", /, not a number$/],
    ["QueryDefinitions: { Custom: 3 }", "QueryDefinitions.Custom", /expected a list of query folders \(Custom: \[~\/queries, .*\]\), not a number$/],
    ["QueryDefinitions: { Custom: [[a]] }", "QueryDefinitions.Custom", /not a list of other things than text$/],
  ] as const) {
    const file = configFile(`${ti}DataProviders:\n  Splunk: { Args: { host: splunk.example } }\n${written}\n`);
    const expected = (e: unknown) => (e as { code?: string }).code === "config/invalid-setting" && (e as Error).message.includes(`msticpyconfig.yaml: ${setting}: `) && reason.test((e as Error).message);
    assert.throws(() => loadConfig(file), expected, written);
    assert.throws(() => new QueryProvider("LocalData", { configPath: file }), expected, written);
    assert.deepEqual(Object.keys(new TILookup({ configPath: file }).loadedProviders), ["LocalTI"], written);
    assert.equal(settingsOf(file).arg("host", {}), "splunk.example", written);
  }
  // One folder written as text is that folder (MSTICPy read each letter of it as a folder).
  const cwd = tempDir("huntlab-custom-");
  const one = configFile(`QueryDefinitions:\n  Custom: ${cwd}\n`);
  assert.deepEqual(loadConfig(one).customQueryPaths, [cwd]);
});

test("~name is that local user's home folder, from /etc/passwd, as MSTICPy's expanduser reads it (it was refused)", { skip: process.platform === "win32" }, () => {
  const passwd = configFile("");
  fs.writeFileSync(passwd, ["+nisuser::0:0:::", "root:x:0:0:root:/root:/bin/bash", "svc-hunt:x:1001:1001:Hunt service,,,:/srv/hunt:/usr/sbin/nologin", "broken:line", ""].join("\n"));
  assert.equal(localUserHome("svc-hunt", passwd), "/srv/hunt");
  assert.equal(localUserHome("root", passwd), "/root");
  for (const name of ["+nisuser", "broken", "nobody-here", ""]) assert.equal(localUserHome(name, passwd), undefined, name);
  // The machine's own database: root is in every /etc/passwd.
  const rootHome = localUserHome("root");
  assert.ok(rootHome, "root is in /etc/passwd");
  assert.equal(expandHome("~root/vtcache"), path.join(rootHome, "vtcache"));
  assert.equal(expandHome("~root"), rootHome);
  const file = configFile("TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: k }, Cache: { Path: ~root/vtcache } }\nQueryDefinitions:\n  Custom: [~root/queries]\n");
  const config = loadConfig(file);
  assert.equal(config.tiProviders[0].cache.path, path.join(rootHome, "vtcache"));
  assert.equal(readPathSetting(file, "QueryDefinitions.Custom", config.customQueryPaths[0]), path.join(rootHome, "queries"));
  // An unknown user is still an error naming the setting and the user.
  const unknown = configFile("TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: k }, Cache: { Path: ~huntlab-no-such-user/c } }\n");
  assert.throws(() => loadConfig(unknown), { code: "config/invalid-setting", message: /TIProviders\.VT\.Cache\.Path: ~huntlab-no-such-user: no local user "huntlab-no-such-user" in \/etc\/passwd .*write the folder itself, or ~\/… for your own home folder$/ });
});

test("a URL setting whose host is an environment variable ($HOST, ${HOST}, %HOST%) is an error naming the setting (the request went to a host named $host); % and $ in its path are its own", async () => {
  for (const written of ["https://$VT_HOST/api", "https://${VT_HOST}:8443/", "https://user:pw@%VT_HOST%/x"]) {
    const file = configFile(`TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: k }, BaseUrl: "${written}" }\n`);
    assert.throws(() => loadConfig(file), { code: "config/invalid-setting", message: /TIProviders\.VT\.BaseUrl: environment variables \(\$NAME, \$\{NAME\}, %NAME%\) are not expanded in a URL: .*\{ EnvironmentVar: NAME \}$/ }, written);
    assert.throws(() => checkLiveUrl(written, "DataProviders.Kusto.Args.Cluster"), { code: "data/live-url", message: /^DataProviders\.Kusto\.Args\.Cluster: ".*": environment variables .* not expanded in a URL/ }, written);
  }
  assert.ok(!String((() => { try { checkLiveUrl("https://user:pw@%VT_HOST%/x", "S"); } catch (e) { return e; } })()).includes("pw@"), "no user info shown");
  const fine = "https://api.example.com/v3/%E2%80%99$x?q=%USER%";
  assert.equal(loadConfig(configFile(`TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: k }, BaseUrl: "${fine}" }\n`)).tiProviders[0].baseUrl, fine);
  assert.equal(checkLiveUrl(fine, "S").hostname, "api.example.com");
  // Splunk's host setting, as a connect() builds its URL from it.
  const splunk = configFile("DataProviders:\n  Splunk: { Args: { host: $SPLUNK_HOST, username: u, password: p } }\n");
  await assert.rejects(new QueryProvider("Splunk", { configPath: splunk, warn: () => {}, interrupt: "never" }).connect(), { code: "data/live-url", message: /DataProviders\.Splunk\.Args\.host: "https:\/\/\$SPLUNK_HOST:8089": environment variables/ });
});

test("a file that is no mapping of sections (a list, one text value) names its shape and what the file holds (zod's \"expected record, received string\")", () => {
  for (const [written, shape] of [["- TIProviders\n- DataProviders\n", "a list"], ["TIProviders DataProviders\n", "text"], ["42\n", "a number"]]) {
    assert.throws(() => loadConfig(configFile(written)), { code: "config/invalid-setting", message: new RegExp(`msticpyconfig\\.yaml: \\(top level\\): expected a mapping of sections \\(TIProviders:, DataProviders:, QueryDefinitions:, …\\), not ${shape}$`) }, written);
  }
  assert.deepEqual(loadConfig(configFile("# nothing yet\n")).tiProviders, []);
});

test("an Args value that is a set environment variable's name ($VT_KEY, ${VT_KEY}, %VT_KEY%) is not sent as the key: an error pointing to { EnvironmentVar } (a password such as $ecret, no variable, stays)", () => {
  process.env.HL_TEST_VT_KEY = "the-real-key-0042";
  delete process.env.ecret;
  try {
    for (const written of ["$HL_TEST_VT_KEY", "'${HL_TEST_VT_KEY}'", "'%HL_TEST_VT_KEY%'"]) {
      const file = configFile(`TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: ${written} } }\n  LocalTI: { Provider: LocalTI }\n`);
      assert.throws(() => loadConfig(file), { code: "config/invalid-setting", message: /TIProviders\.VT\.Args\.AuthKey: the text names the environment variable HL_TEST_VT_KEY, which is not expanded \(it was sent as written\): write AuthKey: \{ EnvironmentVar: HL_TEST_VT_KEY \}$/ }, written);
      const ti = new TILookup({ configPath: file });
      assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"], written);
      assert.match(ti.providerStatus[0].detail, /environment variable HL_TEST_VT_KEY, which is not expanded/, written);
      assert.ok(!JSON.stringify(ti.providerStatus).includes("the-real-key"), written);
      // A data provider's: said when it connects, naming the setting.
      const data = configFile(`DataProviders:\n  Splunk: { Args: { host: splunk.example, password: ${written} } }\n`);
      const warnings: string[] = [];
      createLiveSettings({ environment: "Splunk", configPath: data, warn: (m) => warnings.push(m) });
      assert.match(warnings.join("\n"), /DataProviders\.Splunk\.Args\.password is not used: the text names the environment variable HL_TEST_VT_KEY/, written);
    }
    const password = configFile("DataProviders:\n  Splunk: { Args: { host: splunk.example, password: $ecret } }\n");
    assert.equal(createLiveSettings({ environment: "Splunk", configPath: password, warn: () => {} }).arg("password", {}), "$ecret");
  } finally {
    delete process.env.HL_TEST_VT_KEY;
  }
});

test("a key written as a template's placeholder (MSTICPy's \"[PLACEHOLDER]\", <your key>, VT-API-Key) is no key: that provider is not loaded, its status naming the setting, the text not shown", () => {
  // It was loaded, and "[PLACEHOLDER]" sent to the service as the key.
  for (const written of ['"[PLACEHOLDER]"', "'<your key>'", '"<YOUR_API_KEY>"', "'{API_KEY}'", "PLACEHOLDER", "VT-API-Key", "your-api-key", "YOUR_KEY_HERE", "xxxxxxxx"]) {
    const file = configFile(`TIProviders:\n  VT: { Provider: VirusTotal, Primary: true, Args: { AuthKey: ${written} } }\n  LocalTI: { Provider: LocalTI, Primary: true }\n`);
    assert.throws(() => loadConfig(file), { code: "config/invalid-setting", message: /TIProviders\.VT\.Args\.AuthKey: the value is a template's placeholder/ }, written);
    const ti = new TILookup({ configPath: file });
    assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"], written);
    const vt = ti.providerStatus.find((s) => s.name === "VT")!;
    // One fixed text, whatever was written: the value is not echoed.
    assert.equal(vt.detail, "Not loaded: AuthKey: the value is a template's placeholder (as [PLACEHOLDER] or <your key>), not a key: write AuthKey: thevalue or AuthKey: { EnvironmentVar: NAME }.", written);
  }
  // Real keys, and other settings, are used as written.
  for (const key of ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Kx9-api-key-42", "[a1b2c3d4e5]"]) {
    const file = configFile(`TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: '${key}' } }\n`);
    assert.equal(loadConfig(file).tiProviders[0].args.AuthKey, key);
  }
});

test("a config path given as ~/… (configPath, or a quoted MSTICPYCONFIG=\"~/…\" no shell expanded) is in the home folder, not in a folder named ~", () => {
  const home = tempDir("huntlab-home-");
  const cwd = tempDir("huntlab-cwd-");
  const file = path.join(home, "hunt", "msticpyconfig.yaml");
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, "TIProviders: {}\n");
  withPlaces({ home, cwd }, () => {
    assert.equal(resolveConfigPath("~/hunt/msticpyconfig.yaml"), file);
    assert.equal(loadConfig("~/hunt/msticpyconfig.yaml").path, file);
    assert.throws(() => resolveConfigPath("~/nothing.yaml"), { code: "config/file-missing", message: new RegExp(`${path.join(home, "nothing.yaml").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) });
  });
  withPlaces({ home, cwd, env: "~/hunt/msticpyconfig.yaml" }, () => assert.equal(resolveConfigPath(), file));
});

test("a TI provider entry that is no mapping (Foo: 3) names the entry and the shape it takes, and the others load", () => {
  const file = configFile(["TIProviders:", "  Foo: 3", "  VirusTotal: [1]", "  LocalTI: { Provider: LocalTI, Primary: true }"].join("\n"));
  assert.throws(() => loadConfig(file), {
    code: "config/invalid-setting",
    message: /: TIProviders\.Foo: expected a mapping of the provider's settings \(Foo: \{ Provider: <class>, Args: \{ … \} \}\), not a number$/,
  });
  const ti = new TILookup({ configPath: file });
  assert.deepEqual(Object.keys(ti.loadedProviders), ["LocalTI"]);
  const status = Object.fromEntries(ti.providerStatus.map((s) => [s.name, s.detail]));
  assert.equal(status.Foo, "Not loaded: TIProviders.Foo: expected a mapping of the provider's settings (Foo: { Provider: <class>, Args: { … } }), not a number.");
  assert.equal(status.VirusTotal, "Not loaded: TIProviders.VirusTotal: expected a mapping of the provider's settings (VirusTotal: { Provider: <class>, Args: { … } }), not a list.");
});

test("path settings read as MSTICPy's expanduser reads them: ~ is the home folder in LocalTI's Path, GeoIPLite's DBFolder, Cache.Path and QueryDefinitions.Custom; $HOME, %USERPROFILE% and an unknown user's ~name are refused naming the setting", async () => {
  const home = tempDir("huntlab-home-");
  fs.mkdirSync(path.join(home, "feeds"));
  fs.writeFileSync(path.join(home, "feeds", "mine.csv"), "observable,type,severity,description\n203.0.113.77,ipv4,high,home feed\n");
  const cwd = tempDir("huntlab-cwd-");
  withPlaces({ home, cwd }, () => {
    // ~ expands: the feed in the home folder is read.
    const ok = configFile("TIProviders:\n  LocalTI: { Provider: LocalTI, Args: { Path: ~/feeds } }\n");
    const ti = new TILookup({ configPath: ok });
    assert.equal((ti.loadedProviders.LocalTI as unknown as { feedPath: string }).feedPath, path.join(home, "feeds"));
    for (const written of ["$HOME/feeds", "${HOME}/feeds", "%USERPROFILE%/feeds", "~huntlab-no-such-user/feeds"]) {
      // LocalTI: not loaded, its status naming the setting (it looked for the feed in a folder named `$HOME`).
      const file = configFile(`TIProviders:\n  LocalTI: { Provider: LocalTI, Args: { Path: "${written}" } }\n  Other: { Provider: LocalTI }\n`);
      const lookup = new TILookup({ configPath: file });
      assert.deepEqual(Object.keys(lookup.loadedProviders), ["Other"], written);
      assert.match(lookup.providerStatus[0].detail, /^Not loaded: ConfigError: .*msticpyconfig\.yaml: TIProviders\.LocalTI\.Args\.Path: (environment variables|~huntlab-no-such-user: no local user)/, written);
      // Cache.Path: the same rule (it made a folder named `$HOME`, or `~bob`, in the config's folder).
      const cache = configFile(`TIProviders:\n  VT: { Provider: VirusTotal, Args: { AuthKey: k }, Cache: { Path: "${written}" } }\n`);
      assert.throws(() => loadConfig(cache), { code: "config/invalid-setting", message: /TIProviders\.VT\.Cache\.Path: (environment variables|~huntlab-no-such-user: no local user)/ }, written);
      // GeoIPLite's DBFolder: looked in `./$HOME/GeoLite2` and said the database was missing.
      const geo = configFile(`OtherProviders:\n  GeoIPLite: { Provider: GeoLiteLookup, Args: { DBFolder: "${written}" } }\n`);
      assert.throws(() => GeoIpDatabase.open({ database: "geolite", configPath: geo }), { code: "context/geo-config-invalid", message: /Args\.DBFolder: (environment variables|~huntlab-no-such-user: no local user)/ }, written);
      // QueryDefinitions.Custom: "not found: …/$HOME/queries".
      const queries = configFile(`QueryDefinitions:\n  Custom: ["${written}"]\n`);
      assert.throws(() => new QueryProvider("LocalData", { configPath: queries }), { code: "config/invalid-setting", message: /QueryDefinitions\.Custom: (environment variables|~huntlab-no-such-user: no local user)/ }, written);
    }
    // DBFolder's ~ is the home folder (the database is looked for there).
    const geo = configFile("OtherProviders:\n  GeoIPLite: { Provider: GeoLiteLookup, Args: { DBFolder: ~/GeoLite2 } }\n");
    assert.throws(() => GeoIpDatabase.open({ database: "geolite", configPath: geo }), { code: "context/geo-db-missing", message: new RegExp(path.join(home, "GeoLite2").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) });
  });
});
