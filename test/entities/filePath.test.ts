/**
 * File paths as logs write them, cut into a File's Directory and Name (src/entities/filePath.ts) and keyed as the file
 * systems compare them: Windows drives, POSIX paths, UNC shares, Win32 namespace paths (`\\?\`, `\??\`, `\\.\`),
 * separators at the end, roots alone, lone names, and paths of any length.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { File, Process, Host } from "../../src/entities";
import { splitFilePath } from "../../src/entities/filePath";
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
