/**
 * Entity keys: the identity alert graphs link on. Same thing → same key
 * (case, notation, domain suffix); different things → different keys; an
 * entity with no identity keys only itself. Checked on the keys and through
 * createAlertGraph + addRelatedAlerts (no false edge, the true ones kept).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Account, Alert, Dns, ENTITY_CLASSES, File, FileHash, GeoLocation, Host, HostLogonSession, Ip, Malware, Process, SecurityAlert, UnknownEntity, Url } from "../../src/entities";
import { addRelatedAlerts, createAlertGraph } from "../../src/vis/alertGraph";
import { EntityGraph, EntityGraphView } from "../../src/vis/entityGraph";

const same = (a: { key: string }, b: { key: string }, why: string): void => assert.equal(a.key, b.key, why);
const differ = (a: { key: string }, b: { key: string }, why: string): void => assert.notEqual(a.key, b.key, why);

describe("entity keys", () => {
  it("hosts: IP-shaped names stay whole and normalised; names cut at the first dot", () => {
    differ(new Host({ HostName: "10.0.0.1" }), new Host({ HostName: "10.2.3.4" }), "two addresses in 10/8");
    differ(new Host({ HostName: "192.168.1.5" }), new Host({ HostName: "192.168.7.9" }), "two addresses in 192.168/16");
    differ(new Host({ HostName: "10.0.0.01" }), new Host({ HostName: "10.0.0.02" }), "digits and dots that are no valid address");
    assert.equal(new Host({ HostName: "10.0.0.1" }).key, "host:10.0.0.1");
    same(new Host({ HostName: " 10.0.0.1 " }), new Host({ HostName: "10.0.0.1" }), "spaces");
    same(new Host({ HostName: "::ffff:10.0.0.1" }), new Host({ HostName: "10.0.0.1" }), "IPv4-mapped IPv6");
    same(new Host({ HostName: "FE80::1" }), new Host({ HostName: "fe80:0:0:0:0:0:0:1" }), "IPv6 notation and case");
    assert.equal(new Host({ HostName: "10.0.0.1" }).key.slice("host:".length), new Ip({ Address: "10.0.0.1" }).key.slice("ip:".length));
    // The true links are kept.
    same(new Host({ HostName: "WIN1.contoso.com" }), new Host({ HostName: "win1" }), "FQDN and short name");
    same(new Host({ HostName: "MSTICAlertsWin1" }), new Host({ NetBiosName: "msticalertswin1" }), "NetBIOS name");
    differ(new Host({ HostName: "win1.contoso.com" }), new Host({ HostName: "win2.contoso.com" }), "two hosts of one domain");
  });

  it("accounts: name, else SID, else Entra ID object id, case-insensitive", () => {
    differ(new Account({ Sid: "S-1-5-21-1-1001" }), new Account({ Sid: "S-1-5-21-1-1002" }), "two SIDs");
    same(new Account({ Sid: "S-1-5-21-1-1001" }), new Account({ Sid: "s-1-5-21-1-1001" }), "SID case");
    differ(new Account({ AadUserId: "6f5b1c5e-0000-4000-8000-000000000001" }), new Account({ AadUserId: "6f5b1c5e-0000-4000-8000-000000000002" }), "two object ids");
    same(new Account({ AadUserId: "6F5B1C5E-0000-4000-8000-000000000001" }), new Account({ AadUserId: "6f5b1c5e-0000-4000-8000-000000000001" }), "object id case");
    differ(new Account({ Sid: "S-1-5-21-1-1001" }), new Account({ AadUserId: "S-1-5-21-1-1001" }), "a SID and an object id are different namespaces");
    assert.equal(new Account({ Sid: " S-1-5-18 " }).key, "account:sid:s-1-5-18");
    assert.equal(new Account({ Name: "", Sid: "S-1-5-18" }).key, "account:sid:s-1-5-18", "a blank name is no name");
    // Greek: Σ lowers to ς at a word's end, to σ elsewhere; both are one letter ignoring case.
    same(new Account({ Name: "ΝΙΚΟΣ" }), new Account({ Name: "νικοσ" }), "final sigma");
    same(new Host({ HostName: "ΟΔΟΣ-PC" }), new Host({ HostName: "οδοσ-pc" }), "final sigma before a hyphen");
    // One name in two Unicode forms (é as one character, or e and a combining accent: macOS paths, some exports).
    same(new Account({ Name: "jos\u00e9" }), new Account({ Name: "jose\u0301" }), "NFC and NFD account names");
    same(new File({ Name: "r\u00e9sum\u00e9.exe", Directory: "C:\\Users\\x" }), new File({ Name: "re\u0301sume\u0301.exe", Directory: "C:\\Users\\x" }), "NFC and NFD file names");
    same(new UnknownEntity({ Type: "mailbox", Name: "Andr\u00e9" }), new UnknownEntity({ Type: "mailbox", Name: "Andre\u0301" }), "NFC and NFD, a type huntlab has no class for");
    differ(new Account({ Name: "jos\u00e9" }), new Account({ Name: "jose" }), "an accent is not dropped");
    // Names win over the SID; a domain (NT domain, else the UPN suffix's first label) is part of the name, as MSTICPy keys `DOMAIN\\name`.
    same(new Account({ Name: "MSTICAdmin", Sid: "S-1-5-21-9", NTDomain: "MSTICAlertsWin1" }), new Account({ Name: "msticadmin", NTDomain: "msticalertswin1" }), "name");
    differ(new Account({ Name: "Administrator", NTDomain: "WKS01" }), new Account({ Name: "Administrator", NTDomain: "SRV02" }), "two machines' local Administrator");
    same(new Account({ Name: "bob", UPNSuffix: "Fabrikam.com" }), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "UPN suffix and NT domain of one organisation");
    assert.equal(new Account({ Name: "Bob", NTDomain: "CONTOSO" }).key, "account:contoso\\bob");
    assert.equal(new Account({ DisplayName: "Bob" }).key, "account:bob");
  });

  it("accounts written whole in the name (a UPN, DOMAIN\\name, a SID) are the account their parts name", () => {
    // Entra sign-ins, Office 365 and Defender's AccountUpn write `bob@fabrikam.com` in one cell, Sysmon's User
    // `FABRIKAM\bob`, a Security event an account it could not resolve as its SID: `new Account(cell)` keyed the whole text.
    same(new Account("bob@Fabrikam.com"), new Account({ Name: "bob", UPNSuffix: "fabrikam.com" }), "UPN text and its parts");
    same(new Account("bob@fabrikam.com"), new Account({ Name: "Bob", NTDomain: "FABRIKAM" }), "UPN text and the NT domain");
    same(new Account({ Name: "bob@fabrikam.com", UPNSuffix: "fabrikam.com" }), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "a UPN name beside its own suffix");
    same(new Account({ Name: "bob@fabrikam.com", NTDomain: "FABRIKAM" }), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "a UPN name beside its NT domain");
    differ(new Account({ Name: "bob@contoso.com", NTDomain: "FABRIKAM" }), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "a UPN of another organisation is kept whole");
    same(new Account("FABRIKAM\\bob"), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "down-level text and its parts");
    same(new Account({ Name: "FABRIKAM\\bob", NTDomain: "fabrikam" }), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "a down-level name beside its own domain");
    same(new Account({ Name: "S-1-5-21-7-1001" }), new Account({ Sid: "s-1-5-21-7-1001" }), "a SID written as the name");
    assert.equal(new Account("bob@fabrikam.com").key, "account:fabrikam\\bob");
    // Different accounts stay apart.
    differ(new Account("bob@fabrikam.com"), new Account("bob@contoso.com"), "two organisations");
    differ(new Account("bob@fabrikam.com"), new Account("eve@fabrikam.com"), "two users");
    differ(new Account({ Name: "S-1-5-21-7-1001" }), new Account({ Name: "S-1-5-21-7-1002" }), "two SIDs as names");
    differ(new Account({ Name: "CONTOSO\\bob", NTDomain: "FABRIKAM" }), new Account({ Name: "bob", NTDomain: "FABRIKAM" }), "a name's own other domain is kept");
    // A display name is no account name written whole: kept as it is.
    assert.equal(new Account({ DisplayName: "Bob @ Sales" }).key, "account:bob @ sales");
    // Not a UPN: an @ at either end is part of the name.
    assert.equal(new Account("bob@").key, "account:bob@");
    assert.equal(new Account("@fabrikam.com").key, "account:@fabrikam.com");
    // In a graph: the sign-in's UPN and the Security event's DOMAIN\name link their alerts.
    const alerts = [alert("w1", [{ Type: "account", Name: "bob@fabrikam.com" }]), alert("w2", [{ Type: "account", Name: "bob", NTDomain: "FABRIKAM" }])];
    const g = addRelatedAlerts(alerts, createAlertGraph(alerts[0]));
    assert.deepEqual(g.edges.filter((e) => e.relation === "related alert").map((e) => `${e.source} ${e.target}`), ["account:fabrikam\\bob alert:w2"]);
  });

  it("DNS names: an internationalised name and its punycode are one name; a final dot names the same domain", () => {
    same(new Dns({ DomainName: "b\u00fccher.example" }), new Dns({ DomainName: "xn--bcher-kva.example" }), "IDN and punycode");
    same(new Dns({ DomainName: "BU\u0308CHER.example" }), new Dns({ DomainName: "XN--BCHER-KVA.EXAMPLE" }), "NFD upper case and punycode upper case");
    same(new Dns({ DomainName: "evil.com." }), new Dns({ DomainName: "evil.com" }), "final dot");
    same(new Dns({ DomainName: "\u043f\u0440\u0438\u043c\u0435\u0440\u3002\u0440\u0444" }), new Dns({ DomainName: "xn--e1afmkfd.xn--p1ai" }), "Cyrillic with an ideographic full stop");
    differ(new Dns({ DomainName: "\u0430pple.com" }), new Dns({ DomainName: "apple.com" }), "a Cyrillic а is another name (homograph), not folded onto Latin");
    // A final sigma is its own letter in IDNA: βόλος.gr is xn--nxasmm1c.gr, βόλοσ.gr another domain.
    same(new Dns({ DomainName: "\u03b2\u03cc\u03bb\u03bf\u03c2.gr" }), new Dns({ DomainName: "xn--nxasmm1c.gr" }), "final sigma and its punycode");
    same(new Url({ Url: "http://\u03b2\u03cc\u03bb\u03bf\u03c2.gr/x" }), new Url({ Url: "http://xn--nxasmm1c.gr/x" }), "final sigma in a URL host");
    differ(new Dns({ DomainName: "\u03b2\u03cc\u03bb\u03bf\u03c2.gr" }), new Dns({ DomainName: "\u03b2\u03cc\u03bb\u03bf\u03c3.gr" }), "ς and σ are two domains");
    same(new Dns({ DomainName: "stra\u00dfe.de" }), new Dns({ DomainName: "xn--strae-oqa.de" }), "ß and its punycode");
    // Capital ẞ is ß (UTS #46), not "ss": STRAẞE.DE is not strasse.de, another registered domain (Node's domainToASCII said so, Deno's not).
    same(new Dns({ DomainName: "STRA\u1e9eE.DE" }), new Dns({ DomainName: "stra\u00dfe.de" }), "capital sharp s");
    differ(new Dns({ DomainName: "STRA\u1e9eE.DE" }), new Dns({ DomainName: "strasse.de" }), "ß is not ss");
    // The whole name is mapped, as written: nothing after a slash, backslash or %XX is dropped or decoded (Node's URL host parsing did).
    differ(new Url({ Url: "http://b\u00fccher.com\\x/p" }), new Url({ Url: "http://b\u00fccher.com/p" }), "a backslash is kept");
    differ(new Dns({ DomainName: "b\u00fc%41.com" }), new Dns({ DomainName: "b\u00fca.com" }), "%41 is not decoded");
    same(new Dns({ DomainName: "b\u00fccher.com:8080" }), new Dns({ DomainName: "xn--bcher-kva.com:8080" }), "a name with a port is still mapped");
    // Past 253 characters no resolver maps a name: folded only (IDNA is quadratic on one long label of a log cell).
    const long = "\u6f22".repeat(64_000);
    assert.equal(new Dns({ DomainName: long }).key, `dns:${long}`);
    same(new Host({ HostName: "b\u00fccher.corp.example" }), new Host({ HostName: "XN--BCHER-KVA" }), "a host by its IDN FQDN and its punycode short name");
    same(new Url({ Url: "https://b\u00fccher.example:8443/Path" }), new Url({ Url: "https://xn--bcher-kva.example:8443/Path" }), "URL host");
    differ(new Url({ Url: "https://b\u00fccher.example/Path" }), new Url({ Url: "https://xn--bcher-kva.example/path" }), "the path stays case-sensitive");
    assert.equal(new Url({ Url: "http://[2001:DB8::1]:80/x" }).key, "url:http://[2001:db8::1]:80/x");
    // User info runs to the authority's last `@` (the host is after it, as IoCExtract and browsers read it): a
    // password holding an `@` keeps its case, the host after it is folded.
    differ(new Url({ Url: "http://u@Pw@evil.example/x" }), new Url({ Url: "http://u@pw@evil.example/x" }), "a password with an @ is case-sensitive");
    assert.equal(new Url({ Url: "HTTP://u@Bank.example@EVIL.example:8080/x" }).key, "url:http://u@Bank.example@evil.example:8080/x");
  });

  it("IP addresses: one notation per address", () => {
    same(new Ip({ Address: "2001:db8::5" }), new Ip({ Address: "2001:db8:0:0:0:0:0:5" }), "IPv6 compression");
    same(new Ip({ Address: " 2001:db8::5 " }), new Ip({ Address: "2001:db8::5" }), "spaces");
    same(new Ip({ Address: "2001:DB8::1" }), new Ip({ Address: "2001:db8:0:0:0:0:0:1" }), "case and zeros");
    same(new Ip({ Address: "::ffff:203.0.113.7" }), new Ip({ Address: "203.0.113.7" }), "IPv4-mapped");
    assert.equal(new Ip({ Address: "2001:db8:0:0:0:0:0:5" }).key, "ip:2001:db8::5");
    differ(new Ip({ Address: "::2" }), new Ip({ Address: "::3" }), "two addresses");
    // Every machine's own loopback and unspecified addresses are no address two alerts share.
    for (const own of ["::1", "0:0:0:0:0:0:0:1", "127.0.0.1", "127.1.2.3", "0.0.0.0", "::"]) differ(new Ip({ Address: own }), new Ip({ Address: own }), own);
    // The deprecated IPv4-compatible form is another address (RFC 4291), not the IPv4-mapped one.
    differ(new Ip({ Address: "::8.8.8.8" }), new Ip({ Address: "8.8.8.8" }), "IPv4-compatible");
    same(new Ip({ Address: "::8.8.8.8" }), new Ip({ Address: "::808:808" }), "IPv4-compatible, hex");
    same(new Ip({ Address: "fe80::1%eth0" }), new Ip({ Address: "fe80::1" }), "zone id");
    assert.equal(new Ip({ Address: " Not-An-IP " }).key, "ip:not-an-ip", "text that is no address: trimmed, lower-cased");
    // With a port, as Office 365's ClientIP, storage and proxy logs write a client: the address (geoLookup and TI read it so).
    same(new Ip({ Address: "203.0.113.7:50311" }), new Ip({ Address: "203.0.113.7" }), "IPv4 with a port");
    same(new Ip({ Address: "[2001:DB8::5]:443" }), new Ip({ Address: "2001:db8::5" }), "bracketed IPv6 with a port");
    same(new Ip({ Address: "[2001:db8::5]" }), new Ip({ Address: "2001:db8::5" }), "bracketed IPv6, as URLs write it");
    same(new Ip({ Address: "[::ffff:203.0.113.7]:80" }), new Ip({ Address: "203.0.113.7" }), "IPv4-mapped with a port");
    assert.equal(new Ip({ Address: "203.0.113.7:50311" }).key, "ip:203.0.113.7");
    differ(new Ip({ Address: "203.0.113.7:443" }), new Ip({ Address: "203.0.113.8:443" }), "two addresses with one port");
    differ(new Ip({ Address: "127.0.0.1:8080" }), new Ip({ Address: "127.0.0.1:8080" }), "every machine's loopback, with a port too");
    // A single-host prefix, as firewall rules and block lists write one address: the address.
    same(new Ip({ Address: "203.0.113.7/32" }), new Ip({ Address: "203.0.113.7" }), "IPv4 /32");
    same(new Ip({ Address: "2001:DB8:0:0:0:0:0:5/128" }), new Ip({ Address: "2001:db8::5" }), "IPv6 /128");
    same(new Ip({ Address: "::ffff:203.0.113.7/128" }), new Ip({ Address: "203.0.113.7" }), "IPv4-mapped /128");
    assert.equal(new Ip({ Address: "203.0.113.0/24" }).key, "ip:203.0.113.0/24", "a network stays as written");
    differ(new Ip({ Address: "203.0.113.0/24" }), new Ip({ Address: "203.0.113.0" }), "a network is not its first address");
    // Not an address with a port: kept as written (trimmed, lower-cased).
    assert.equal(new Ip({ Address: "203.0.113.7:70000" }).key, "ip:203.0.113.7:70000", "no port above 65535");
    assert.equal(new Ip({ Address: "2001:db8::5:443" }).key, "ip:2001:db8::5:443", "an unbracketed IPv6 address's last group is no port");
    assert.equal(new Ip({ Address: "010.0.0.1:80" }).key, "ip:010.0.0.1:80", "leading zeros are no dotted decimal");
  });

  it("an entity with no identity keys only itself (every type, absent and blank values)", () => {
    const blanks: [string, () => { key: string }][] = [
      ["Host", () => new Host({ HostName: " ", OSFamily: "Windows" })],
      ["Account", () => new Account({ Name: "", NTDomain: "CONTOSO" })],
      ["Ip", () => new Ip({ Address: "" })],
      ["File", () => new File({ Sha256: "" })],
      ["FileHash", () => new FileHash({ Algorithm: "MD5" })],
      ["Process", () => new Process({ CommandLine: "x", Host: new Host({ HostName: "win1" }) })],
      ["HostLogonSession", () => new HostLogonSession({ Host: new Host({ HostName: "win1" }) })],
      ["Url", () => new Url({ Url: "  " })],
      ["Dns", () => new Dns({})],
      ["Malware", () => new Malware({ Category: "Trojan" })],
      ["GeoLocation", () => new GeoLocation({ Source: "db" })],
      ["Alert", () => new Alert({ Severity: "High" })],
      ["UnknownEntity", () => new UnknownEntity({ Type: "mailbox" })],
    ];
    for (const [name, make] of blanks) {
      const a = make();
      const b = make();
      assert.notEqual(a.key, b.key, `${name}: two blank entities`);
      assert.equal(a.key, a.key, `${name}: stable for one instance`);
      assert.ok(!a.key.includes(":"), `${name}: ${a.key} cannot be a real key (type:identity)`);
    }
    // Every factory, with no properties at all.
    const keys = Object.entries(ENTITY_CLASSES).flatMap(([type, make]) => [make({ Type: type }).key, make({ Type: type }).key]);
    assert.equal(new Set(keys).size, keys.length, keys.join(", "));
  });

  it("identities other than names: files by hash; processes and sessions on anonymous hosts", () => {
    same(new File({ Sha256: "AB".repeat(32) }), new File({ Md5: "", Sha256: "ab".repeat(32) }), "same hash");
    differ(new File({ Sha256: "ab".repeat(32) }), new File({ Sha256: "cd".repeat(32) }), "two hashes");
    same(new File({ FullPath: "C:\\Windows\\cmd.exe" }), new File({ Directory: "c:\\windows", Name: "CMD.EXE" }), "path case");
    // A POSIX path compares as Linux compares it, case and all (auditd, osquery, Defender on Linux): two files, two processes.
    differ(new File({ FullPath: "/tmp/Payload" }), new File({ FullPath: "/tmp/payload" }), "Linux path case");
    differ(new File({ Directory: "/usr/bin", Name: "Python3" }), new File({ Directory: "/usr/bin", Name: "python3" }), "Linux file name case");
    same(new File({ FullPath: "/tmp/payload" }), new File({ Directory: "/tmp", Name: "payload" }), "one Linux path written two ways");
    same(new File({ FullPath: "/tmp/r\u00e9sum\u00e9" }), new File({ FullPath: "/tmp/re\u0301sume\u0301" }), "NFC and NFD POSIX paths");
    const linux = (image: string): Process => new Process({ ProcessId: "4242", ImageFile: new File({ FullPath: image }), Host: new Host({ HostName: "web1" }) });
    differ(linux("/tmp/.X11/Xorg"), linux("/tmp/.x11/xorg"), "Linux process images differing in case");
    same(linux("/tmp/.X11/Xorg"), linux("/tmp/.X11/Xorg"), "one Linux process");
    // Windows paths still ignore case, a UNC path and a lone name too.
    same(new File({ FullPath: "\\\\FS01\\Share\\Tool.exe" }), new File({ FullPath: "\\\\fs01\\share\\tool.exe" }), "UNC path case");
    same(new File({ Name: "CMD.EXE" }), new File({ Name: "cmd.exe" }), "a name without a folder");
    // Windows takes / as a separator (PowerShell and some exports write C:/…): one file, one process, either way.
    same(new File({ FullPath: "C:/Dir/x.exe" }), new File({ FullPath: "C:\\dir\\X.exe" }), "drive path with forward slashes");
    same(new File({ Directory: "C:/Users/bob/AppData", Name: "a.ps1" }), new File({ FullPath: "c:\\users\\bob\\appdata\\a.ps1" }), "folder with forward slashes");
    same(new File({ FullPath: "C:\\Dir/sub\\x.exe" }), new File({ FullPath: "c:/dir/sub/x.exe" }), "mixed separators");
    same(new File({ FullPath: "//FS01/Share/Tool.exe" }), new File({ FullPath: "\\\\fs01\\share\\tool.exe" }), "UNC path with forward slashes");
    const win = (image: string): Process => new Process({ ProcessId: "500", ImageFile: new File({ FullPath: image }), Host: new Host({ HostName: "win1" }) });
    same(win("C:/Windows/System32/cmd.exe"), win("C:\\Windows\\System32\\cmd.exe"), "one Windows process, either separator");
    assert.equal(new File({ FullPath: "C:/Dir/x.exe" }).FullPath, "C:/Dir/x.exe", "the path is shown as written");
    // Still Linux: a path from one / keeps its case and slashes; /// is no UNC share.
    differ(new File({ FullPath: "/srv/Share/x" }), new File({ FullPath: "/srv/share/x" }), "Linux path stays case-sensitive");
    differ(new File({ FullPath: "///srv/X" }), new File({ FullPath: "///srv/x" }), "/// is a Linux path");
    same(new Process({ ProcessId: "0x10", Host: new Host({ HostName: "WIN1.contoso.com" }) }), new Process({ ProcessId: "0x10", Host: new Host({ HostName: "win1" }) }), "pid on one host");
    differ(new Process({ ProcessId: "0x10", Host: new Host({ HostName: "10.0.0.1" }) }), new Process({ ProcessId: "0x10", Host: new Host({ HostName: "10.2.3.4" }) }), "pid on two hosts named by address");
    differ(new HostLogonSession({ SessionId: "0x3e7", Host: new Host({ HostName: "10.0.0.1" }) }), new HostLogonSession({ SessionId: "0x3e7", Host: new Host({ HostName: "10.2.3.4" }) }), "session on two hosts");
    // Security events write ids in hex, Sysmon and Defender in decimal: one process, one session.
    const img = (): File => new File({ Name: "cmd.exe", Directory: "C:\\Windows\\System32" });
    same(new Process({ ProcessId: "0x1F4", ImageFile: img(), Host: new Host({ HostName: "win1" }) }), new Process({ ProcessId: "500", ImageFile: img(), Host: new Host({ HostName: "win1" }) }), "hex and decimal pid");
    same(new Process({ ProcessId: "0500", ImageFile: img(), Host: new Host({ HostName: "win1" }) }), new Process({ ProcessId: "500", ImageFile: img(), Host: new Host({ HostName: "win1" }) }), "leading zeros");
    differ(new Process({ ProcessId: "0x1F4", ImageFile: img(), Host: new Host({ HostName: "win1" }) }), new Process({ ProcessId: "1F4", ImageFile: img(), Host: new Host({ HostName: "win1" }) }), "hex needs its 0x");
    same(new HostLogonSession({ SessionId: "0x3E7", Host: new Host({ HostName: "win1" }) }), new HostLogonSession({ SessionId: "999", Host: new Host({ HostName: "win1" }) }), "hex and decimal logon id");
    same(new Process({ ProcessId: "0x" + "f".repeat(20), ImageFile: img(), Host: new Host({ HostName: "win1" }) }), new Process({ ProcessId: (2n ** 80n - 1n).toString(), ImageFile: img(), Host: new Host({ HostName: "win1" }) }), "exact past 2^53");
    same(new Dns({ DomainName: "Example.COM" }), new Dns({ DomainName: "example.com " }), "DNS name case");
  });
});

/** An alert with these entities (Sentinel's JSON form). */
function alert(id: string, entities: Record<string, unknown>[]): SecurityAlert {
  return new SecurityAlert({ SystemAlertId: id, AlertDisplayName: `alert ${id}`, AlertType: "Test", Severity: "Low", Entities: JSON.stringify(entities) });
}

describe("alert graphs link on real identities only", () => {
  const first = alert("a1", [
    { Type: "host", HostName: "10.0.0.1" },
    { Type: "account", Sid: "S-1-5-21-7-1001" },
    { Type: "account", AadUserId: "11111111-2222-3333-4444-555555555555" },
    { Type: "ip", Address: "2001:db8::5" },
    { Type: "dns" },
    { Type: "url", Url: "" },
  ]);
  const unrelated = alert("a2", [
    { Type: "host", HostName: "10.2.3.4" },
    { Type: "account", Sid: "S-1-5-21-7-1002" },
    { Type: "account", AadUserId: "99999999-2222-3333-4444-555555555555" },
    { Type: "ip", Address: "2001:db8::6" },
  ]);
  const blankOnly = alert("a3", [{ Type: "account", Name: "", NTDomain: "CONTOSO" }, { Type: "host" }, { Type: "dns" }, { Type: "url", Url: "" }, { Type: "file" }]);
  const sameThings = alert("a4", [
    { Type: "host", HostName: " 10.0.0.1" },
    { Type: "account", Sid: "s-1-5-21-7-1001" },
    { Type: "account", AadUserId: "11111111-2222-3333-4444-555555555555".toUpperCase() },
    { Type: "ip", Address: "2001:0db8:0:0:0:0:0:5" },
  ]);

  it("createAlertGraph gives blank entities their own nodes", () => {
    const g = createAlertGraph(first);
    assert.equal(g.nodeCount, 7, "the alert and six entities");
    assert.deepEqual(g.neighbors("alert:a1").length, 6);
    assert.ok(g.hasNode("host:10.0.0.1") && g.hasNode("account:sid:s-1-5-21-7-1001") && g.hasNode("account:aad:11111111-2222-3333-4444-555555555555") && g.hasNode("ip:2001:db8::5"));
  });

  it("addRelatedAlerts: no edge for look-alike or blank entities, every true edge kept", () => {
    const g = addRelatedAlerts([unrelated, blankOnly, sameThings], createAlertGraph(first));
    assert.ok(!g.hasNode("alert:a2"), "a2 shares nothing (other addresses, SIDs, object ids)");
    assert.ok(!g.hasNode("alert:a3"), "a3 has only blank entities");
    assert.deepEqual(g.neighbors("alert:a4").sort(), ["account:aad:11111111-2222-3333-4444-555555555555", "account:sid:s-1-5-21-7-1001", "host:10.0.0.1", "ip:2001:db8::5"]);
    assert.equal(g.edges.filter((e) => e.relation === "related alert").length, 4);
    const all = addRelatedAlerts([unrelated, blankOnly], createAlertGraph(first), { includeUnrelated: true });
    assert.deepEqual(all.neighbors("alert:a2"), [], "added unlinked when asked");
    assert.deepEqual(all.neighbors("alert:a3"), []);
  });

  it("placeholders (`-`, `N/A`, `unknown`), localhost and a bare PID are no identity; URL schemes and hosts compare in any case; numeric ids count", () => {
    for (const none of ["-", "N/A", "unknown", "(null)", "none"]) {
      differ(new Ip({ Address: none }), new Ip({ Address: none }), `ip ${none}`);
      differ(new Host({ HostName: none }), new Host({ HostName: none }), `host ${none}`);
      differ(new Account({ Name: none }), new Account({ Name: none }), `account ${none}`);
    }
    for (const own of ["localhost", "LOCALHOST", "localhost.", "localhost.corp.example", "localhost6", "127.0.0.1", "::1", "0.0.0.0"]) {
      differ(new Host({ HostName: own }), new Host({ HostName: own }), `host ${own} is every machine`);
      differ(new Process({ ProcessId: "4", Host: new Host({ HostName: own }) }), new Process({ ProcessId: "4", Host: new Host({ HostName: own }) }), `PID 4 on ${own}`);
    }
    differ(new Account({ Name: "-", Sid: "S-1-0-0" }), new Account({ Name: "-", Sid: "S-1-0-0" }), "the null SID beside a '-' name (4624)");
    differ(new Url({ Url: "http://Admin:Secret@evil.com/x" }), new Url({ Url: "http://admin:secret@evil.com/x" }), "user info as written");
    differ(new Process({ ProcessId: "4" }), new Process({ ProcessId: "4" }), "PID 4 on no named host");
    same(new Process({ ProcessId: "4", Host: new Host({ HostName: "web1" }) }), new Process({ ProcessId: "4", Host: new Host({ HostName: "WEB1" }) }), "PID 4 on one host");
    same(new Url({ Url: "HTTP://Evil.COM/x" }), new Url({ Url: "http://evil.com/x" }), "scheme and host");
    differ(new Url({ Url: "http://evil.com/X" }), new Url({ Url: "http://evil.com/x" }), "the path as written");
    same(new UnknownEntity({ Type: "iot-device", DeviceId: 12345 }), new UnknownEntity({ Type: "iot-device", DeviceId: "12345" }), "a numeric id");
  });

  it("addRelatedAlerts does not add the graph's own alert again, however alerts are keyed (it was linked to itself through its entities)", () => {
    const proc = { $id: "1", Type: "process", ProcessId: "1234", ImageFile: { $id: "2", Type: "file", Name: "evil.exe", Directory: "C:\\tmp" }, Account: { $id: "3", Type: "account", Name: "bob" }, Host: { $id: "4", Type: "host", HostName: "web1" } };
    for (const idColumn of ["SystemAlertId", "AlertId", "VendorOriginalId"]) {
      const rows = [
        { [idColumn]: "a1", AlertDisplayName: "A one", Entities: JSON.stringify([proc, { $ref: "4" }]) },
        { [idColumn]: "a2", AlertDisplayName: "A two", Entities: JSON.stringify([{ $id: "1", Type: "host", HostName: "web1" }]) },
      ];
      const alerts = rows.map((r) => new SecurityAlert(r));
      const g = createAlertGraph(alerts[0]);
      const r = addRelatedAlerts(alerts, g);
      assert.deepEqual(r.edges.filter((e) => !g.hasEdge(e.source, e.target)).map((e) => `${e.source} ${e.target}`), ["host:web1 alert:a2"], idColumn);
      // The same on the graph with alerts merged by type (a new graph, which knew no alert rows).
      const merged = new EntityGraphView(g, { mergeAlerts: true }).graph;
      const m = addRelatedAlerts(alerts, merged);
      assert.deepEqual(m.edges.filter((e) => !merged.hasEdge(e.source, e.target)).map((e) => `${e.source} ${e.target}`), ["host:web1 alert:a2"], `${idColumn}, merged`);
    }
    // Alerts merged into one `alerts:` node (two of a type) are the graph's own too (they were added again).
    const host = JSON.stringify([{ $id: "1", Type: "host", HostName: "web1" }]);
    const three = [
      { SystemAlertId: "b1", AlertDisplayName: "Brute force", AlertType: "BruteForce", Entities: host },
      { SystemAlertId: "b2", AlertDisplayName: "Brute force", AlertType: "BruteForce", Entities: host },
      { SystemAlertId: "b3", AlertDisplayName: "Other", AlertType: "Other", Entities: host },
    ].map((r) => new SecurityAlert(r));
    const eg = new EntityGraph();
    eg.addIncident(three);
    const mergedByType = new EntityGraphView(eg.graph, { mergeAlerts: true }).graph;
    assert.ok(mergedByType.hasNode("alerts:bruteforce"));
    assert.deepEqual(addRelatedAlerts(three, mergedByType).nodes.filter((n) => !mergedByType.hasNode(n.id)).map((n) => n.id), []);
  });
});

describe("accounts with and without a domain in graphs", () => {
  const acct = (Name: string, more: Record<string, unknown> = {}) => ({ Type: "account", Name, ...more });
  const related = (g: ReturnType<typeof createAlertGraph>) => g.edges.filter((e) => e.relation === "related alert").map((e) => `${e.source} ${e.target}`);

  it("two domains' accounts of one name are two nodes and link no alerts (the local Administrator of every machine linked them all)", () => {
    const alerts = [alert("d1", [acct("Administrator", { NTDomain: "WKS01" })]), alert("d2", [acct("Administrator", { NTDomain: "SRV02" })]), alert("d3", [acct("Administrator", { UPNSuffix: "fabrikam.com" })])];
    assert.deepEqual(related(addRelatedAlerts(alerts, createAlertGraph(alerts[0]))), []);
    const eg = new EntityGraph(alerts);
    assert.deepEqual(eg.graph.nodes.filter((n) => n.type === "account").map((n) => n.id), ["account:wks01\\administrator", "account:srv02\\administrator", "account:fabrikam\\administrator"]);
  });

  it("a UPN suffix and the NT domain of one organisation are one account", () => {
    const alerts = [alert("u1", [acct("bob", { NTDomain: "FABRIKAM" })]), alert("u2", [acct("Bob", { UPNSuffix: "fabrikam.com" })])];
    assert.deepEqual(related(addRelatedAlerts(alerts, createAlertGraph(alerts[0]))), ["account:fabrikam\\bob alert:u2"]);
  });

  it("Sentinel writes one account with and without its domain: one node, either way round", () => {
    const both = alert("s1", [acct("MSTICAdmin"), acct("MSTICAdmin", { NTDomain: "MSTICAlertsWin1" })]);
    assert.deepEqual(createAlertGraph(both).nodes.filter((n) => n.type === "account").map((n) => n.id), ["account:msticalertswin1\\msticadmin"]);
    const bare = alert("s2", [acct("msticadmin")]);
    const qualified = alert("s3", [acct("MSTICAdmin", { NTDomain: "MSTICAlertsWin1" })]);
    assert.deepEqual(related(addRelatedAlerts([bare], createAlertGraph(qualified))), ["account:msticalertswin1\\msticadmin alert:s2"]);
    assert.deepEqual(related(addRelatedAlerts([qualified], createAlertGraph(bare))), ["account:msticadmin alert:s3"]);
    const eg = new EntityGraph([bare, qualified]);
    assert.deepEqual(eg.graph.neighbors("account:msticalertswin1\\msticadmin").sort(), ["alert:s2", "alert:s3"]);
    assert.ok(!eg.graph.hasNode("account:msticadmin"));
  });

  it("a bare name with two domain-qualified candidates stays its own node and links neither", () => {
    const alerts = [alert("b1", [acct("Administrator")]), alert("b2", [acct("Administrator", { NTDomain: "WKS01" })]), alert("b3", [acct("Administrator", { NTDomain: "SRV02" })])];
    const eg = new EntityGraph(alerts);
    assert.deepEqual(eg.graph.neighbors("account:administrator"), ["alert:b1"]);
    assert.deepEqual(related(addRelatedAlerts(alerts, createAlertGraph(alerts[0]))), []);
    assert.deepEqual(related(addRelatedAlerts(alerts, createAlertGraph(alerts[1]))), []);
  });

  it("accounts added one at a time join as they come: a domain added later, a second domain removed, a copy", () => {
    const eg = new EntityGraph(new Account({ Name: "bob" }));
    eg.addEntity(new Host({ HostName: "wks01" }));
    assert.ok(eg.graph.hasNode("account:bob"), "no domain of bob yet");
    eg.addEntity(new Account({ Name: "bob", NTDomain: "FABRIKAM" }));
    assert.deepEqual(eg.graph.nodes.filter((n) => n.type === "account").map((n) => n.id), ["account:fabrikam\\bob"]);
    const g = new EntityGraph([alert("o1", [acct("eve")]), alert("o2", [acct("eve", { NTDomain: "WKS01" })]), alert("o3", [acct("eve", { NTDomain: "SRV02" })])]).graph;
    const copy = g.copy();
    g.removeNode("account:srv02\\eve");
    g.joinAccounts();
    assert.deepEqual(g.neighbors("account:wks01\\eve").sort(), ["alert:o1", "alert:o2"], "one domain left: eve joins it");
    copy.joinAccounts();
    assert.ok(copy.hasNode("account:eve"), "the copy keeps both domains");
  });

  it("a join is undone when a later call brings a second domain: alerts added one call at a time give the graph of the same alerts added together", () => {
    const alerts = [alert("j1", [acct("bob"), { Type: "host", HostName: "wks01" }]), alert("j2", [acct("bob", { NTDomain: "FABRIKAM" })]), alert("j3", [acct("bob", { NTDomain: "CONTOSO" })])];
    const shape = (eg: EntityGraph) => ({ nodes: eg.graph.nodes.map((n) => n.id), edges: eg.graph.edges.map((e) => e.id).sort(), count: [eg.nodeCount, eg.edgeCount] });
    const together = shape(new EntityGraph(alerts));
    assert.deepEqual(together.nodes.filter((id) => id.startsWith("account:")), ["account:bob", "account:fabrikam\\bob", "account:contoso\\bob"]);
    const oneByOne = new EntityGraph(alerts.slice(0, 2));
    assert.deepEqual(oneByOne.graph.neighbors("account:fabrikam\\bob").sort(), ["alert:j1", "alert:j2"], "one domain so far: bob joins it");
    oneByOne.addIncident(alerts.slice(2));
    assert.deepEqual(shape(oneByOne), together);
    assert.deepEqual(oneByOne.graph.neighbors("account:bob"), ["alert:j1"]);
    assert.deepEqual(oneByOne.graph.neighbors("account:fabrikam\\bob"), ["alert:j2"]);
    // Adding alerts again changes nothing; removing the second domain joins bob again.
    oneByOne.addIncident(alerts);
    assert.deepEqual(shape(oneByOne), together);
    oneByOne.removeNode("account:contoso\\bob");
    oneByOne.graph.joinAccounts();
    assert.ok(!oneByOne.graph.hasNode("account:bob"));
    assert.deepEqual(oneByOne.graph.neighbors("account:fabrikam\\bob").sort(), ["alert:j1", "alert:j2"]);
  });

  it("a joined account's node carries what the account without a domain knew, and parts with it again", () => {
    const eg = new EntityGraph(new Account({ Name: "bob", Sid: "S-1-5-21-1-1001" }));
    eg.addEntity(new Account({ Name: "bob", NTDomain: "FABRIKAM" }));
    assert.equal(eg.graph.getNode("account:fabrikam\\bob")?.properties.Sid, "S-1-5-21-1-1001");
    eg.addEntity(new Account({ Name: "bob", NTDomain: "CONTOSO" }));
    assert.equal(eg.graph.getNode("account:fabrikam\\bob")?.properties.Sid, undefined);
    assert.equal(eg.graph.getNode("account:bob")?.properties.Sid, "S-1-5-21-1-1001");
    assert.equal(eg.nodeCount, 3);
  });
});

describe("keys of Sentinel's other entity types and of missing references", () => {
  it("an unresolved $ref links no alerts: ids number one alert's JSON; the same missing id in one alert is one entity", () => {
    const a = alert("r1", [{ $id: "2", Type: "host", HostName: "ws01" }, { $ref: "3" }, { Type: "process", ProcessId: "1", Account: { $ref: "3" } }]);
    const b = alert("r2", [{ $id: "2", Type: "host", HostName: "srv99" }, { $ref: "3" }]);
    const missing = a.entitiesOfType("unresolved-reference");
    assert.equal(missing.length, 1, "one entity for the two uses of $ref 3");
    assert.equal(missing[0].nameStr, "3");
    differ(missing[0], b.entitiesOfType("unresolved-reference")[0], "two alerts' $ref 3");
    assert.ok(!addRelatedAlerts([b], createAlertGraph(a)).hasNode("alert:r2"), "r2 shares nothing with r1");
  });

  it("mailboxes, Azure resources, mail messages and devices are keyed and named by their ids", () => {
    const mdo = alert("m1", [
      { Type: "mailbox", MailboxPrimaryAddress: "bob@contoso.com", DisplayName: "Bob", Upn: "bob@contoso.com" },
      { Type: "azure-resource", ResourceId: "/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1" },
      { Type: "mailMessage", NetworkMessageId: "6a1b-77", Recipient: "bob@contoso.com" },
    ]);
    const mdc = alert("m2", [
      { Type: "mailbox", MailboxPrimaryAddress: "BOB@contoso.com", DisplayName: "Robert" },
      { Type: "azure-resource", ResourceId: "/subscriptions/s1/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm1" },
    ]);
    const other = alert("m3", [{ Type: "mailbox", MailboxPrimaryAddress: "eve@contoso.com", DisplayName: "Bob" }]);
    assert.deepEqual(mdo.entities.map((e) => e.nameStr), ["bob@contoso.com", "/subscriptions/s1/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1", "6a1b-77"]);
    const g = addRelatedAlerts([mdc, other], createAlertGraph(mdo));
    assert.deepEqual(g.neighbors("alert:m2").sort(), ["azure-resource:/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1", "mailbox:bob@contoso.com"]);
    assert.ok(!g.hasNode("alert:m3"), "another mailbox with the same display name");
  });
});
