/**
 * huntlab's entities (the `entities` namespace): typed IP addresses, hosts,
 * accounts, processes, files… and `SecurityAlert`, after MSTICPy's entity model.
 */
export { Entity, UnknownEntity, EntityParseError, formatEntityValue, parseEntityTime } from "./entity";
export type { EntityRelation, EntitySchema, EntitySource, PropertyKind } from "./entity";
export { Account, Alert, Dns, File, FileHash, GeoLocation, Host, HostLogonSession, Ip, Malware, Process, Url, ENTITY_CLASSES, entityFactory, hasCoordinates, schemaOf } from "./types";
export { parseEntities, entityFromObject } from "./parse";
export { SecurityAlert, type AlertRow, type AlertsFromDataFrameOptions, type SecurityAlertOptions } from "./securityAlert";
export { evidenceEntity, isEvidenceRow } from "./alertEvidence";
export { ipsFromDataFrame, type IpsFromDataFrameOptions } from "./fromDataFrame";
export { filesFromDataFrame, type FilesFromDataFrameOptions } from "./filesFromDataFrame";
