/**
 * A compiler host for tests that build several TypeScript programs with the same options: the parsed and
 * bound files (lib.dom, @types/node, huntlab's and polars' declarations: megabytes) are kept and handed to the
 * next program when the file's text is the same, as TypeScript's language service does. A default host
 * parses every file again for each program, also when given the old program: ~1.5-2 s of CPU per program here.
 */
import type * as TS from "typescript";

/** `ts.createCompilerHost(options)` whose `getSourceFile` reuses a file parsed before with the same text. */
export function cachingCompilerHost(ts: typeof TS, options: TS.CompilerOptions): TS.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parsed = new Map<string, { text: string; file: TS.SourceFile }>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    const text = host.readFile(fileName);
    // The file's language version and module format (they come from the options and the nearest package.json) are part of what it parses to.
    const how = typeof languageVersionOrOptions === "object" ? `${languageVersionOrOptions.languageVersion}:${languageVersionOrOptions.impliedNodeFormat}` : String(languageVersionOrOptions);
    const key = `${how}\0${fileName}`;
    const old = parsed.get(key);
    if (old && text !== undefined && old.text === text && !shouldCreateNewSourceFile) return old.file;
    const file = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    if (file && text !== undefined) parsed.set(key, { text, file });
    return file;
  };
  return host;
}
