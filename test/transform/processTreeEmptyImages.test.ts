/**
 * An image column with no value in any row (null, empty or blank: a column chosen in an export but not filled, a
 * Splunk field not extracted, an OCSF sensor that fills `process.name` only, osquery without root) counts as absent
 * in every layout, not only ECS's `process.executable`: the layout whose images are there is chosen (a `… (file
 * names)` layout, or another layout's columns), and where none is, the tree is built with a warning naming the column.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import pl from "nodejs-polars";
import { normalizeEvents } from "../../src";
import { readDataFile } from "../../src/data/readers";
import { detectEventSchema } from "../../src/data/schemas/index";
import { buildProcessTree, processTreeSchema } from "../../src/transform/processTree";
import { inferProcSchema } from "../../src/transform/processTreeSchema";
import { tempDir } from "../helpers/tmp";

const FIXTURES = path.join(__dirname, "..", "fixtures", "schemas", "process");
const col = (df: pl.DataFrame, name: string) => df.getColumn(name).toArray() as unknown[];

/** `df` with `columns` emptied: null (as a CSV reader gives a blank column) or blank text (a frame built by hand, a Splunk export). */
function emptied(df: pl.DataFrame, columns: string[], value: null | string): pl.DataFrame {
  return df.withColumns(...columns.map((c) => pl.lit(value).cast(pl.Utf8).alias(c)));
}

/** The tree's real (not inferred) rows' values of `column`, and the warnings of its build. */
function built(df: pl.DataFrame, column: string): { images: unknown[]; warnings: string[]; tree: pl.DataFrame } {
  const warnings: string[] = [];
  const tree = buildProcessTree(df, { warn: (m) => warnings.push(m) });
  return { images: col(tree.filter(pl.col("IsInferred").not()), column), warnings, tree };
}

describe("image columns with no value in any row", () => {
  for (const value of [null, "", " "] as const) {
    it(`OCSF whose process.file.path is ${JSON.stringify(value)} in every row: read in the file-name layout, the tree's images are process.name`, () => {
      const full = readDataFile(path.join(FIXTURES, "ocsf.ndjson"));
      const df = emptied(full, ["process.file.path", "process.parent_process.file.path"], value);
      const names = new Set(col(full.filter(pl.col("type_uid").eq(100701)), "process.name"));
      assert.equal(inferProcSchema(df)?.name, "OCSF Process Activity (file names)");
      assert.equal(processTreeSchema(df).name, "OCSF Process Activity (file names)");
      assert.equal(detectEventSchema(df, "process").name, "OCSF Process Activity (file names)");
      const { images, warnings } = built(df, "process.name");
      assert.ok(images.length > 0 && images.every((i) => typeof i === "string" && names.has(i)), `images: ${images.join(", ")}`);
      assert.deepEqual(warnings, []);
      assert.ok(col(normalizeEvents(df, "process"), "NewProcessName").every((i) => typeof i === "string" && names.has(i)));
      // With its paths the full layout is read as before.
      assert.equal(inferProcSchema(full)?.name, "OCSF Process Activity");
    });
  }

  it("OCSF whose process.file.path is Categorical and blank in every row (a Parquet file's dictionary strings) is read in the file-name layout", () => {
    const full = readDataFile(path.join(FIXTURES, "ocsf.ndjson"));
    const df = full.withColumns(...["process.file.path", "process.parent_process.file.path"].map((c) => pl.lit(" ").cast(pl.Utf8).cast(pl.Categorical).alias(c)));
    assert.equal(processTreeSchema(df).name, "OCSF Process Activity (file names)");
    assert.equal(detectEventSchema(df, "process").name, "OCSF Process Activity (file names)");
    // With its paths Categorical, the full layout as before.
    assert.equal(processTreeSchema(full.withColumns(pl.col("process.file.path").cast(pl.Categorical))).name, "OCSF Process Activity");
  });

  it("SentinelOne whose tgt.process.image.path was not exported with values: tgt.process.name and src.process.name are the images", () => {
    const full = readDataFile(path.join(FIXTURES, "sentinelone_dv.csv"));
    const df = emptied(full, ["tgt.process.image.path", "src.process.image.path", "src.process.parent.image.path"], null);
    assert.equal(processTreeSchema(df).name, "SentinelOne Deep Visibility (file names)");
    const { images, warnings, tree } = built(df, "tgt.process.name");
    const real = full.filter(pl.col("event.type").eq(pl.lit("Process Creation")));
    assert.deepEqual(images.sort(), col(real, "tgt.process.name").sort());
    assert.deepEqual(warnings, []);
    assert.ok(col(tree, "proc_key").every((k) => !String(k).startsWith("|")), "every key names its image");
    assert.equal(inferProcSchema(full)?.name, "SentinelOne Deep Visibility");
  });

  it("an osquery processes snapshot whose path is empty (osquery without root): columns.name is the image, the tree links pid ← parent", () => {
    const T0 = 1772359200;
    const rows = [
      [1, 0, "systemd", T0 - 86400],
      [900, 1, "sshd", T0 - 86000],
      [2200, 900, "bash", T0],
    ] as const;
    const line = {
      name: "pack_hunting_processes",
      hostIdentifier: "web-01",
      calendarTime: "Sun Mar  1 10:01:00 2026 UTC",
      unixTime: T0 + 60,
      epoch: 0,
      counter: 0,
      numerics: false,
      snapshot: rows.map(([pid, parent, name, start]) => ({ pid: String(pid), parent: String(parent), name, path: "", cmdline: "", start_time: String(start), state: "S", uid: "0" })),
      action: "snapshot",
    };
    const file = path.join(tempDir(), "osquery-nopath.log");
    fs.writeFileSync(file, JSON.stringify(line) + "\n");
    const raw = readDataFile(file);
    assert.equal(detectEventSchema(raw, "process").name, "osquery processes (file names)");
    const df = normalizeEvents(raw, "process");
    assert.deepEqual(col(df, "NewProcessName"), ["systemd", "sshd", "bash"]);
    const { tree, warnings } = built(df, "NewProcessName");
    assert.deepEqual(warnings, []);
    const bash = tree.filter(pl.col("columns.name").eq(pl.lit("bash")));
    const systemd = tree.filter(pl.col("columns.name").eq(pl.lit("systemd")));
    assert.equal(Number(bash.getColumn("Level").get(0)) - Number(systemd.getColumn("Level").get(0)), 2, "systemd → sshd → bash");
  });

  it("a frame of Sysmon's and 4688's columns whose Sysmon Image is empty: read in the 4688 layout, whose images are there", () => {
    const sec = readDataFile(path.join(FIXTURES, "win4688-securityevent.csv"));
    const df = sec.withColumns(pl.lit(null).cast(pl.Utf8).alias("Image"), pl.col("NewProcessId").alias("ParentProcessId"), pl.col("TimeGenerated").alias("UtcTime"), pl.lit("x").alias("ParentImage"));
    assert.equal(processTreeSchema(df).name, "Windows 4688");
    const { images, warnings } = built(df, "NewProcessName");
    assert.ok(images.length > 0 && images.every((i) => typeof i === "string" && i.length > 0));
    assert.deepEqual(images.sort(), built(sec, "NewProcessName").images.sort(), "the tree of the 4688 columns alone");
    assert.deepEqual(warnings, []);
  });

  it("a Sysmon export whose Image is blank, no layout reading images elsewhere: built in its layout, with a warning naming the column", () => {
    const full = readDataFile(path.join(FIXTURES, "sysmon1.csv"));
    for (const value of [null, ""]) {
      const df = emptied(full, ["Image"], value);
      assert.equal(processTreeSchema(df).name, "Sysmon 1");
      const { warnings, tree } = built(df, "Image");
      assert.equal(tree.filter(pl.col("IsInferred").not()).height, built(full, "Image").images.length);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /image column Image \(layout Sysmon 1\) holds no value in any row/);
    }
    // Its images there: no warning.
    assert.deepEqual(built(full, "Image").warnings, []);
  });
});
