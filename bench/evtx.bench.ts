/**
 * Windows event logs read directly (src/data/schemas/evtx.ts): the 2 MB Security sample of the tests
 * (test/fixtures/evtx/security.evtx.gz, 2,261 records of 31 event ids, 110 field columns) and the 1 MB Sysmon one,
 * decompressed once to bench/out/evtx/: the records alone (chunks, BinXml, templates), and the whole read
 * (`readDataFile`: records and the frame); then the Security sample's chunks repeated to 16 MB, for the scaling; and a
 * generated 16 MB `wevtutil qe /f:xml` export through `readDataFile`.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { readDataFile } from "../src/data/readers";
import { evtxRecords } from "../src/data/schemas/evtx";
import { measure, report } from "./harness";

const OUT = path.join(__dirname, "out", "evtx");
const FIXTURES = path.join(__dirname, "..", "test", "fixtures", "evtx");

/** The fixture `name` (gzip), decompressed to bench/out/evtx/ once. */
function sample(name: string): string {
  const file = path.join(OUT, name.replace(/\.gz$/, ""));
  if (!fs.existsSync(file)) {
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(file, zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, name))));
  }
  return file;
}

/** `file`'s chunks repeated to `mb` MiB behind its file header. */
function repeated(file: string, mb: number): string {
  const out = path.join(OUT, `${path.basename(file, ".evtx")}-${mb}MB.evtx`);
  if (!fs.existsSync(out)) {
    const bytes = fs.readFileSync(file);
    const chunks = bytes.subarray(4096);
    fs.writeFileSync(out, Buffer.concat([bytes.subarray(0, 4096), ...Array.from({ length: Math.ceil((mb << 20) / chunks.length) }, () => chunks)]));
  }
  return out;
}

/** A generated `wevtutil qe /f:xml` export of about `mb` MiB (Security 4625 and Sysmon 1 events), written once. */
function xmlExport(mb: number): string {
  const out = path.join(OUT, `events-${mb}MB.xml`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(OUT, { recursive: true });
    const event = (id: number) =>
      `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID>` +
      `<TimeCreated SystemTime='2026-05-31T19:00:0${id % 10}.1234567Z'/><EventRecordID>${id}</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel>` +
      `<Computer>WS0${id % 7}</Computer></System><EventData><Data Name='ProcessId'>${id % 9000}</Data><Data Name='Image'>C:\\Windows\\System32\\cmd.exe</Data>` +
      `<Data Name='CommandLine'>cmd.exe /c &quot;echo ${id} &amp; dir&quot;</Data><Data Name='ParentProcessId'>${id % 777}</Data><Data Name='User'>CORP\\u${id % 50}</Data></EventData></Event>\r\n`;
    const parts: string[] = [];
    let size = 0;
    for (let id = 1; size < mb << 20; id++) size += parts[parts.push(event(id)) - 1].length;
    fs.writeFileSync(out, parts.join(""));
  }
  return out;
}

export async function run(): Promise<void> {
  const notEvtx = (detail: string) => new Error(detail);
  const rows = [];
  for (const [label, file] of [
    ["Security 2 MB", sample("security.evtx.gz")],
    ["Sysmon 1 MB", sample("Microsoft-Windows-Sysmon%4Operational.evtx.gz")],
    ["Security ×8, 16 MB", repeated(sample("security.evtx.gz"), 16)],
  ] as const) {
    const count = evtxRecords(file, notEvtx).records.length;
    const size = fs.statSync(file).size / 2 ** 20;
    const rate = (ms: number) => `${Math.round((count / ms) * 1000).toLocaleString("en-US")} records/s, ${(size / (ms / 1000)).toFixed(1)} MB/s`;
    const records = await measure(`${label}: records (${count.toLocaleString("en-US")})`, () => evtxRecords(file, notEvtx), { release: true });
    const whole = await measure(`${label}: readDataFile (records + frame)`, () => readDataFile(file), { release: true });
    rows.push({ ...records, note: rate(records.medianMs) }, { ...whole, note: rate(whole.medianMs) });
  }
  // wevtutil's XML, read in 1 MiB blocks (eventXmlFile.ts).
  const xml = xmlExport(16);
  const events = readDataFile(xml).height;
  const xmlRead = await measure(`wevtutil XML 16 MB (${events.toLocaleString("en-US")} events): readDataFile`, () => readDataFile(xml), { release: true });
  rows.push({ ...xmlRead, note: `${Math.round((events / xmlRead.medianMs) * 1000).toLocaleString("en-US")} events/s` });
  report("EVTX: omerbenamram/evtx's samples read directly", rows);
}
