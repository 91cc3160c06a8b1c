/**
 * A YAML file read with its source positions, so that every later check (schema, cross-references)
 * can point at the line and column of the field it is about.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';

export type PathItem = string | number;

export class YamlFile {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Reads and parses `file`; a syntax error is a ConfigError with its position. */
  static read(file: string): YamlFile {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConfigError([{ file, line: 1, col: 1, field: '', message: code === 'ENOENT' ? 'no such file' : (e as Error).message }]);
    }
    return YamlFile.parse(file, text);
  }

  static parse(file: string, text: string): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { file, line: pos.line, col: pos.col, field: '', message: `YAML: ${e.message.split('\n')[0]}` };
        }),
      );
    }
    return new YamlFile(file, doc.toJS({ maxAliasCount: 100 }), doc, lines);
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
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === item);
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

  issue(path: readonly PathItem[], message: string, key = false): ConfigIssue {
    const { line, col } = this.position(path, key);
    return { file: this.file, line, col, field: formatPath(path), message };
  }
}

/** `connectors[1].type` */
export function formatPath(path: readonly PathItem[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
