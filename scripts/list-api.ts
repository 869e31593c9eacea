/**
 * Writes docs/api.md, the reference of every name the package exports (src/index.ts), from the
 * TSDoc in src: grouped by MSTICPy's module map (the folder of src/ that declares the name), one
 * line per name, and each options interface's options with their defaults.
 *
 *   node --import tsx scripts/list-api.ts > docs/api.md
 *
 * test/apiDoc.test.ts fails when the file is not what this writes, misses a runtime export, or a
 * public name has no TSDoc (run with --undocumented to list those).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ts from "typescript";

const ROOT = join(__dirname, "..");
const SRC = join(ROOT, "src");

/** MSTICPy's map, in its order; `lab` (the exercises' self-checks) is huntlab's own. */
const GROUPS: Record<string, string> = {
  data: "Data: query providers, readers, schemas (msticpy.data)",
  context: "Context: threat intelligence, geolocation, DNS, IP type (msticpy.context)",
  transform: "Transform: indicators, base64, process trees (msticpy.transform)",
  analysis: "Analysis: time-series anomalies, clustering, features (msticpy.analysis)",
  vis: "Visualisation: timelines, charts, maps, graphs, browsers (msticpy.vis)",
  entities: "Entities (msticpy.datamodel.entities)",
  pivot: "Pivots (msticpy.init.pivot)",
  display: "Display: MIME bundles, tables, HTML (msticpy's display helpers)",
  config: "Config: msticpyconfig.yaml, secrets (msticpy.common.pkg_config)",
  common: "Common: errors, warnings, interrupts (msticpy.common)",
  lab: "Lab: the exercises' self-checks",
  external: "Re-exported types of nodejs-polars",
};

export type ApiKind = "function" | "class" | "constant" | "interface" | "type" | "enum" | "namespace";

export interface ApiOption {
  name: string;
  optional: boolean;
  /** A method's parameters, `(query, options?)`. */
  params?: string;
  type?: string;
  summary: string;
  defaultText?: string;
}

export interface ApiEntry {
  /** The exported name (`entities.Ip` for a namespace's member). */
  name: string;
  group: string;
  kind: ApiKind;
  /** Also a type of the same name (a class, or a constant with a type beside it). */
  alsoType: boolean;
  /** The first sentence of its TSDoc, as Markdown; "" when it has none. */
  summary: string;
  signature?: string;
  options?: ApiOption[];
  /** A class's public methods, accessors and documented properties; an object constant's members (`ptree.getRoots`). */
  members?: ApiMember[];
}

export interface ApiMember {
  name: string;
  /** `.lookupIoc(ioc, options?)`, `static listAvailableProviders()`, `loadedProviders`. */
  label: string;
  summary: string;
}

export interface ApiReport {
  entries: ApiEntry[];
  /** Exported names (not re-exported from other packages) and their listed members without TSDoc. */
  undocumented: string[];
  markdown: string;
}

/** Code point order, whatever the machine's language. */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

const OPTIONS: ts.CompilerOptions = {
  noResolve: true,
  lib: ["lib.es5.d.ts"],
  types: [],
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  skipLibCheck: true,
  noEmit: true,
};

/** A relative module specifier's file in src/ (`./x` → x.ts or x/index.ts). */
function localModule(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = join(dirname(from), spec);
  return [`${base}.ts`, join(base, "index.ts")].find((f) => existsSync(f));
}

/** Names a file's exported interfaces, classes and type aliases build on: their `extends` and aliased types' references. */
function namesBuiltOn(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const refs = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) names.add(node.text);
    else if (!ts.isTypeLiteralNode(node)) ts.forEachChild(node, refs);
  };
  for (const st of file.statements) {
    if ((ts.isInterfaceDeclaration(st) || ts.isClassDeclaration(st)) && st.heritageClauses) st.heritageClauses.forEach(refs);
    else if (ts.isTypeAliasDeclaration(st)) refs(st.type);
    else if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const e of st.exportClause.elements) names.add((e.propertyName ?? e.name).text);
    }
  }
  return names;
}

/**
 * The files of src/ the public names are declared in: from src/index.ts along its re-exports
 * (`export … from`), and to the imports that an exported interface extends or a type alias or a
 * local `export { x }` names (an options interface's inherited options). About 110 of src's 250
 * files: parsing is most of the script's time, and the rest only implement what these declare.
 */
function publicFiles(src: string): Map<string, ts.SourceFile> {
  const files = new Map<string, ts.SourceFile>();
  const visit = (fileName: string): void => {
    if (files.has(fileName)) return;
    const file = ts.createSourceFile(fileName, readFileSync(fileName, "utf8"), OPTIONS.target!);
    files.set(fileName, file);
    const builtOn = namesBuiltOn(file);
    for (const st of file.statements) {
      let next: string | undefined;
      if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) next = localModule(fileName, st.moduleSpecifier.text);
      else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause) {
        const c = st.importClause;
        const bound = [c.name?.text, ...(c.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements.map((e) => e.name.text) : [])];
        if (bound.some((n) => n !== undefined && builtOn.has(n))) next = localModule(fileName, st.moduleSpecifier.text);
      }
      if (next) visit(next);
    }
  };
  visit(join(src, "index.ts"));
  return files;
}

/**
 * One program over those files alone: noResolve keeps node_modules' declarations out (nodejs-polars',
 * vega's… were most of the parse time) and the only lib is es5's, for Omit/Pick in options types.
 * Nothing is type checked: the checker only follows the re-exports and reads the comments.
 */
function program(src: string): ts.Program {
  const files = publicFiles(src);
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.getSourceFile;
  host.getSourceFile = (fileName, ...rest) => files.get(fileName) ?? read.call(host, fileName, ...rest);
  return ts.createProgram([...files.keys()], OPTIONS, host);
}

/* ---------- TSDoc text to Markdown ---------- */

/** Comment parts as Markdown source: `{@link X}` as `X` in code (or its text). */
function partsText(parts: readonly ts.SymbolDisplayPart[]): string {
  let out = "";
  let linkName = "";
  let linkText = "";
  let inLink = false;
  for (const p of parts) {
    if (p.kind === "link") {
      if (p.text.startsWith("{@")) {
        inLink = true;
        linkName = linkText = "";
      } else if (inLink) {
        inLink = false;
        const text = linkText.trim();
        out += text ? text : `\`${linkName.trim()}\``;
      }
    } else if (inLink) {
      if (p.kind === "linkName") linkName += p.text;
      else linkText += p.text;
    } else out += p.text;
  }
  return out;
}

const ABBREVIATIONS = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|approx|incl|no|ch)$/i;

/**
 * Sentences of a paragraph (white space collapsed): a sentence ends at `.`, `!` or `?` followed by
 * white space or the end, outside code spans and parentheses, and not after an abbreviation.
 */
export function sentences(text: string): string[] {
  const t = text.replace(/\s+/g, " ").trim();
  const out: string[] = [];
  let start = 0;
  let code = false;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "`") code = !code;
    else if (code) continue;
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if ((c === "." || c === "!" || c === "?") && depth === 0 && (i + 1 === t.length || t[i + 1] === " ")) {
      if (c === "." && ABBREVIATIONS.test(t.slice(Math.max(start, i - 8), i))) continue;
      out.push(t.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  if (t.slice(start).trim()) out.push(t.slice(start).trim());
  return out;
}

/**
 * Markdown of one line from TSDoc text: `|` escaped, `<` and entity-like `&` written as entities
 * (no raw HTML: log-derived examples such as `column_<i>` stay text), code spans kept as written,
 * and an unpaired backtick escaped so that a span never runs into the next line's text.
 */
export function markdownLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  const ticks = (t.match(/`/g) ?? []).length;
  let out = "";
  let code = false;
  let seen = 0;
  for (const c of t) {
    if (c === "`") {
      seen++;
      if (ticks % 2 === 1 && seen === ticks) out += "\\`";
      else {
        code = !code;
        out += c;
      }
    } else if (code) out += c;
    else if (c === "|") out += "\\|";
    else if (c === "<") out += "&lt;";
    else if (c === ">") out += "&gt;";
    else if (c === "&") out += "&amp;";
    else out += c;
  }
  return out;
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;

/** The first sentence of the first paragraph (which a blank line, a list or a code block ends). */
export function firstSentence(doc: string): string {
  const lines: string[] = [];
  for (const line of doc.trim().split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("```")) break;
    if (LIST_ITEM.test(line)) {
      if (lines.length) break;
      lines.push(line.replace(LIST_ITEM, "")); // a comment that opens with a list: its first item
      continue;
    }
    lines.push(line);
  }
  const first = sentences(lines.join(" "))[0] ?? "";
  // "Adds these columns:" before a list: the list is on the name's page, not here.
  return first.endsWith(":") ? `${first} …` : first;
}

/** What a TSDoc comment says the default is: an `@default`/`@defaultValue` tag, or a sentence starting "Default". */
function defaultOf(doc: string, tags: readonly ts.JSDocTagInfo[]): string | undefined {
  for (const tag of tags) {
    if (tag.name === "default" || tag.name === "defaultValue") {
      const v = partsText(tag.text ?? []).trim();
      if (v) return `Default: ${v.replace(/\.$/, "")}.`;
    }
  }
  for (const s of sentences(doc.replace(/\n\s*\n/g, " "))) {
    if (/^Default\b/.test(s)) return s;
    // "… (default 20)." inside another sentence.
    const m = /\((default[s]?\b[^()]*)\)/.exec(s);
    if (m) return `${m[1][0].toUpperCase()}${m[1].slice(1)}.`;
  }
  return undefined;
}

/* ---------- declarations ---------- */

function groupOf(fileName: string, src: string): string {
  const rel = relative(src, fileName);
  if (rel.startsWith("..")) return "external";
  const parts = rel.split(sep);
  return parts.length > 1 && parts[0] in GROUPS ? parts[0] : "common";
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function paramsText(params: readonly ts.ParameterDeclaration[]): string {
  return params
    .filter((p) => !(ts.isIdentifier(p.name) && p.name.text === "this"))
    .map((p) => {
      const name = ts.isIdentifier(p.name) ? p.name.text : ts.isObjectBindingPattern(p.name) ? "{…}" : "[…]";
      return `${p.dotDotDotToken ? "..." : ""}${name}${p.questionToken || p.initializer ? "?" : ""}`;
    })
    .join(", ");
}

/** A return type written in the source, when it is short. */
function returnText(node: ts.SignatureDeclarationBase): string {
  if (!node.type) return "";
  const t = oneLine(node.type.getText());
  return t.length <= 48 ? `: ${t}` : "";
}

function functionLike(decl: ts.Declaration): ts.SignatureDeclarationBase | undefined {
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    let init: ts.Expression = decl.initializer;
    while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function signatureOf(name: string, symbol: ts.Symbol): string | undefined {
  const decls = symbol.declarations ?? [];
  const fns = decls.map(functionLike).filter((d): d is ts.SignatureDeclarationBase => d !== undefined);
  if (fns.length) {
    // Overloads: the first declared; the implementation's signature only when there is no other.
    const overloads = fns.filter((f) => !(ts.isFunctionDeclaration(f) && f.body)) ;
    const shown = overloads[0] ?? fns[0];
    const more = overloads.length > 1 ? ` (+${overloads.length - 1} overload${overloads.length > 2 ? "s" : ""})` : "";
    return `${name}(${paramsText(shown.parameters)})${returnText(shown)}${more}`;
  }
  const cls = decls.find(ts.isClassDeclaration);
  if (cls) {
    const ctors = cls.members.filter(ts.isConstructorDeclaration);
    const ctor = ctors.find((c) => !c.body) ?? ctors[0];
    if (ctor && !ctor.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) {
      return `new ${name}(${paramsText(ctor.parameters)})`;
    }
  }
  return undefined;
}

/** A constant whose type can be `new`ed (`QueryProvider: QueryProviderConstructor`): a class to its users. */
function constructorOf(symbol: ts.Symbol, checker: ts.TypeChecker): readonly ts.Signature[] {
  if (!(symbol.flags & ts.SymbolFlags.Variable) || symbol.flags & ts.SymbolFlags.Class) return [];
  // Only a declared type: inferring an initializer's type (a schema table's) would type check it.
  const decl = symbol.declarations?.find(ts.isVariableDeclaration);
  if (!decl?.type) return [];
  return checker.getTypeOfSymbol(symbol).getConstructSignatures();
}

function kindOf(symbol: ts.Symbol, checker: ts.TypeChecker): { kind: ApiKind; alsoType: boolean } {
  const f = symbol.flags;
  const isType = (f & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) !== 0;
  if (f & ts.SymbolFlags.Class) return { kind: "class", alsoType: false };
  if (f & ts.SymbolFlags.Enum) return { kind: "enum", alsoType: false };
  if (f & ts.SymbolFlags.Function) return { kind: "function", alsoType: isType };
  if (constructorOf(symbol, checker).length) return { kind: "class", alsoType: false };
  if (f & ts.SymbolFlags.Variable) {
    const fn = (symbol.declarations ?? []).some((d) => functionLike(d) !== undefined);
    return { kind: fn ? "function" : "constant", alsoType: isType };
  }
  if (symbol.declarations?.some(ts.isSourceFile) || f & ts.SymbolFlags.ValueModule) return { kind: "namespace", alsoType: false };
  if (f & ts.SymbolFlags.Interface) return { kind: "interface", alsoType: false };
  return { kind: "type", alsoType: false };
}

/** The TSDoc of a symbol; a namespace's is its module's opening comment. */
function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  // A file's module (`export * as entities`); a class merged with a namespace (the pivots' `Ip.util`) keeps its own.
  const file = symbol.declarations?.find(ts.isSourceFile);
  if (file) {
    const first = file.statements[0];
    const doc = first ? ts.getJSDocCommentsAndTags(first).find(ts.isJSDoc) : undefined;
    return doc ? ts.getTextOfJSDocComment(doc.comment) ?? "" : "";
  }
  return partsText(symbol.getDocumentationComment(checker));
}

function optionsOf(symbol: ts.Symbol, checker: ts.TypeChecker, type = checker.getDeclaredTypeOfSymbol(symbol)): ApiOption[] {
  const out: ApiOption[] = [];
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = prop.declarations?.[0];
    // A symbol-keyed member as written (`[JUPYTER_DISPLAY]`): its internal name holds a symbol id.
    const declName = decl && (decl as ts.NamedDeclaration).name;
    const name = declName && ts.isComputedPropertyName(declName) ? oneLine(declName.getText()) : prop.name;
    if (name.startsWith("__@")) continue;
    const doc = partsText(prop.getDocumentationComment(checker));
    let typeText: string | undefined;
    let params: string | undefined;
    if (decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) && decl.type) {
      const t = oneLine(decl.type.getText());
      if (t.length <= 40) typeText = t;
    } else if (decl && (ts.isMethodSignature(decl) || ts.isMethodDeclaration(decl))) {
      params = `(${paramsText(decl.parameters)})`;
      typeText = returnText(decl).slice(2) || undefined;
    }
    const summary = firstSentence(doc);
    // Said already when the first sentence holds it ("… (default 20).").
    const defaultText = /\bdefault/i.test(summary) ? undefined : defaultOf(doc, prop.getJsDocTags(checker));
    out.push({
      name,
      optional: (prop.flags & ts.SymbolFlags.Optional) !== 0,
      params,
      type: typeText,
      summary,
      defaultText,
    });
  }
  return out;
}

function memberName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

function hidden(member: ts.ClassElement): boolean {
  const name = member.name && memberName(member.name);
  return (
    !name ||
    name.startsWith("_") ||
    (ts.getCombinedModifierFlags(member as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0
  );
}

/**
 * A class's own public members, in declaration order (overloads once; inherited members are
 * the base class's lines): methods and accessors always, properties when documented (an entity's
 * many `declare Name?: string` fields are its schema, not its API).
 */
function classMembers(cls: ts.ClassDeclaration, checker: ts.TypeChecker): ApiMember[] {
  const out: ApiMember[] = [];
  const seen = new Set<string>();
  for (const m of cls.members) {
    if (!(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m) || ts.isPropertyDeclaration(m)) || hidden(m)) continue;
    const name = memberName(m.name)!;
    const isStatic = (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static) !== 0;
    const key = `${isStatic ? "static " : ""}${name}`;
    if (seen.has(key)) continue;
    const symbol = checker.getSymbolAtLocation(m.name);
    const summary = symbol ? firstSentence(partsText(symbol.getDocumentationComment(checker))) : "";
    if (ts.isPropertyDeclaration(m) && !summary) continue;
    seen.add(key);
    // `.lookupIoc(…)` on an instance, `TILookup.listAvailableProviders()` on the class.
    const label = `${isStatic ? `${cls.name?.text}.` : "."}${name}${ts.isMethodDeclaration(m) ? `(${paramsText(m.parameters)})` : ""}`;
    out.push({ name, label, summary });
  }
  return out;
}

/**
 * The members of a constant that is an object of functions named beside it (`ptree = { getRoots, … }`,
 * `base64`), each with its function's signature and doc. Objects of data (schemas, catalogs) and of
 * message builders stay one line.
 */
function objectMembers(decl: ts.Declaration, checker: ts.TypeChecker): ApiMember[] | undefined {
  if (!ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  let init: ts.Expression = decl.initializer;
  for (;;) {
    if (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
    else if (ts.isCallExpression(init) && init.expression.getText() === "Object.freeze" && init.arguments.length === 1) init = init.arguments[0];
    else break;
  }
  if (!ts.isObjectLiteralExpression(init)) return undefined;
  const out: ApiMember[] = [];
  for (const p of init.properties) {
    if (!ts.isShorthandPropertyAssignment(p)) return undefined;
    const target = checker.getShorthandAssignmentValueSymbol(p);
    const resolved = target && target.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(target) : target;
    const signature = resolved && signatureOf(p.name.text, resolved);
    if (!resolved || !signature || resolved.flags & ts.SymbolFlags.Class) return undefined;
    out.push({ name: p.name.text, label: signature, summary: firstSentence(partsText(resolved.getDocumentationComment(checker))) });
  }
  return out;
}

function entryOf(name: string, exported: ts.Symbol, checker: ts.TypeChecker, src: string): ApiEntry {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const decl = symbol.declarations?.[0];
  if (!decl) {
    // A type re-exported from a package outside the program (nodejs-polars): noResolve leaves it unresolved.
    const spec = exported.declarations?.find(ts.isExportSpecifier);
    const from = spec?.parent.parent.moduleSpecifier;
    const pkg = from && ts.isStringLiteral(from) ? from.text : "another package";
    // A file of src/ publicFiles did not reach would otherwise pass as another package's type.
    if (pkg.startsWith(".") || pkg === "another package") throw new Error(`scripts/list-api.ts: the declaration of ${name} (${pkg}) was not read: see publicFiles`);
    return { name, group: "external", kind: "type", alsoType: false, summary: `\`${pkg}\`'s \`${name}\`, re-exported as a type.` };
  }
  const { kind, alsoType } = kindOf(symbol, checker);
  const text = docOf(symbol, checker);
  const entry: ApiEntry = { name, group: groupOf(decl.getSourceFile().fileName, src), kind, alsoType, summary: firstSentence(text) };
  const shortName = name.slice(name.lastIndexOf(".") + 1);
  const signature = signatureOf(shortName, symbol);
  if (signature) entry.signature = signature;
  const ctors = constructorOf(symbol, checker);
  const ctor = ctors[0]?.declaration;
  if (ctor && !ts.isJSDocSignature(ctor)) {
    entry.signature = `new ${shortName}(${paramsText(ctor.parameters)})${ctors.length > 1 ? ` (+${ctors.length - 1} overload${ctors.length > 2 ? "s" : ""})` : ""}`;
    // Its other members are the class's statics.
    entry.members = optionsOf(symbol, checker, checker.getTypeOfSymbol(symbol)).map((o) => ({
      name: o.name,
      label: `${shortName}.${o.name}${o.params ?? ""}`,
      summary: o.summary,
    }));
  }
  // An interface's properties and methods (an options type's options); a type alias's only when it names options (`Omit<…>`).
  if (kind === "interface" || (kind === "type" && /Options$/.test(name))) entry.options = optionsOf(symbol, checker);
  const cls = kind === "class" ? symbol.declarations?.find(ts.isClassDeclaration) : undefined;
  const members = cls ? classMembers(cls, checker) : kind === "constant" ? objectMembers(decl, checker) : undefined;
  if (members?.length) entry.members = members;
  if (entry.members && !entry.members.length) delete entry.members;
  return entry;
}

/** Every exported name of `<src>/index.ts`, a namespace's members as `ns.name` after it. */
export function apiEntries(src = SRC): ApiEntry[] {
  const prog = program(src);
  const checker = prog.getTypeChecker();
  const index = prog.getSourceFile(join(src, "index.ts"));
  const moduleSymbol = index && checker.getSymbolAtLocation(index);
  if (!moduleSymbol) throw new Error(`${join(src, "index.ts")} is not a module the compiler can read`);
  const entries: ApiEntry[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const entry = entryOf(exported.name, exported, checker, src);
    entries.push(entry);
    if (entry.kind === "namespace") {
      const ns = checker.getAliasedSymbol(exported);
      for (const member of checker.getExportsOfModule(ns)) entries.push({ ...entryOf(`${exported.name}.${member.name}`, member, checker, src), group: entry.group });
    }
  }
  const order = Object.keys(GROUPS);
  return entries.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group) || byCodePoint(a.name, b.name));
}

/* ---------- the document ---------- */

function entryLine(e: ApiEntry): string[] {
  const kind = e.alsoType ? `${e.kind} and type` : e.kind;
  const sig = e.signature ? ` \`${e.signature.replace(/`/g, "'")}\`` : "";
  const summary = e.summary ? ` — ${markdownLine(e.summary)}` : "";
  const lines = [`- \`${e.name}\` (${kind})${sig}${summary}`];
  for (const o of e.options ?? []) {
    const head = `\`${o.name}${o.optional ? "?" : ""}${o.params ?? ""}${o.type ? `: ${o.type.replace(/`/g, "'")}` : ""}\``;
    const text = [o.summary, o.defaultText].filter(Boolean).map((s) => markdownLine(s!)).join(" ");
    lines.push(`  - ${head}${text ? ` — ${text}` : ""}`);
  }
  for (const m of e.members ?? []) lines.push(`  - \`${e.kind === "class" ? "" : `${e.name}.`}${m.label.replace(/`/g, "'")}\`${m.summary ? ` — ${markdownLine(m.summary)}` : ""}`);
  return lines;
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

/** The whole document, and the names it found without TSDoc; `src`: another source folder (the tests'). */
export function apiReport(src = SRC): ApiReport {
  const entries = apiEntries(src);
  const undocumented = entries.flatMap((e) => [
    ...(e.group !== "external" && !e.summary ? [e.name] : []),
    ...(e.members ?? []).filter((m) => !m.summary).map((m) => `${e.name}.${m.name}`),
  ]);
  const top = entries.filter((e) => !e.name.includes("."));
  const count = (k: ApiKind, plural = `${k}s`) => {
    const n = top.filter((e) => e.kind === k).length;
    return `${n} ${n === 1 ? k : plural}`;
  };
  const groups = Object.keys(GROUPS).filter((g) => entries.some((e) => e.group === g));
  const lines = [
    "# API reference",
    "",
    "<!-- Generated by scripts/list-api.ts from src/index.ts and the TSDoc of what it exports: edit those, then run",
    "     node --import tsx scripts/list-api.ts > docs/api.md -->",
    "",
    'Every name `import { … } from "huntlab"` gives, grouped as MSTICPy\'s modules are (by the folder of',
    "`src/` that declares it), in code-point order: its kind, for a function its parameters (`?`: optional)",
    "and declared return type, and the first sentence of its documentation; for an options type, each",
    "option with its default, and for other interfaces their properties and methods; for a class, its public",
    "methods and properties (`.name` on an instance, `Class.name` on the class). Errors and their codes:",
    "[errors.md](errors.md); input layouts: [schemas.md](schemas.md).",
    "",
    `${top.length} names: ${count("function")}, ${count("class", "classes")}, ${count("constant")}, ${count("interface")}, ${count("type")}, ${count("namespace")}.`,
    "",
    ...groups.map((g) => `- [${GROUPS[g]}](#${anchor(GROUPS[g])})`),
  ];
  for (const g of groups) {
    lines.push("", `## ${GROUPS[g]}`, "");
    for (const e of entries.filter((x) => x.group === g)) lines.push(...entryLine(e));
  }
  return { entries, undocumented, markdown: `${lines.join("\n")}\n` };
}

let cached: ApiReport | undefined;
/** {@link apiReport}, computed once per process (the test reads it twice). */
export function apiReportOnce(): ApiReport {
  return (cached ??= apiReport());
}

if (require.main === module) {
  const report = apiReport();
  if (process.argv.includes("--undocumented")) process.stdout.write(report.undocumented.map((n) => `${n}\n`).join(""));
  else process.stdout.write(report.markdown);
}
