/** Transforms of hunting data: indicator extraction and base64 unpacking (MSTICPy's `transform`). */
export {
  IoCExtract,
  IocExtractError,
  IOC_RESULT_COLUMNS,
  IOC_SCAN_DEFAULTS,
  BUILTIN_IOC_TYPES,
  type AddIocTypeOptions,
  type BuiltinIocType,
  type IocExtractOptions,
  type IocScanOptions,
} from "./iocExtract";
export { refang } from "./defang";
export { classifyObservable, customIocTypes, unregisterIocType, type IocTypeDefinition } from "./iocPatterns";
export {
  base64,
  unpack as base64Unpack,
  unpackDf as base64UnpackDf,
  Base64Error,
  BASE64_RECORD_COLUMNS,
  BASE64_UNPACK_DEFAULTS,
  MAX_ORIGINAL_CHARS as BASE64_MAX_ORIGINAL_CHARS,
  type Base64UnpackOptions,
  type DecodedItem,
  type EncodingType,
  type UnpackDfOptions,
  type UnpackResult,
} from "./base64Unpack";
export { detectFileType, type FileType } from "./fileTypes";
