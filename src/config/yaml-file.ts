/**
 * A YAML file read with its source positions, so that every later check (schema, cross-references)
 * can point at the line and column of the field it is about.
 */
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { MAX_CONFIG_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES } from './bounds.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { describeReadError, formatBytes, readBoundedText } from './read-text.js';

export type PathItem = string | number;

export class YamlFile {
  /** Each map's pairs by key, built on first lookup: positions of many issues stay linear. */
  private readonly pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Reads (at most {@link MAX_CONFIG_BYTES}) and parses `file`; any problem is a ConfigError with its position. */
  static read(file: string): YamlFile {
    let text: string;
    try {
      text = readBoundedText(file, MAX_CONFIG_BYTES);
    } catch (e) {
      throw new ConfigError([{ file, line: 1, col: 1, field: '', message: describeReadError(e) }]);
    }
    return YamlFile.parse(file, text);
  }

  /**
   * Parses YAML text. Beyond syntax, the document must be of a bounded shape (see
   * {@link checkShape}) before it is turned into values: no alias bomb, no endless nesting.
   */
  static parse(file: string, text: string): YamlFile {
    if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
      throw new ConfigError([{ file, line: 1, col: 1, field: '', message: `larger than ${formatBytes(MAX_CONFIG_BYTES)}, the limit for this kind of file` }]);
    }
    const lines = new LineCounter();
    // Duplicate keys are found by checkShape: the yaml package's own check compares every key with
    // every other (quadratic: 40,000 keys took 14 s).
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    const at = (offset: number, message: string): ConfigIssue => ({ file, ...lines.linePos(offset), field: '', message });
    if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => at(e.pos[0], `YAML: ${syntaxMessage(e.message)}`)));
    const shape = checkShape(doc, at);
    if (shape.length > 0) throw new ConfigError(shape);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: -1 }); // aliases are bounded by checkShape
    } catch (e) {
      throw new ConfigError([at(0, `YAML: ${(e as Error).message}`)]);
    }
    return new YamlFile(file, value, doc, lines);
  }

  /**
   * Position of the node at `path` — of its key when `key` is set (for "unknown key" errors) — or of
   * the nearest ancestor that exists.
   */
  position(path: readonly PathItem[], key = false): { line: number; col: number } {
    let node: Node | null = this.doc.contents as Node | null;
    let at = node?.range?.[0] ?? 0;
    for (const item of path) {
      if (isMap(node)) {
        const pair = this.pairOf(node, item);
        if (!pair) break;
        const keyNode = pair.key as Node | null;
        at = (key && item === path[path.length - 1] ? keyNode?.range?.[0] : (pair.value as Node | null)?.range?.[0]) ?? keyNode?.range?.[0] ?? at;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof item === 'number' && node.items[item]) {
        node = node.items[item] as Node;
        at = node.range?.[0] ?? at;
      } else {
        break;
      }
    }
    return this.lines.linePos(at);
  }

  /** The pair of `map` whose key is `key` (as the value's property name: `1` and "1" alike). */
  private pairOf(map: YAMLMap, key: PathItem): Pair | undefined {
    let index = this.pairsByKey.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const name = String(isScalar(p.key) ? p.key.value : p.key);
        if (!index.has(name)) index.set(name, p as Pair);
      }
      this.pairsByKey.set(map, index);
    }
    return index.get(String(key));
  }

  issue(path: readonly PathItem[], message: string, key = false): ConfigIssue {
    const { line, col } = this.position(path, key);
    return { file: this.file, line, col, field: formatPath(path), message };
  }
}

/** `connectors[1].type` */
export function formatPath(path: readonly PathItem[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The first line of the yaml package's message; its stack overflow on deep nesting said plainly. */
function syntaxMessage(message: string): string {
  if (message.includes('Maximum call stack size exceeded')) return `nested too deeply (at most ${MAX_YAML_DEPTH} levels)`;
  return message.split('\n')[0];
}

/**
 * The document's shape, checked in one pass before it becomes values: keys are plain and unique
 * per map, nesting stays within {@link MAX_YAML_DEPTH}, and the values — aliases counted as copies
 * of what they refer to, which is what `toJS` and every later check would walk — number at most
 * {@link MAX_YAML_NODES}. An alias bomb ("billion laughs") is stopped at the alias where it crosses
 * the limit; an alias to its own anchor (a cycle) and one to no anchor are errors too.
 */
function checkShape(doc: Document, at: (offset: number, message: string) => ConfigIssue): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  /** Anchor name → values under it, aliases expanded; PENDING while its node is being walked. */
  const anchors = new Map<string, number>();
  const PENDING = -1;
  let total = 0;
  let stopped = false;
  const stop = (node: Node, message: string) => {
    issues.push(at(node.range?.[0] ?? 0, message));
    stopped = true;
    return 0;
  };
  const tooMany = `more than ${MAX_YAML_NODES.toLocaleString('en-US')} values (aliases count as copies of what they refer to)`;

  function walk(node: unknown, depth: number): number {
    if (stopped || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const size = anchors.get(node.source);
      if (size === undefined) return stop(node, `YAML: alias *${node.source} refers to no anchor &${node.source} before it`);
      if (size === PENDING) return stop(node, `YAML: alias *${node.source} is inside its own anchor &${node.source} (a cycle)`);
      total += size;
      return total > MAX_YAML_NODES ? stop(node, tooMany) : size;
    }
    const n = node as Node;
    if (depth > MAX_YAML_DEPTH) return stop(n, `nested more than ${MAX_YAML_DEPTH} levels deep`);
    if (++total > MAX_YAML_NODES) return stop(n, tooMany);
    if (n.anchor) anchors.set(n.anchor, PENDING);
    let size = 1;
    if (isMap(n)) {
      const keys = new Set<unknown>();
      for (const pair of n.items) {
        const key = pair.key as Node | null;
        if (isCollection(key)) issues.push(at(key.range?.[0] ?? 0, 'YAML: a key must be a plain value, not a map or list'));
        else if (isScalar(key)) {
          if (keys.has(key.value)) issues.push(at(key.range?.[0] ?? 0, `YAML: duplicate key '${String(key.value)}'`));
          keys.add(key.value);
        }
        size += walk(key, depth + 1) + walk(pair.value, depth + 1);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) size += walk(item, depth + 1);
    }
    if (n.anchor) anchors.set(n.anchor, size);
    return size;
  }

  walk(doc.contents, 0);
  return issues;
}
