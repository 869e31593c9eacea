/**
 * Differences from MSTICPy's regexes found by differential testing that were
 * defects here (not deliberate): each test names what was reported before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pl from "nodejs-polars";
import { IoCExtract } from "../../src/transform/iocExtract";

const iocs = new IoCExtract();
const ALL = ["ipv4", "ipv6", "dns", "url", "email", "windows_path", "linux_path", "md5_hash", "sha1_hash", "sha256_hash"];
const of = (text: string, type: string) => iocs.extractText(text, { iocTypes: ALL })[type] ?? [];

test("email: an apostrophe between local-part characters is part of the address (o'brien@evil.com was cut to brien@evil.com)", () => {
  assert.deepEqual(of("mail o'brien@evil.com now", "email"), ["o'brien@evil.com"]);
  assert.deepEqual(of("to: d'arcy@contoso.com", "email"), ["d'arcy@contoso.com"]);
  // A quote that opens or closes a quoted string is not part of it.
  assert.deepEqual(of("from 'bob@evil.com' and user='o'brien@evil.com'", "email"), ["bob@evil.com", "o'brien@evil.com"]);
  assert.deepEqual(of("x ''bob@evil.com", "email"), ["bob@evil.com"]);
  // An opening quote after cmd's `&`, a `!` or a letter is no part of the address either (the quote and the word before it were kept).
  assert.deepEqual(of("echo x&'bob@evil.com'&echo y", "email"), ["bob@evil.com"]);
  assert.deepEqual(of("net use&'john.doe@evil.com' run!'a+b@evil.com' x&'o'brien@evil.com'", "email"), ["john.doe@evil.com", "a+b@evil.com", "o'brien@evil.com"]);
});

test("linux paths: the backslash of an escaped quote after a path is not part of it (/tmp/x.sh\\ was reported)", () => {
  assert.deepEqual(of('bash -c \\"/tmp/x.sh\\"', "linux_path"), ["/tmp/x.sh"]);
  assert.deepEqual(of('{"cmd":"sh -c \\"./run.sh\\""}', "linux_path"), ["./run.sh"]);
});

test("closing typographic quotes, guillemets, backticks and an unmatched ) after a URL or path are not part of it", () => {
  assert.deepEqual(of("see \u201chttps://evil.com/payload.exe\u201d.", "url"), ["https://evil.com/payload.exe"]);
  assert.deepEqual(of("\u00abhttp://evil.com/a\u00bb `http://evil.com/b` \u2018http://evil.com/c\u2019 \u2039http://evil.com/d\u203a", "url"), ["http://evil.com/a", "http://evil.com/b", "http://evil.com/c", "http://evil.com/d"]);
  assert.deepEqual(of("run (C:\\Windows\\System32\\cmd.exe) now, \u201cC:\\Temp\\a.exe\u201d `D:\\x\\y.ps1`", "windows_path"), ["C:\\Windows\\System32\\cmd.exe", "C:\\Temp\\a.exe", "D:\\x\\y.ps1"]);
  assert.deepEqual(of("(see /etc/passwd)", "linux_path"), ["/etc/passwd"]);
  assert.deepEqual(of("run \u201c/tmp/a.sh\u201d", "linux_path"), ["/tmp/a.sh"]);
  // A balanced ) stays: it is part of the name.
  assert.deepEqual(of("C:\\Program Files (x86)\\App\\run(1).exe", "windows_path"), ["C:\\Program Files (x86)\\App\\run(1).exe"]);
  assert.deepEqual(of("/opt/x/file(1).txt", "linux_path"), ["/opt/x/file(1).txt"]);
});

test("url: the unspecified address [::] is a URL host (http://[::]:8080/x was not found); bare :: is still no ipv6 indicator", () => {
  assert.deepEqual(of("listen http://[::]:8080/x and http://[::1]/y", "url"), ["http://[::]:8080/x", "http://[::1]/y"]);
  assert.deepEqual(of("std::vector :: x", "ipv6"), []);
  assert.deepEqual(of("http://[::]:8080/x", "ipv6"), []);
});

test("ipv6: eight fields written with :: at either end are found (1:2:3:4:5:6:7:: and ::2:3:4:5:6:7:8 were missed)", () => {
  assert.deepEqual(of("a 1:2:3:4:5:6:7:: b ::2:3:4:5:6:7:8 c", "ipv6"), ["1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8"]);
  // Nine fields are no address.
  assert.deepEqual(of("a 1:2:3:4:5:6:7:8:9 b 1:2:3:4:5:6:7:8:: c", "ipv6"), []);
});

test("IDN: internationalised domains and URL hosts are found as written (https://b\u00fccher.de/x and a Cyrillic look-alike gave nothing)", () => {
  assert.deepEqual(of("https://b\u00fccher.de/x", "url"), ["https://b\u00fccher.de/x"]);
  assert.deepEqual(of("https://b\u00fccher.de/x", "dns"), ["b\u00fccher.de"]);
  // A mixed-script look-alike (Cyrillic \u0430) is reported: it is what a hunter needs to see.
  const lookalike = iocs.extractText("login at https://\u0430pple.com/login", { iocTypes: ALL });
  assert.deepEqual(lookalike.url, ["https://\u0430pple.com/login"]);
  assert.deepEqual(lookalike.dns, ["\u0430pple.com"]);
  assert.deepEqual(of("visit b\u00fccher.de now, \u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444 and M\u00dcNCHEN.example.com", "dns"), ["b\u00fccher.de", "\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "M\u00dcNCHEN.example.com"]);
  assert.deepEqual(of("mail info@b\u00fccher.de", "email"), ["info@b\u00fccher.de"]);
  // The TLD is checked on its A-label (xn--p1ai is .\u0440\u0444); words joined by a dot are no domain.
  assert.deepEqual(of("Gr\u00f6\u00dfe.Gesamt, b\u00fccher.notatld, evil.com\u044f", "dns"), []);
  assert.deepEqual(iocs.extractText("b\u00fccher.notatld", { ignoreTlds: true }).dns, ["b\u00fccher.notatld"]);
  // A label IDNA refuses (it starts with a combining mark) is not cut to its ASCII part, in text or as a URL host.
  assert.deepEqual(of("x \u0301abc.com y", "dns"), []);
  assert.deepEqual(of("http://\u0301abc.com/x", "url"), []);
  // Percent-escaped, as browsers send it: found decoded as well.
  assert.ok(of("http://b%C3%BCcher.de/x", "url").includes("http://b\u00fccher.de/x"));
  // Classification and DataFrames (the polars screen) agree.
  assert.equal(iocs.getIocType("b\u00fccher.de"), "dns");
  assert.equal(iocs.getIocType("https://\u0430pple.com/login"), "url");
  const df = iocs.extract(pl.DataFrame({ t: ["\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "to \u0438\u0432\u0430\u043d@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444"] }), { columns: "t" });
  assert.deepEqual((df.toRecords() as { Observable: string }[]).map((r) => r.Observable).sort(), ["\u0438\u0432\u0430\u043d@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444", "\u043f\u043e\u0447\u0442\u0430.\u0440\u0444", "\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"]);
});

test("windows paths: an environment variable is a root (%TEMP%\\evil.bat gave nothing, %APPDATA%\\Microsoft\\x.exe gave \\Microsoft\\x.exe)", () => {
  const paths = (text: string) => of(text, "windows_path");
  assert.deepEqual(paths("%TEMP%\\evil.bat"), ["%TEMP%\\evil.bat"]);
  assert.deepEqual(paths("copy a %APPDATA%\\Microsoft\\x.exe /y"), ["%APPDATA%\\Microsoft\\x.exe"]);
  assert.deepEqual(paths("start \"\" \"%ProgramFiles(x86)%\\App\\a.exe\""), ["%ProgramFiles(x86)%\\App\\a.exe"]);
  assert.deepEqual(paths("iex $env:TEMP\\x.exe; & $Env:LocalAppData\\t\\y.ps1"), ["$env:TEMP\\x.exe", "$Env:LocalAppData\\t\\y.ps1"]);
  // A space before such a root ends the path before it.
  assert.deepEqual(paths("C:\\a\\b.exe %TEMP%\\c.exe"), ["C:\\a\\b.exe", "%TEMP%\\c.exe"]);
  // Not a variable: no root, so a folder is still needed; PowerShell's env: drive is unchanged.
  for (const text of ["50% \\x", "100%\\y", "%%\\z", "$env:\\Path", "Get-Content env:\\Path"]) assert.deepEqual(paths(text), [], text);
});

test("url: a URL after an opening typographic quote ends at its closing quote (“https://a.example/x”,“https://b.example/y” was one URL)", () => {
  assert.deepEqual(of("\u201chttps://a.example/x\u201d,\u201chttps://b.example/y\u201d", "url"), ["https://a.example/x", "https://b.example/y"]);
  assert.deepEqual(of("\u2018https://a.example/x\u2019;\u2018https://b.example/y?q=1\u2019", "url"), ["https://a.example/x", "https://b.example/y?q=1"]);
  assert.deepEqual(of("\u00abhttp://a.example/x\u00bb\u00abhttp://b.example/y\u00bb", "url"), ["http://a.example/x", "http://b.example/y"]);
  assert.deepEqual(of("\u201ehttps://a.example/x\u201c und \u201ehttps://b.example/y\u201d,\u201ehttps://c.example/z\u201c", "url"), ["https://a.example/x", "https://b.example/y", "https://c.example/z"]);
  assert.deepEqual(of("\u201ahttps://a.example/x\u2018\u2039https://b.example/y\u203a\u00bbhttps://c.example/z\u00ab", "url"), ["https://a.example/x", "https://b.example/y", "https://c.example/z"]);
  assert.deepEqual(of("\u300chttps://a.example/x\u300d\u300ehttps://b.example/y\u300f", "url"), ["https://a.example/x", "https://b.example/y"]);
  // Quoted, a ’ inside is still kept when the quotation is “…”: only its own closing quote ends it.
  assert.deepEqual(of("\u201chttps://a.example/l\u2019\u00e9t\u00e9/x\u201d", "url"), ["https://a.example/l\u2019\u00e9t\u00e9/x"]);
  // In ‘…’ the closing quote is also the apostrophe: between letters or digits it stays in the path.
  assert.deepEqual(of("\u2018https://fr.example/l\u2019\u00e9t\u00e9\u2019", "url"), ["https://fr.example/l\u2019\u00e9t\u00e9"]);
  assert.deepEqual(of("\u2018https://x.example/don\u2019t-click\u2019 and \u2018https://y.example/z\u2019", "url"), ["https://x.example/don\u2019t-click", "https://y.example/z"]);
  // No opening quote before it: a ’ in the path is part of the URL.
  assert.deepEqual(of("see https://a.example/l\u2019\u00e9t\u00e9/x.html now", "url"), ["https://a.example/l\u2019\u00e9t\u00e9/x.html"]);
});
