/**
 * File paths as logs write them, cut into a File's Directory and Name (src/entities/filePath.ts) and keyed as the file
 * systems compare them: Windows drives, POSIX paths, UNC shares, Win32 namespace paths (`\\?\`, `\??\`, `\\.\`),
 * separators at the end, roots alone, lone names, and paths of any length.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { File, Process, Host } from "../../src/entities";
import { fileOsOf, splitFilePath } from "../../src/entities/filePath";
import { assertLinear } from "../helpers/linearTime";

describe("splitFilePath and File's FullPath", () => {
  it("cuts each form of path into folder and name, and FullPath writes it back", () => {
    // [path, Directory, Name, FullPath]
    const cases: [string, string | undefined, string | undefined, string][] = [
      ["C:\\Users\\Public\\p.ps1", "C:\\Users\\Public", "p.ps1", "C:\\Users\\Public\\p.ps1"],
      ["C:\\x.exe", "C:\\", "x.exe", "C:\\x.exe"],
      ["C:/Users/x.txt", "C:/Users", "x.txt", "C:/Users/x.txt"],
      ["/tmp/x.sh", "/tmp", "x.sh", "/tmp/x.sh"],
      // A file at the root keeps the root: `/etc` was the name alone (Directory ""), keyed as a lone Windows name.
      ["/etc", "/", "etc", "/etc"],
      ["\\\\fs01\\share\\tools\\x.exe", "\\\\fs01\\share\\tools", "x.exe", "\\\\fs01\\share\\tools\\x.exe"],
      ["\\\\fs01\\share\\x.exe", "\\\\fs01\\share", "x.exe", "\\\\fs01\\share\\x.exe"],
      ["//fs01/share/x.exe", "//fs01/share", "x.exe", "//fs01/share/x.exe"],
      ["\\\\?\\C:\\Windows\\Temp\\a.dll", "\\\\?\\C:\\Windows\\Temp", "a.dll", "\\\\?\\C:\\Windows\\Temp\\a.dll"],
      ["\\\\?\\C:\\a.dll", "\\\\?\\C:\\", "a.dll", "\\\\?\\C:\\a.dll"],
      ["\\??\\C:\\Windows\\x.sys", "\\??\\C:\\Windows", "x.sys", "\\??\\C:\\Windows\\x.sys"],
      ["\\\\?\\UNC\\fs01\\share\\x.exe", "\\\\?\\UNC\\fs01\\share", "x.exe", "\\\\?\\UNC\\fs01\\share\\x.exe"],
      ["\\\\.\\pipe\\evil", "\\\\.\\pipe", "evil", "\\\\.\\pipe\\evil"],
      // Separators at the end: the folder named last.
      ["C:\\Temp\\dir\\", "C:\\Temp", "dir", "C:\\Temp\\dir"],
      ["/var/tmp/d///", "/var/tmp", "d", "/var/tmp/d"],
      ["C:\\a\\\\b", "C:\\a", "b", "C:\\a\\b"],
      // A root or a share alone: a folder without a name.
      ["C:\\", "C:\\", undefined, "C:\\"],
      ["/", "/", undefined, "/"],
      ["\\\\fs01\\share\\", "\\\\fs01\\share", undefined, "\\\\fs01\\share"],
      // A lone name, a path relative to a folder or to drive C's current folder.
      ["x.exe", undefined, "x.exe", "x.exe"],
      ["dir\\x.exe", "dir", "x.exe", "dir\\x.exe"],
      ["C:x.exe", undefined, "C:x.exe", "C:x.exe"],
      ["\\Windows\\x.exe", "\\Windows", "x.exe", "\\Windows\\x.exe"],
      // `///` is a Linux path (not a UNC share), a backslash in it makes it a Windows one.
      ["///srv/X", "///srv", "X", "///srv/X"],
    ];
    for (const [path, Directory, Name, FullPath] of cases) {
      assert.deepEqual(splitFilePath(path), { ...(Directory !== undefined ? { Directory } : {}), ...(Name !== undefined ? { Name } : {}) }, path);
      const file = new File(path);
      assert.deepEqual([file.Directory, file.Name, file.FullPath], [Directory, Name, FullPath], path);
    }
    assert.deepEqual(splitFilePath(""), {});
  });

  it("keys: a Win32 namespace path is the file its rest names; separators at the end, a root kept, Linux case kept", () => {
    const key = (p: string) => new File(p).key;
    assert.equal(key("\\\\?\\C:\\Windows\\System32\\conhost.exe"), key("C:\\Windows\\System32\\conhost.exe"));
    assert.equal(key("\\??\\C:\\Windows\\x.sys"), key("c:\\windows\\X.SYS"));
    assert.equal(key("\\\\.\\C:\\x"), key("C:\\x"));
    assert.equal(key("\\\\?\\UNC\\FS01\\share\\x.exe"), key("\\\\fs01\\share\\x.exe"));
    assert.equal(key("//?/unc/fs01/share/x.exe"), key("\\\\fs01\\share\\x.exe"));
    assert.notEqual(key("\\\\.\\pipe\\x"), key("pipe\\x"));
    assert.equal(key("C:\\Temp\\dir\\"), key("C:\\Temp\\dir"));
    assert.equal(key("/etc/passwd"), "file:/etc/passwd");
    assert.equal(key("/etc"), "file:/etc", "a file at the root is no lone Windows name");
    assert.notEqual(key("/Tmp/x"), key("/tmp/x"));
    // A process of a `\\?\` image (Sysmon writes conhost.exe so) is the process of its plain path.
    const proc = (image: string) => new Process({ ProcessId: "7", ImageFile: new File(image), Host: new Host("WS01") }).key;
    assert.equal(proc("\\\\?\\C:\\Windows\\system32\\conhost.exe"), proc("C:\\Windows\\System32\\conhost.exe"));
  });

  it("a folder given without a name is its own FullPath (it gained a separator)", () => {
    assert.equal(new File({ Directory: "C:\\Temp" }).FullPath, "C:\\Temp");
    assert.equal(new File({ Directory: "C:\\Temp" }).key, new File("C:\\Temp\\").key);
  });

  it("is linear in the path: many separators, a long name, a long server name", () => {
    assertLinear("splitFilePath, separators", (n) => `C:\\${"a\\".repeat(n / 2)}x`, (s) => void new File(s).key, { size: 256 * 1024 });
    assertLinear("splitFilePath, separators at the end", (n) => `C:\\x${"\\".repeat(n)}`, (s) => void new File(s).key, { size: 256 * 1024 });
    assertLinear("splitFilePath, UNC", (n) => `\\\\?\\UNC\\${"s".repeat(n)}`, (s) => void new File(s).key, { size: 256 * 1024 });
    const long = `C:\\${"d".repeat(40_000)}\\x.exe`;
    assert.deepEqual([new File(long).Name, new File(long).Directory?.length], ["x.exe", 40_003]);
  });
});

describe("fileOsOf and File's OSFamily and PathSeparator (MSTICPy's File)", () => {
  it("a POSIX path is Linux and /, any other Windows and its separator; a drive or UNC path with slashes stays Windows", () => {
    // [path, OSFamily, PathSeparator]
    const cases: [string, string, string][] = [
      ["C:\\Users\\Public\\p.ps1", "Windows", "\\"],
      ["/tmp/x.sh", "Linux", "/"],
      ["/", "Linux", "/"],
      ["/home/bob/back\\slash", "Windows", "\\"], // a backslash: not read as POSIX (isPosixPath), as it is split
      ["C:/Users/x.txt", "Windows", "/"], // MSTICPy: any `/` is Linux
      ["//srv/share/x.txt", "Windows", "/"],
      ["\\\\srv\\share\\f.txt", "Windows", "\\"],
      ["\\\\?\\C:\\Windows\\x.dll", "Windows", "\\"],
      ["x.exe", "Windows", "\\"], // a lone name: MSTICPy's default
      ["logs/a.txt", "Windows", "/"],
    ];
    for (const [path, os, sep] of cases) {
      assert.deepEqual(fileOsOf(path), { OSFamily: os, PathSeparator: sep }, path);
      const f = new File(path);
      assert.deepEqual([f.OSFamily, f.PathSeparator], [os, sep], `new File(${JSON.stringify(path)})`);
    }
    assert.equal(fileOsOf(""), undefined);
    // A relative path names no OS: a given Linux is kept, and its separator is /.
    assert.deepEqual(fileOsOf("logs/a.txt", "Linux"), { OSFamily: "Linux", PathSeparator: "/" });
    assert.deepEqual(fileOsOf("C:\\x", "Linux"), { OSFamily: "Windows", PathSeparator: "\\" });
  });

  it("Directory and Name without a FullPath: read from the folder, joined with the File's separator as MSTICPy joins them", () => {
    const linux = new File({ Directory: "/var/tmp", Name: "x.sh" });
    assert.deepEqual([linux.OSFamily, linux.PathSeparator, linux.FullPath], ["Linux", "/", "/var/tmp/x.sh"]);
    const windows = new File({ Directory: "C:\\Temp", Name: "a.exe" });
    assert.deepEqual([windows.OSFamily, windows.PathSeparator, windows.FullPath], ["Windows", "\\", "C:\\Temp\\a.exe"]);
    // A folder without a separator: the given OSFamily says which one joins it (MSTICPy's path_separator).
    assert.equal(new File({ Directory: "tmp", Name: "x.sh", OSFamily: "Linux" }).FullPath, "tmp/x.sh");
    assert.equal(new File({ Directory: "tmp", Name: "x.sh", PathSeparator: "/" }).FullPath, "tmp/x.sh");
    assert.equal(new File({ Directory: "tmp", Name: "x.exe" }).FullPath, "tmp\\x.exe");
    // Junk as a separator never reaches the path; given values are kept as given (an alert's own).
    const junk = new File({ Directory: "tmp", Name: "x", PathSeparator: "<b>" });
    assert.deepEqual([junk.FullPath, junk.PathSeparator, junk.OSFamily], ["tmp\\x", "<b>", "Windows"]);
    const given = new File({ FullPath: "/tmp/x", OSFamily: "Windows" });
    assert.deepEqual([given.OSFamily, given.PathSeparator], ["Windows", "/"]);
  });

  it("a File without a path names no OS (a hash alone); the properties show in its JSON and card, escaped", () => {
    const hashOnly = new File({ Sha256: "a".repeat(64) });
    assert.deepEqual([hashOnly.OSFamily, hashOnly.PathSeparator], [undefined, undefined]);
    const f = new File("/tmp/<img src=x>.sh");
    assert.deepEqual([f.toJSON().OSFamily, f.toJSON().PathSeparator], ["Linux", "/"]);
    assert.match(f.toHtml(), /OSFamily<\/th><td[^>]*>Linux</);
    assert.doesNotMatch(f.toHtml(), /<img src=x>/);
  });
});
