// Prints the lowered Python syntax as an indented tree, one node a line, for the fixture tests in
// test/fixtures/ast: a node's kind and its scalar fields on its own line, its child nodes below it,
// each under the name of the field that holds it. Source offsets are left out (they would make
// every fixture brittle) except for syntax errors, which print the text they cover.
import type { Module } from '../../src/analysis/python/ast';

const OFFSETS = new Set(['from', 'to', 'attrFrom', 'nameFrom']);

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function printNode(node: object, label: string, indent: string, out: string[]): void {
  const record = node as Record<string, unknown>;
  const head: string[] = [];
  if (typeof record.t === 'string') head.push(record.t);
  const children: [string, unknown][] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === 't' || OFFSETS.has(key)) continue;
    if (isScalar(value)) head.push(`${key}=${JSON.stringify(value)}`);
    else if (value === '*') head.push(`${key}=*`);
    else if (value !== null && !(Array.isArray(value) && value.length === 0)) children.push([key, value]);
  }
  out.push(`${indent}${label}${head.join(' ')}`.trimEnd());
  for (const [key, value] of children) printField(key, value, indent + '  ', out);
}

function printField(key: string, value: unknown, indent: string, out: string[]): void {
  if (!Array.isArray(value)) {
    printNode(value as object, `${key}: `, indent, out);
    return;
  }
  if (value.every(isScalar)) {
    out.push(`${indent}${key}: ${value.map((v) => JSON.stringify(v)).join(' ')}`);
    return;
  }
  out.push(`${indent}${key}:`);
  for (const item of value) {
    if (isScalar(item)) out.push(`${indent}  - ${JSON.stringify(item)}`);
    else if (Array.isArray(item)) printField('-', item, indent + '  ', out);
    else printNode(item as object, '- ', indent + '  ', out);
  }
}

/** The module's statements as an indented tree, then its syntax errors with the text they cover. */
export function printModule(module: Module, text: string): string {
  const out: string[] = [];
  for (const stmt of module.body) printNode(stmt, '', '', out);
  for (const e of module.errors) out.push(`! syntax error at ${e.from}: ${JSON.stringify(text.slice(e.from, e.to))}`);
  return out.join('\n');
}
