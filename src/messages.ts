/**
 * Every error code of huntlab, assembled from the packages' messages modules
 * (src/<package>/messages.ts): the source of docs/errors.md
 * (scripts/list-errors.ts) and of the tests that keep codes unique and documented.
 */
import type { ErrorDoc, ErrorPackage } from "./common/errors";
import { HuntlabError } from "./common/errors";
import { COMMON_ERRORS, commonMessages, type CommonErrorCode } from "./common/messages";
import { CONFIG_ERRORS, ConfigError, configMessages, yamlMessages, type ConfigErrorCode } from "./config/messages";
import { ClientBundleError, DISPLAY_ERRORS, DisplayError, displayMessages, HtmlViewError, LibraryNotFoundError, type DisplayErrorCode } from "./display/messages";
import { DATA_ERRORS, DataColumnError, DataFileError, dataMessages, QueryDefinitionError, QueryError, type DataErrorCode } from "./data/messages";
import { ENTITIES_ERRORS, entitiesMessages, EntityParseError, type EntitiesErrorCode } from "./entities/messages";
import {
  Base64Error,
  IocExtractError,
  ProcessSchemaError,
  ProcessTreeError,
  ProcessTreeQueryError,
  ChunkError,
  TRANSFORM_ERRORS,
  transformMessages,
  type TransformErrorCode,
} from "./transform/messages";
import { ANALYSIS_ERRORS, AnalysisError, analysisMessages, type AnalysisErrorCode } from "./analysis/messages";
import { CONTEXT_ERRORS, contextMessages, DnsError, FeedError, GeoIpError, TILookupError, type ContextErrorCode } from "./context/messages";
import {
  ChartDataError,
  ClusterBrowserError,
  GeoMapError,
  GraphError,
  ProcessTreePlotError,
  TIBrowserError,
  BrowserOptionError,
  TimelineError,
  VegaLiteSpecError,
  VIS_ERRORS,
  visMessages,
  type VisErrorCode,
} from "./vis/messages";
import { AnswersError, LAB_ERRORS, labMessages, type LabErrorCode } from "./lab/messages";
import { PIVOT_ERRORS, PivotError, pivotMessages, type PivotErrorCode } from "./pivot/messages";

/** Every code a huntlab error can carry (docs/errors.md). */
export type ErrorCode =
  | CommonErrorCode
  | ConfigErrorCode
  | DisplayErrorCode
  | DataErrorCode
  | EntitiesErrorCode
  | TransformErrorCode
  | AnalysisErrorCode
  | ContextErrorCode
  | VisErrorCode
  | LabErrorCode
  | PivotErrorCode;

/** A constructor of a huntlab error class. */
export type HuntlabErrorClass = abstract new (...args: never[]) => HuntlabError<string>;

/** One package's part of the catalog: its codes, its error classes, its message builders. */
export interface PackageErrors {
  readonly codes: Readonly<Record<string, ErrorDoc>>;
  readonly classes: readonly HuntlabErrorClass[];
  /** Builder groups, by name (`dataMessages`…): each builder returns `{ code, message }`. */
  readonly builders: Readonly<Record<string, Readonly<Record<string, (...args: never[]) => { code: string; message: string }>>>>;
}

/** The catalog, per package, in the order of the dependency direction. */
export const ERROR_CATALOG: Readonly<Record<ErrorPackage, PackageErrors>> = {
  common: { codes: COMMON_ERRORS, classes: [HuntlabError], builders: { commonMessages } },
  config: { codes: CONFIG_ERRORS, classes: [ConfigError], builders: { configMessages } },
  display: { codes: DISPLAY_ERRORS, classes: [HtmlViewError, LibraryNotFoundError, ClientBundleError, DisplayError], builders: { displayMessages } },
  data: { codes: DATA_ERRORS, classes: [QueryDefinitionError, DataFileError, QueryError, DataColumnError], builders: { dataMessages } },
  entities: { codes: ENTITIES_ERRORS, classes: [EntityParseError], builders: { entitiesMessages } },
  transform: {
    codes: TRANSFORM_ERRORS,
    classes: [IocExtractError, Base64Error, ProcessSchemaError, ProcessTreeError, ProcessTreeQueryError, ChunkError],
    builders: { transformMessages },
  },
  analysis: { codes: ANALYSIS_ERRORS, classes: [AnalysisError], builders: { analysisMessages } },
  context: { codes: CONTEXT_ERRORS, classes: [TILookupError, FeedError, DnsError, GeoIpError], builders: { contextMessages } },
  vis: {
    codes: VIS_ERRORS,
    classes: [TimelineError, GraphError, ProcessTreePlotError, ClusterBrowserError, ChartDataError, VegaLiteSpecError, GeoMapError, TIBrowserError, BrowserOptionError],
    builders: { visMessages },
  },
  lab: { codes: LAB_ERRORS, classes: [AnswersError], builders: { labMessages } },
  pivot: { codes: PIVOT_ERRORS, classes: [PivotError], builders: { pivotMessages } },
};

/**
 * The YAML reader's builders: their codes (`yaml-syntax`, `yaml-limit`) get a
 * package prefix from the caller (`configMessages.yaml`, `dataMessages.queryYaml`).
 */
export const YAML_BUILDERS = yamlMessages;

/** One row of the error table. */
export interface ErrorRow extends ErrorDoc {
  readonly code: string;
  readonly package: ErrorPackage;
}

/** Every code with its documentation, in catalog order. */
export function errorRows(): ErrorRow[] {
  return Object.entries(ERROR_CATALOG).flatMap(([pkg, { codes }]) =>
    Object.entries(codes).map(([code, doc]) => ({ code, package: pkg as ErrorPackage, ...doc })),
  );
}
