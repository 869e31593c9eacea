/**
 * Logon events: the lab's two layouts (Windows host logons, Azure AD sign-ins)
 * and the schemas hunters' exports come in, as tables of lab column → source
 * field. docs/schemas.md lists them for users.
 */
import type { ColumnRule, EventSchema, LabLayout } from "./types";

/** The lab's Windows logons (`host_logons`, `failed_logons`): SecurityEvent 4624/4625 columns. */
export const LAB_HOST_LOGONS: LabLayout = {
  name: "Windows host logons",
  labFile: "host_logons.parquet",
  columns: [
    { name: "TimeGenerated", type: "time", doc: "timeline, session clustering, start/end" },
    { name: "Account", type: "text", doc: "DOMAIN\\user; account_name filter, session clustering" },
    { name: "TargetUserName", type: "text", doc: "the user logged on; session clustering" },
    { name: "SubjectUserName", type: "text", doc: "the account that requested the logon; timeline tooltip" },
    { name: "LogonType", type: "int", doc: "Windows logon type number; timeline lanes, session clustering" },
    { name: "LogonProcessName", type: "text", doc: "session browser" },
    { name: "IpAddress", type: "text", doc: "where the logon came from; TI lookups" },
    { name: "WorkstationName", type: "text", doc: "session browser" },
    { name: "Computer", type: "text", doc: "the host; host_name filter" },
    { name: "EventID", type: "int", doc: "4624 success, 4625 failure" },
  ],
};

/** The lab's Azure AD sign-ins (`aad_logons`): SigninLogs with the location flattened. */
export const LAB_SIGNINS: LabLayout = {
  name: "Azure AD sign-ins",
  labFile: "aad_logons.parquet",
  columns: [
    { name: "TimeGenerated", type: "time", doc: "when" },
    { name: "UserPrincipalName", type: "text", doc: "who; account_name filter, map popups" },
    { name: "IPAddress", type: "text", doc: "where from; TI lookups, maps" },
    { name: "Latitude", type: "float", doc: "map position" },
    { name: "Longitude", type: "float", doc: "map position" },
    { name: "Location", type: "text", doc: "country code" },
    { name: "AppDisplayName", type: "text", doc: "the application signed in to; map popups" },
    { name: "ResultType", type: "int", doc: "0 success, else the Azure AD error code" },
  ],
};

/** Both layouts: a frame complete in either is already in the lab's schema. */
export const LOGON_LAYOUTS: readonly LabLayout[] = [LAB_HOST_LOGONS, LAB_SIGNINS];

/**
 * Windows security events 4624/4625 as Microsoft Sentinel's `SecurityEvent`
 * table has them (the lab's own), e.g. a CSV export where `Account` is missing
 * or `LogonType` is text.
 */
export const SECURITY_EVENT_LOGONS: EventSchema = {
  id: "securityevent",
  name: "Windows SecurityEvent 4624/4625",
  kind: "logon",
  description: "Microsoft Sentinel's SecurityEvent table (Windows security log events 4624 and 4625), the lab's own layout.",
  requires: ["EventID", "TargetUserName", "LogonType"],
  hints: ["TimeGenerated", "Computer", "IpAddress", "SubjectUserName", "TargetDomainName", "LogonProcessName", "WorkstationName"],
  columns: {
    TimeGenerated: { from: ["TimeGenerated", "TimeCreated"], as: "time" },
    Account: { account: { domain: "TargetDomainName", user: "TargetUserName" } },
    TargetUserName: { from: "TargetUserName", as: "text" },
    SubjectUserName: { from: "SubjectUserName", as: "text" },
    LogonType: { from: "LogonType", as: "logonType" },
    LogonProcessName: { from: "LogonProcessName", as: "text" },
    IpAddress: { from: "IpAddress", as: "text" },
    WorkstationName: { from: "WorkstationName", as: "text" },
    Computer: { from: "Computer", as: "text" },
    EventID: { from: "EventID", as: "int" },
  },
};

/**
 * Windows 4624/4625 in Sentinel's `WindowsEvent` table (Azure Monitor Agent):
 * the event's fields are in the `EventData` JSON.
 */
export const WINDOWS_EVENT_LOGONS: EventSchema = {
  id: "windowsevent",
  name: "Windows WindowsEvent 4624/4625",
  kind: "logon",
  description: "Microsoft Sentinel's WindowsEvent table: the 4624/4625 fields are members of the EventData JSON.",
  requires: ["EventID", "EventData.TargetUserName", "EventData.LogonType"],
  hints: ["TimeGenerated", "Computer", "EventData.IpAddress", "EventData.SubjectUserName"],
  columns: {
    TimeGenerated: { from: "TimeGenerated", as: "time" },
    Account: { account: { domain: "EventData.TargetDomainName", user: "EventData.TargetUserName" } },
    TargetUserName: { from: "EventData.TargetUserName", as: "text" },
    SubjectUserName: { from: "EventData.SubjectUserName", as: "text" },
    LogonType: { from: "EventData.LogonType", as: "logonType" },
    LogonProcessName: { from: "EventData.LogonProcessName", as: "text" },
    IpAddress: { from: "EventData.IpAddress", as: "text" },
    WorkstationName: { from: "EventData.WorkstationName", as: "text" },
    Computer: { from: "Computer", as: "text" },
    EventID: { from: "EventID", as: "int" },
  },
};

/**
 * Azure AD sign-ins as exported from Sentinel's `SigninLogs` (the portal's CSV
 * or JSON, or Log Analytics): the location is the `LocationDetails` JSON.
 * Host-logon columns are approximations: the "host" is the application, the
 * logon type 2 for interactive sign-ins and 3 otherwise.
 */
export const SIGNIN_LOGS: EventSchema = {
  id: "signinlogs",
  name: "Azure AD SigninLogs",
  kind: "logon",
  description: "Azure AD (Entra ID) sign-in logs: Sentinel's SigninLogs table, as Log Analytics exports it (CSV or JSON).",
  requires: ["UserPrincipalName", "IPAddress", "ResultType"],
  hints: ["TimeGenerated", "CreatedDateTime", "AppDisplayName", "LocationDetails", "IsInteractive", "ClientAppUsed", "DeviceDetail"],
  columns: {
    // Sign-in layout.
    TimeGenerated: { from: ["TimeGenerated", "CreatedDateTime"], as: "time" },
    UserPrincipalName: { from: "UserPrincipalName", as: "text" },
    IPAddress: { from: "IPAddress", as: "text" },
    Latitude: { from: ["LocationDetails.geoCoordinates.latitude"], as: "float" },
    Longitude: { from: ["LocationDetails.geoCoordinates.longitude"], as: "float" },
    Location: { from: ["LocationDetails.countryOrRegion"], as: "text" },
    AppDisplayName: { from: ["AppDisplayName", "ResourceDisplayName"], as: "text" },
    ResultType: { from: "ResultType", as: "int" },
    // Host-logon layout.
    Account: { from: "UserPrincipalName", as: "text" },
    TargetUserName: { from: "UserPrincipalName", as: "userPart" },
    SubjectUserName: { from: "UserPrincipalName", as: "userPart" },
    LogonType: { from: "IsInteractive", as: "interactiveLogonType", otherwise: 3 },
    LogonProcessName: { from: ["ClientAppUsed"], as: "text" },
    IpAddress: { from: "IPAddress", as: "text" },
    WorkstationName: { from: ["DeviceDetail.displayName", "DeviceDetail.operatingSystem"], as: "text" },
    Computer: { from: ["AppDisplayName", "ResourceDisplayName"], as: "text" },
    EventID: { from: "ResultType", as: "resultEventId" },
  },
};

/** Graph's name of each SigninLogs field the SigninLogs columns read (the same resource in camelCase; the result code in `status`). */
const GRAPH_FIELDS: Record<string, string> = {
  TimeGenerated: "createdDateTime",
  CreatedDateTime: "createdDateTime",
  UserPrincipalName: "userPrincipalName",
  IPAddress: "ipAddress",
  LocationDetails: "location",
  AppDisplayName: "appDisplayName",
  ResourceDisplayName: "resourceDisplayName",
  ResultType: "status.errorCode",
  IsInteractive: "isInteractive",
  ClientAppUsed: "clientAppUsed",
  DeviceDetail: "deviceDetail",
};

/** Field rules with their source fields renamed (repeats dropped); other rules as they are. */
function renamedFields(columns: Readonly<Record<string, ColumnRule>>, rename: (field: string) => string): Record<string, ColumnRule> {
  return Object.fromEntries(
    Object.entries(columns).map(([name, rule]) => {
      if (!("from" in rule)) return [name, rule];
      const from = typeof rule.from === "string" ? rename(rule.from) : [...new Set(rule.from.map(rename))];
      return [name, { ...rule, from }];
    }),
  );
}

/**
 * Entra ID sign-ins as Microsoft Graph's `signIn` resource has them: the Entra
 * portal's "Download JSON" and Graph's `/auditLogs/signIns` (its `value`
 * array). The SigninLogs fields in camelCase, the result code in `status`.
 */
export const GRAPH_SIGNINS: EventSchema = {
  id: "graph-signins",
  name: "Entra ID sign-ins (Microsoft Graph)",
  kind: "logon",
  description: "Microsoft Graph's signIn records: the Entra portal's JSON download or /auditLogs/signIns (camelCase, status and location nested).",
  requires: ["userPrincipalName", "ipAddress", "status.errorCode"],
  hints: ["createdDateTime", "appDisplayName", "location", "isInteractive", "clientAppUsed", "deviceDetail"],
  columns: renamedFields(SIGNIN_LOGS.columns, (field) => {
    const [head, ...rest] = field.split(".");
    return [GRAPH_FIELDS[head] ?? head, ...rest].join(".");
  }),
};

/**
 * The Entra portal's CSV column of each SigninLogs field the SigninLogs
 * columns read (its captions, by field or dotted field). The CSV has no
 * coordinates, no device name and no interactive flag (interactive and
 * non-interactive sign-ins are separate downloads): those fields keep their
 * SigninLogs names, which the CSV does not have, so their columns are left out
 * (the logon type is then 3, as SigninLogs' rule says for a missing flag).
 */
const PORTAL_CSV_FIELDS: Record<string, string> = {
  TimeGenerated: "Date (UTC)",
  CreatedDateTime: "Date (UTC)",
  UserPrincipalName: "Username",
  IPAddress: "IP address",
  "LocationDetails.countryOrRegion": "Location",
  AppDisplayName: "Application",
  ResourceDisplayName: "Resource",
  ResultType: "Sign-in error code",
  ClientAppUsed: "Client app",
  "DeviceDetail.operatingSystem": "Operating System",
};

/**
 * Entra ID sign-ins as the Entra admin center's "Download" > CSV of the
 * Sign-in logs writes them (`InteractiveSignIns_<from>_<to>.csv` and the
 * non-interactive one): one column per detail, captioned as the portal shows
 * it (`Date (UTC)`, `Username`, `IP address`, `Sign-in error code`…).
 * Its `Location` is `City, State, CC`: a column the frame has is kept as it is.
 */
export const PORTAL_CSV_SIGNINS: EventSchema = {
  id: "entra-portal-csv",
  name: "Entra ID sign-ins (portal CSV download)",
  kind: "logon",
  description: "The Entra admin center's CSV download of the sign-in logs (interactive or non-interactive): the portal's column captions.",
  requires: ["Username", "IP address", "Sign-in error code"],
  hints: ["Date (UTC)", "Request ID", "User ID", "Application", "Location", "Status", "Failure reason", "Client app", "Conditional Access", "Multifactor authentication result"],
  columns: renamedFields(SIGNIN_LOGS.columns, (field) => PORTAL_CSV_FIELDS[field] ?? field),
};

/**
 * Elastic Common Schema authentication events (`event.category:
 * authentication`): Winlogbeat's Windows logons (with `winlog.*`), Filebeat's
 * system/auth (sshd) and cloud sign-ins. Without a logon type (sshd), the type
 * is 3 (Network).
 */
export const ECS_AUTHENTICATION: EventSchema = {
  id: "ecs-authentication",
  name: "Elastic ECS authentication",
  kind: "logon",
  description: "Elastic Common Schema events with event.category: authentication (Winlogbeat, Filebeat system/auth, Elastic Agent).",
  requires: ["@timestamp", "event.outcome", "user.name"],
  hints: ["event.category", "source.ip", "host.name", "event.code", "winlog.logon.type", "source.geo.location.lat"],
  columns: {
    TimeGenerated: { from: "@timestamp", as: "time" },
    // Host-logon layout.
    // A cloud sign-in's account is its user principal name; a Windows or Linux logon's DOMAIN\user.
    Account: { from: "user.email", as: "text", fallback: { account: { domain: ["winlog.event_data.TargetDomainName", "user.domain"], user: ["winlog.event_data.TargetUserName", "user.name"] } } },
    TargetUserName: { from: ["winlog.event_data.TargetUserName", "user.target.name", "user.name"], as: "text" },
    SubjectUserName: { from: ["winlog.event_data.SubjectUserName", "user.name"], as: "text" },
    LogonType: { from: ["winlog.event_data.LogonType", "winlog.logon.type"], as: "logonType", otherwise: 3 },
    LogonProcessName: { from: ["winlog.event_data.LogonProcessName", "process.name"], as: "text" },
    IpAddress: { from: "source.ip", as: "text" },
    WorkstationName: { from: ["winlog.event_data.WorkstationName", "source.domain", "source.address", "source.ip"], as: "text" },
    Computer: { from: ["host.name", "host.hostname"], as: "text" },
    EventID: { from: "event.code", as: "int", fallback: { from: "event.outcome", as: "outcomeEventId" } },
    // Sign-in layout.
    UserPrincipalName: { from: ["user.email", "user.name"], as: "text" },
    IPAddress: { from: "source.ip", as: "text" },
    Latitude: { from: "source.geo.location.lat", as: "float" },
    Longitude: { from: "source.geo.location.lon", as: "float" },
    Location: { from: "source.geo.country_iso_code", as: "text" },
    AppDisplayName: { from: ["azure.signinlogs.properties.app_display_name", "service.name", "event.dataset", "event.module"], as: "text" },
    ResultType: { from: "azure.signinlogs.result_type", as: "int", fallback: { from: "event.outcome", as: "outcomeResultType" } },
  },
};

/**
 * OCSF Authentication events (class 3002): AWS Security Lake, OCSF exporters and converters, nested
 * (NDJSON, Parquet) or flattened to dotted columns (CSV). `time` is epoch ms; the logon type is OCSF's
 * `logon_type_id` (Windows' numbers but for System), the outcome `status_id`. Rows of other classes,
 * logoffs (`activity_id` 2) and Kerberos ticket requests and renewals (3 TGT, 4 service ticket, 5 renewal,
 * 6 preauthentication: a domain controller's 4768/4769/4770/4771, not the 4624/4625 the lab's logons are)
 * are no logons: they are left out. Without a logon type the type is 3.
 */
export const OCSF_AUTHENTICATION: EventSchema = {
  id: "ocsf-authentication",
  name: "OCSF Authentication",
  kind: "logon",
  description: "Open Cybersecurity Schema Framework Authentication events (class_uid 3002): AWS Security Lake, OCSF exporters; nested JSON or dotted columns.",
  requires: ["class_uid", "user.name"],
  // `time` (epoch ms) or `time_dt` (ISO text, OCSF's date/time profile).
  requiresOneOf: [["time", "time_dt"]],
  hints: ["time", "time_dt", "status_id", "status", "activity_id", "logon_type_id", "src_endpoint.ip", "dst_endpoint.hostname", "auth_protocol", "metadata.version"],
  rows: [
    { field: "class_uid", keep: [3002] },
    { field: "activity_id", drop: [2, 3, 4, 5, 6] },
  ],
  columns: {
    TimeGenerated: { from: ["time", "time_dt"], as: "time" },
    // Host-logon layout.
    Account: { account: { domain: "user.domain", user: "user.name" } },
    TargetUserName: { from: "user.name", as: "text" },
    SubjectUserName: { from: ["actor.user.name", "user.name"], as: "text" },
    LogonType: { from: "logon_type_id", as: "ocsfLogonType", fallback: { from: "logon_type", as: "logonType" }, otherwise: 3 },
    LogonProcessName: { from: ["logon_process.name", "auth_protocol"], as: "text" },
    IpAddress: { from: "src_endpoint.ip", as: "text" },
    WorkstationName: { from: ["src_endpoint.hostname", "src_endpoint.name", "src_endpoint.ip"], as: "text" },
    Computer: { from: ["dst_endpoint.hostname", "device.hostname", "dst_endpoint.name", "device.name", "dst_endpoint.ip", "device.ip"], as: "text" },
    EventID: { from: "status_id", as: "statusEventId", fallback: { from: "status", as: "outcomeEventId" } },
    // Sign-in layout.
    UserPrincipalName: { from: ["user.email_addr", "user.name"], as: "text" },
    IPAddress: { from: "src_endpoint.ip", as: "text" },
    // OCSF's location has `lat`/`long` and `coordinates`, a GeoJSON pair: longitude first.
    Latitude: { from: "src_endpoint.location.lat", as: "float", fallback: { from: "src_endpoint.location.coordinates", as: "latitudeOfPair" } },
    Longitude: { from: "src_endpoint.location.long", as: "float", fallback: { from: "src_endpoint.location.coordinates", as: "longitudeOfPair" } },
    Location: { from: "src_endpoint.location.country", as: "text" },
    AppDisplayName: { from: ["service.name", "dst_endpoint.svc_name", "metadata.product.name"], as: "text" },
    ResultType: { from: "status_id", as: "statusResultType", fallback: { from: "status", as: "outcomeResultType" } },
  },
};

/**
 * Okta's System Log (its API's LogEvent objects: `/api/v1/logs`, an export to JSON or a SIEM): sign-ins
 * to Okta (`eventType` `user.session.start`) and single sign-ons to an application
 * (`user.authentication.sso`); its other events (MFA steps of the same sign-in, policy evaluations,
 * administration) are no logons and are left out. `outcome.result` SUCCESS/ALLOW is a success,
 * FAILURE/DENY a failure (SKIPPED, CHALLENGE, UNKNOWN: no result). Okta writes a country name, not its
 * code; the application an SSO reached is in the `target` list, not read: the host and application are
 * "Okta". A sign-in has no Windows logon type: 3 (Network).
 */
export const OKTA_SIGNINS: EventSchema = {
  id: "okta-system-log",
  name: "Okta System Log sign-ins",
  kind: "logon",
  description: "Okta's System Log events (the /api/v1/logs LogEvent JSON): sign-ins to Okta and SSO to applications.",
  requires: ["published", "eventType", "actor.alternateId", "outcome.result"],
  hints: ["uuid", "displayMessage", "client.ipAddress", "client.geographicalContext.geolocation.lat", "authenticationContext.authenticationProvider", "severity", "legacyEventType"],
  rows: [{ field: "eventType", keep: ["user.session.start", "user.authentication.sso"] }],
  columns: {
    TimeGenerated: { from: "published", as: "time" },
    // Sign-in layout.
    UserPrincipalName: { from: "actor.alternateId", as: "text" },
    IPAddress: { from: "client.ipAddress", as: "text" },
    Latitude: { from: "client.geographicalContext.geolocation.lat", as: "float" },
    Longitude: { from: "client.geographicalContext.geolocation.lon", as: "float" },
    Location: { from: "client.geographicalContext.country", as: "text" },
    AppDisplayName: { value: "Okta" },
    ResultType: { from: "outcome.result", as: "outcomeResultType" },
    // Host-logon layout.
    Account: { from: "actor.alternateId", as: "text" },
    TargetUserName: { from: "actor.alternateId", as: "userPart" },
    SubjectUserName: { from: "actor.alternateId", as: "userPart" },
    LogonType: { value: 3 },
    LogonProcessName: { from: "authenticationContext.authenticationProvider", as: "text" },
    IpAddress: { from: "client.ipAddress", as: "text" },
    WorkstationName: { from: ["client.userAgent.os", "client.ipAddress"], as: "text" },
    Computer: { value: "Okta" },
    EventID: { from: "outcome.result", as: "outcomeEventId" },
  },
};

/**
 * Microsoft Defender XDR `DeviceLogonEvents` (Defender for Endpoint's logons on a device; advanced hunting's
 * CSV export or Sentinel's table). `ActionType` `LogonSuccess` is a 4624, `LogonFailed` a 4625; its
 * `LogonAttempted` events (no outcome known) and the others are left out, as the lab reads 4624 and 4625.
 * `LogonType` is written as a name (`RemoteInteractive`); `Protocol` is the authentication package.
 */
export const MDE_LOGONS: EventSchema = {
  id: "mde-device-logon",
  name: "Defender XDR DeviceLogonEvents",
  kind: "logon",
  description: "Microsoft Defender XDR's DeviceLogonEvents table (advanced hunting export, or Sentinel's): logons on devices.",
  requires: ["ActionType", "AccountName", "LogonType"],
  requiresOneOf: [["Timestamp", "TimeGenerated"]],
  hints: ["DeviceName", "DeviceId", "AccountDomain", "AccountSid", "RemoteIP", "RemoteDeviceName", "Protocol", "FailureReason", "IsLocalAdmin", "LogonId", "ReportId"],
  rows: [{ field: "ActionType", keep: ["LogonSuccess", "LogonFailed"] }],
  columns: {
    TimeGenerated: { from: ["Timestamp", "TimeGenerated"], as: "time" },
    Account: { account: { domain: "AccountDomain", user: "AccountName" } },
    TargetUserName: { from: "AccountName", as: "text" },
    SubjectUserName: { from: ["InitiatingProcessAccountName", "AccountName"], as: "text" },
    LogonType: { from: "LogonType", as: "logonType" },
    LogonProcessName: { from: ["Protocol", "InitiatingProcessFileName"], as: "text" },
    IpAddress: { from: "RemoteIP", as: "text" },
    WorkstationName: { from: ["RemoteDeviceName", "RemoteIP"], as: "text" },
    Computer: { from: "DeviceName", as: "text" },
    EventID: { from: "ActionType", as: "outcomeEventId" },
  },
};

/**
 * Windows 4624/4625 as a Wazuh manager writes them in `alerts.json` (one alert per line): the event under
 * `data.win`, `system.*` from its System element and `eventdata.*` its EventData, each name's first letter
 * lower-cased (`targetUserName`, `logonType`), every value text (`eventID` `"4624"`). The alerts hold every
 * event the rules matched: only 4624 and 4625 are logons (a 4634 logoff also has a logon type).
 */
export const WAZUH_WINDOWS_LOGONS: EventSchema = {
  id: "wazuh-windows-logon",
  name: "Wazuh alerts, Windows 4624/4625",
  kind: "logon",
  description: "Wazuh alerts (alerts.json) of Windows security events 4624 and 4625: the event's fields under data.win.eventdata, lower-cased first.",
  requires: ["data.win.system.eventID", "data.win.eventdata.targetUserName", "data.win.eventdata.logonType"],
  hints: ["timestamp", "rule.id", "agent.name", "data.win.system.computer", "data.win.system.systemTime", "data.win.eventdata.ipAddress"],
  rows: [{ field: "data.win.system.eventID", keep: [4624, 4625], required: true }],
  columns: {
    TimeGenerated: { from: ["data.win.system.systemTime", "timestamp"], as: "time" },
    Account: { account: { domain: "data.win.eventdata.targetDomainName", user: "data.win.eventdata.targetUserName" } },
    TargetUserName: { from: "data.win.eventdata.targetUserName", as: "text" },
    SubjectUserName: { from: "data.win.eventdata.subjectUserName", as: "text" },
    LogonType: { from: "data.win.eventdata.logonType", as: "logonType" },
    LogonProcessName: { from: "data.win.eventdata.logonProcessName", as: "text" },
    IpAddress: { from: "data.win.eventdata.ipAddress", as: "text" },
    WorkstationName: { from: "data.win.eventdata.workstationName", as: "text" },
    Computer: { from: ["data.win.system.computer", "agent.name"], as: "text" },
    EventID: { from: "data.win.system.eventID", as: "int" },
  },
};

/** Every logon schema, in detection order (a tie goes to the earlier). */
export const LOGON_SCHEMAS: readonly EventSchema[] = [SECURITY_EVENT_LOGONS, WINDOWS_EVENT_LOGONS, SIGNIN_LOGS, GRAPH_SIGNINS, PORTAL_CSV_SIGNINS, ECS_AUTHENTICATION, OCSF_AUTHENTICATION, OKTA_SIGNINS, MDE_LOGONS, WAZUH_WINDOWS_LOGONS];
