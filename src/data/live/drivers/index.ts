/**
 * The driver registry: one factory per live data environment. MSSentinel and
 * Kusto are written here (L1); Splunk and Elasticsearch/OpenSearch come from
 * their own modules. `registerLiveDriver` lets a test or an extension add or
 * replace one.
 */
import { createKustoDriver } from "./kusto";
import { createSentinelDriver } from "./sentinel";
import { createElasticsearchDriver } from "./elasticsearch";
import { createSplunkDriver } from "./splunk";
import type { LiveDriver, LiveEnvironment, LiveSettings } from "../types";

/** Makes a driver from its settings. */
export type LiveDriverFactory = (settings: LiveSettings) => LiveDriver;

const FACTORIES = new Map<string, LiveDriverFactory>([
  ["MSSentinel", createSentinelDriver],
  ["Kusto", createKustoDriver],
  ["Splunk", createSplunkDriver],
  ["Elasticsearch", createElasticsearchDriver],
]);

/** Adds (or replaces) the driver of an environment. */
export function registerLiveDriver(environment: LiveEnvironment, factory: LiveDriverFactory): void {
  FACTORIES.set(environment, factory);
}

/** The factory of an environment, or undefined. */
export function liveDriverFactory(environment: string): LiveDriverFactory | undefined {
  return FACTORIES.get(environment);
}

/** The environments with a driver. */
export function liveEnvironments(): string[] {
  return [...FACTORIES.keys()];
}
