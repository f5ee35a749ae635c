// A hand-written Python parser for the common case: a file without syntax errors read straight
// into `syntax.ts`'s tree in one pass, with no Lezer tree and no lowering. Its contract is strict:
// for every text it returns either null ("let Lezer do it") or exactly the module that
// `convertTree(parsePython(text).tree, text)` gives, with no errors. So it reproduces each quirk of
// @lezer/python's reading and of `lower.ts` (spans, chained comparisons, `not`'s reach, how
// strings and f-strings are lowered) and bails out on whatever it does not reproduce: syntax errors,
// rare constructs (match, async, await, yield expressions, type parameters), deep nesting, and any
// place where Lezer's reading of valid Python is an error. A bail is always safe: the caller parses
// with Lezer as before. Character codes and a tokenizer that keeps its current token in fields make
// it several times faster than parsing and lowering.

import type { Arg, CompClause, Expr, FunctionDef, Module, Param, Stmt } from './syntax';

/** Why the last call of `fastParsePython` returned null (for tools measuring coverage). */
let lastBail = '';

/** The reason the last `fastParsePython` call bailed out, or '' when it succeeded. */
export function fastParseBailReason(): string {
  return lastBail;
}

/**
 * Parses Python text into the analysis's syntax tree, or returns null when the text has a syntax
 * error or a construct this parser leaves to Lezer. A module it returns is identical to what the
 * Lezer path (`parsePython` + `convertTree`) gives for the same text, with no errors. Never throws.
 */
export function fastParsePython(text: string): Module | null {
  lastBail = '';
  try {
    const parser = new FastParser(text);
    return { body: parser.module(), errors: [] };
  } catch (e) {
    if (e instanceof Bail) {
      lastBail = e.reason;
      return null;
    }
    lastBail = 'exception: ' + String(e);
    return null;
  }
}

/** Whether `tryFastParse` uses the fast parser; tests and tools turn it off to compare with Lezer. */
let fastParseEnabled = true;

/** Turns the fast path of `tryFastParse` on or off (for tests and tools; on by default). */
export function setFastParseEnabled(on: boolean): void {
  fastParseEnabled = on;
}

/** `fastParsePython` unless the fast path was turned off: what the analysis calls. */
export function tryFastParse(text: string): Module | null {
  return fastParseEnabled ? fastParsePython(text) : null;
}

/** An operator or bracket: its kind, the text comparisons and augmented assignments carry, and how it moves the bracket depth. */
interface Operator {
  spelling: string;
  kind: number;
  text?: string;
  depth: number;
}

/**
 * Operators by their first character code, longest spelling first. Set once the token kinds exist
 * (see the end of this file).
 */
let OPERATORS: (Operator[] | undefined)[] = [];

/** Thrown inside the parser to give up on a text; caught once, at the top. */
class Bail {
  constructor(readonly reason: string) {}
}

// Token kinds. Keywords get their own kinds; operators too, so the parser compares numbers.
const EOF: number = 0;
const NEWLINE: number = 1;
const INDENT: number = 2;
const DEDENT: number = 3;
const NAME: number = 4;
const NUMBER: number = 5;
const STRING: number = 6;
const LPAR: number = 10;
const RPAR: number = 11;
const LSQB: number = 12;
const RSQB: number = 13;
const LBRACE: number = 14;
const RBRACE: number = 15;
const COMMA: number = 16;
const COLON: number = 17;
const SEMI: number = 18;
const DOT: number = 19;
const ELLIPSIS: number = 20;
const ASSIGN: number = 21;
const WALRUS: number = 22;
const ARROW: number = 23;
const AT: number = 24;
const STAR: number = 25;
const DSTAR: number = 26;
const AUGASSIGN: number = 27;
const COMPARE: number = 28;
const PLUS: number = 29;
const MINUS: number = 30;
const TILDE: number = 31;
const SLASH: number = 32;
const DSLASH: number = 33;
const PERCENT: number = 34;
const PIPE: number = 35;
const CARET: number = 36;
const AMP: number = 37;
const LSHIFT: number = 38;
const RSHIFT: number = 39;
const BANG: number = 40;

const K_AND: number = 50;
const K_AS: number = 51;
const K_ASSERT: number = 52;
const K_ASYNC: number = 53;
const K_AWAIT: number = 54;
const K_BREAK: number = 55;
const K_CLASS: number = 56;
const K_CONTINUE: number = 57;
const K_DEF: number = 58;
const K_DEL: number = 59;
const K_ELIF: number = 60;
const K_ELSE: number = 61;
const K_EXCEPT: number = 62;
const K_FINALLY: number = 63;
const K_FOR: number = 64;
const K_FROM: number = 65;
const K_GLOBAL: number = 66;
const K_IF: number = 67;
const K_IMPORT: number = 68;
const K_IN: number = 69;
const K_IS: number = 70;
const K_LAMBDA: number = 71;
const K_NONLOCAL: number = 72;
const K_NOT: number = 73;
const K_OR: number = 74;
const K_PASS: number = 75;
const K_RAISE: number = 76;
const K_RETURN: number = 77;
const K_TRY: number = 78;
const K_WHILE: number = 79;
const K_WITH: number = 80;
const K_YIELD: number = 81;
const K_NONE: number = 82;
const K_TRUE: number = 83;
const K_FALSE: number = 84;

/** The words @lezer/python specializes as keywords (`match`, `case`, `type` are soft: names here). */
const KEYWORDS = new Map<string, number>([
  ['and', K_AND],
  ['as', K_AS],
  ['assert', K_ASSERT],
  ['async', K_ASYNC],
  ['await', K_AWAIT],
  ['break', K_BREAK],
  ['class', K_CLASS],
  ['continue', K_CONTINUE],
  ['def', K_DEF],
  ['del', K_DEL],
  ['elif', K_ELIF],
  ['else', K_ELSE],
  ['except', K_EXCEPT],
  ['finally', K_FINALLY],
  ['for', K_FOR],
  ['from', K_FROM],
  ['global', K_GLOBAL],
  ['if', K_IF],
  ['import', K_IMPORT],
  ['in', K_IN],
  ['is', K_IS],
  ['lambda', K_LAMBDA],
  ['nonlocal', K_NONLOCAL],
  ['not', K_NOT],
  ['or', K_OR],
  ['pass', K_PASS],
  ['raise', K_RAISE],
  ['return', K_RETURN],
  ['try', K_TRY],
  ['while', K_WHILE],
  ['with', K_WITH],
  ['yield', K_YIELD],
  ['None', K_NONE],
  ['True', K_TRUE],
  ['False', K_FALSE],
]);

// Binary precedence levels, loosest first, as in @lezer/python's grammar.
const P_OR: number = 1;
const P_AND: number = 2;
const P_COMPARE: number = 3;
const P_BITOR: number = 4;
const P_XOR: number = 5;
const P_BITAND: number = 6;
const P_SHIFT: number = 7;
const P_PLUS: number = 8;
const P_TIMES: number = 9;
const P_POWER: number = 11;

/** Nesting (statements, brackets, operator chains) beyond which the parser leaves the text to Lezer. */
const MAX_DEPTH: number = 150;

// Character codes.
const C_NL: number = 10;
const C_CR: number = 13;
const C_SPACE: number = 32;
const C_TAB: number = 9;
const C_HASH: number = 35;
const C_BACKSLASH: number = 92;
const C_SQUOTE: number = 39;
const C_DQUOTE: number = 34;
const C_DOT: number = 46;
const C_LBRACE: number = 123;
const C_RBRACE: number = 125;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A binary operator's precedence for the current token, or 0. */
function binaryPrecedence(tok: number): number {
  switch (tok) {
    case K_OR:
      return P_OR;
    case K_AND:
      return P_AND;
    case COMPARE:
    case K_IN:
    case K_NOT:
    case K_IS:
      return P_COMPARE;
    case PIPE:
      return P_BITOR;
    case CARET:
      return P_XOR;
    case AMP:
      return P_BITAND;
    case LSHIFT:
    case RSHIFT:
      return P_SHIFT;
    case PLUS:
    case MINUS:
      return P_PLUS;
    case STAR:
    case AT:
    case SLASH:
    case DSLASH:
    case PERCENT:
      return P_TIMES;
    case DSTAR:
      return P_POWER;
    default:
      return 0;
  }
}

/** The value `lower.ts`'s `stringValue` gives a string body: escapes other than these kept verbatim. */
function unescapeBody(body: string): string {
  if (body.indexOf('\\') < 0) return body;
  let out = '';
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body.charCodeAt(i);
    if (c === C_BACKSLASH && i + 1 < n) {
      const d = body.charCodeAt(i + 1);
      if (d === 110) out += '\n';
      else if (d === 116) out += '\t';
      else if (d === 114) out += '\r';
      else if (d === C_BACKSLASH || d === C_SQUOTE || d === C_DQUOTE) out += body[i + 1];
      else if (d === C_NL) out += '';
      else {
        out += '\\';
        i++;
        continue;
      }
      i += 2;
      continue;
    }
    out += body[i];
    i++;
  }
  return out;
}

/** `{{` and `}}` of an f-string's literal text read as single braces, as `lower.ts` does. */
function unbrace(s: string): string {
  if (s.indexOf('{') < 0 && s.indexOf('}') < 0) return s;
  return s.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}

/** A parsed group of comma-separated items and its span, before it is read as one value or a tuple. */
interface Group {
  elts: Expr[];
  trailingComma: boolean;
  from: number;
  to: number;
}

class FastParser {
  private readonly n: number;
  private pos = 0;
  // The current token.
  private tok = EOF;
  private tokStart = 0;
  private tokEnd = 0;
  private tokText = '';
  private tokNum = 0;
  private tokIsFloat = false;
  private tokComplex = false;
  private tokStr = '';
  private tokParts: (string | Expr)[] | null = null;
  /** End of the last consumed token that has a width (newlines included, indents excluded). */
  private prevEnd = 0;
  private parenDepth = 0;
  private atLineStart = true;
  private lineOpen = false;
  private readonly indents: number[] = [0];
  private pendingDedents = 0;
  /** Whether the last token consumed was a dedent. */
  private afterDedent = false;
  private depth = 0;
  /** Whether a `yield` statement was met in the current function body. */
  private sawYield = false;
  /** Inside an f-string replacement: numbers with trailing dots and some constructs bail. */
  private inFormat = false;

  constructor(
    private readonly text: string,
    start = 0,
    bracketed = false,
  ) {
    this.n = text.length;
    this.pos = start;
    if (bracketed) {
      this.parenDepth = 1;
      this.atLineStart = false;
      this.inFormat = true;
    } else if (text.indexOf('\f') >= 0) this.bail('form feed');
    this.advance();
  }

  private bail(reason: string): never {
    throw new Bail(reason);
  }

  // ---- Tokenizer ----

  /** Consumes the current token and reads the next. */
  private advance(): void {
    this.afterDedent = this.tok === DEDENT;
    if (this.tok !== INDENT && this.tok !== DEDENT && this.tok !== EOF) this.prevEnd = this.tokEnd;
    this.scan();
  }

  private expect(kind: number, what: string): void {
    if (this.tok !== kind) this.bail('expected ' + what);
    this.advance();
  }

  /** At the start of a line outside brackets: an indent or dedent token (true), or nothing to emit. */
  private indentation(): boolean {
    const text = this.text;
    const n = this.n;
    // Indentation of the next line with content; blank and comment-only lines are skipped.
    for (;;) {
      let i = this.pos;
      let col = 0;
      for (;;) {
        const c = text.charCodeAt(i);
        if (c === C_SPACE) col++;
        else if (c === C_TAB) col += 8 - (col % 8);
        else break;
        i++;
      }
      if (i >= n) {
        // White space ending the text: Lezer reads indentation there too, an error at some depths.
        if (col > 0 && col !== this.indents[this.indents.length - 1]) this.bail('white space at the end');
        this.pos = i;
        break;
      }
      const c = text.charCodeAt(i);
      if (c === C_NL) {
        this.pos = i + 1;
        continue;
      }
      if (c === C_CR) {
        // A Windows line break; a lone carriage return is left to Lezer.
        if (text.charCodeAt(i + 1) !== C_NL) this.bail('carriage return');
        this.pos = i + 2;
        continue;
      }
      if (c === C_HASH) {
        while (i < n && text.charCodeAt(i) !== C_NL && text.charCodeAt(i) !== C_CR) i++;
        this.pos = i;
        continue;
      }
      if (c === C_BACKSLASH) this.bail('line starting with a backslash');
      this.atLineStart = false;
      this.pos = i;
      const top = this.indents[this.indents.length - 1];
      if (col > top) {
        // Lezer reads no indentation on the first line of a file: leave that to it.
        if (this.prevEnd === 0 && this.tokEnd === 0) this.bail('indented first line');
        this.indents.push(col);
        this.tok = INDENT;
        this.tokStart = this.tokEnd = i;
        return true;
      }
      if (col < top) {
        let count = 0;
        while (this.indents[this.indents.length - 1] > col) {
          this.indents.pop();
          count++;
        }
        if (this.indents[this.indents.length - 1] !== col) this.bail('inconsistent dedent');
        this.pendingDedents = count - 1;
        this.tok = DEDENT;
        this.tokStart = this.tokEnd = i;
        return true;
      }
      break;
    }
    return false;
  }

  private scan(): void {
    if (this.pendingDedents > 0) {
      this.pendingDedents--;
      this.tok = DEDENT;
      this.tokStart = this.tokEnd = this.pos;
      return;
    }
    const text = this.text;
    const n = this.n;
    if (this.atLineStart && this.parenDepth === 0 && this.indentation()) return;
    // White space, comments, line continuations; newlines inside brackets.
    let c = 0;
    for (;;) {
      if (this.pos >= n) break;
      c = text.charCodeAt(this.pos);
      if (c === C_SPACE || c === C_TAB) {
        this.pos++;
        continue;
      }
      if (c === C_BACKSLASH) {
        if (text.charCodeAt(this.pos + 1) !== C_NL) this.bail('backslash');
        this.pos += 2;
        // Lezer's blank-line and indentation tokens can start after a continuation: leave those to it.
        let j = this.pos;
        while (text.charCodeAt(j) === C_SPACE || text.charCodeAt(j) === C_TAB) j++;
        const d = text.charCodeAt(j);
        if (j >= n || d === C_NL || d === C_CR || d === C_HASH || d === C_BACKSLASH) this.bail('continuation before a blank line');
        continue;
      }
      if (c === C_HASH) {
        if (this.inFormat) this.bail('comment in an f-string');
        while (this.pos < n && text.charCodeAt(this.pos) !== C_NL && text.charCodeAt(this.pos) !== C_CR) this.pos++;
        continue;
      }
      if (c === C_CR) {
        // `\r\n`: Lezer's newline token is the `\r`, the `\n` a blank line after it.
        if (text.charCodeAt(this.pos + 1) !== C_NL) this.bail('carriage return');
        if (this.parenDepth > 0) {
          this.pos += 2;
          continue;
        }
        if (!this.lineOpen) {
          this.pos += 2;
          continue;
        }
        this.tok = NEWLINE;
        this.tokStart = this.pos;
        this.tokEnd = this.pos + 1;
        this.pos += 2;
        this.atLineStart = true;
        this.lineOpen = false;
        return;
      }
      if (c === C_NL) {
        if (this.parenDepth > 0) {
          this.pos++;
          continue;
        }
        if (!this.lineOpen) {
          // Only reachable after a dedent or indent on a line: cannot happen with content, but be safe.
          this.pos++;
          continue;
        }
        this.tok = NEWLINE;
        this.tokStart = this.pos;
        this.tokEnd = this.pos + 1;
        this.pos++;
        this.atLineStart = true;
        this.lineOpen = false;
        return;
      }
      break;
    }
    if (this.pos >= n) {
      if (this.parenDepth > 0) this.bail('end of text inside brackets');
      if (this.lineOpen) {
        this.lineOpen = false;
        this.tok = NEWLINE;
        this.tokStart = this.tokEnd = this.prevEnd;
        return;
      }
      if (this.indents.length > 1) {
        this.pendingDedents = this.indents.length - 2;
        this.indents.length = 1;
        this.tok = DEDENT;
        this.tokStart = this.tokEnd = n;
        return;
      }
      this.tok = EOF;
      this.tokStart = this.tokEnd = n;
      return;
    }
    this.lineOpen = true;
    const start = this.pos;
    this.tokStart = start;
    if (isIdentStart(c) || c >= 0xa1) {
      // @lezer/python's identifiers take every character from U+00A1 up, not only Python's.
      let i = start + 1;
      for (;;) {
        const w = text.charCodeAt(i);
        if (!(isIdentChar(w) || w >= 0xa1)) break;
        i++;
      }
      const d = text.charCodeAt(i);
      if (d >= 128) this.bail('non-ASCII character after a name');
      if (d === C_SQUOTE || d === C_DQUOTE) {
        this.stringToken(start, i);
        return;
      }
      const word = text.slice(start, i);
      this.pos = i;
      this.tokEnd = i;
      this.tokText = word;
      this.tok = KEYWORDS.get(word) ?? NAME;
      return;
    }
    if (isDigit(c) || (c === C_DOT && isDigit(text.charCodeAt(start + 1)))) {
      this.numberToken(start);
      return;
    }
    if (c === C_SQUOTE || c === C_DQUOTE) {
      this.stringToken(start, start);
      return;
    }
    if (c >= 128) this.bail('non-ASCII character');
    this.operator(start, c);
  }

  /** An operator or bracket token starting with character `c` at `start`: the longest spelling that matches. */
  private operator(start: number, c: number): void {
    const text = this.text;
    const candidates = OPERATORS[c];
    let found: Operator | undefined;
    if (candidates) {
      for (const op of candidates) {
        if (text.startsWith(op.spelling, start)) {
          found = op;
          break;
        }
      }
    }
    if (!found) return this.bail('unexpected character');
    this.parenDepth += found.depth;
    if (this.parenDepth < 0) this.bail('unbalanced bracket');
    if (found.text !== undefined) this.tokText = found.text;
    this.tok = found.kind;
    this.pos = start + found.spelling.length;
    this.tokEnd = this.pos;
  }

  /** A number literal at `start`, read the way @lezer/python's Number token and parse.ts's blanked dots read it. */
  private numberToken(start: number): void {
    const text = this.text;
    const n = this.n;
    let i = start;
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1) | 0x20;
    this.tokComplex = false;
    if (c0 === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      // Hexadecimal, octal, binary.
      i += 2;
      const bodyStart = i;
      for (;;) {
        const c = text.charCodeAt(i);
        const ok =
          c === 95 ||
          (c1 === 120 ? isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) : c1 === 111 ? c >= 48 && c <= 55 : c === 48 || c === 49);
        if (!ok) break;
        i++;
      }
      const after = text.charCodeAt(i);
      if (i === bodyStart || isIdentChar(after) || after === C_DOT || after >= 128) this.bail('number');
      const raw = text.slice(start, i).replace(/_/g, '');
      this.tokNum = Number(raw);
      this.tokIsFloat = false;
      this.finishNumber(start, i);
      return;
    }
    let plainInteger = true;
    if (c0 === C_DOT) plainInteger = false;
    else while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    if (text.charCodeAt(i) === C_DOT && isDigit(text.charCodeAt(i + 1))) {
      plainInteger = false;
      i += 2;
      while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    }
    let c = text.charCodeAt(i);
    if (c === 101 || c === 69) {
      let j = i + 1;
      const s = text.charCodeAt(j);
      if (s === 43 || s === 45) j++;
      if (isDigit(text.charCodeAt(j))) {
        plainInteger = false;
        i = j + 1;
        while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
      }
    }
    c = text.charCodeAt(i);
    if (c === 106 || c === 74) {
      i++;
      this.tokComplex = true;
      const after = text.charCodeAt(i);
      if (isIdentChar(after) || after === C_DOT || after >= 128) this.bail('number');
      this.finishNumber(start, i);
      return;
    }
    const raw = text.slice(start, i);
    const after = text.charCodeAt(i);
    if (isIdentChar(after) || after >= 128) this.bail('number followed by a word');
    let isFloat = !plainInteger;
    if (after === C_DOT) {
      // `6.`: parse.ts blanks the dot and the lowering reads a float; anything else is Lezer's.
      const next = text.charCodeAt(i + 1);
      if (!plainInteger || this.inFormat || text.charCodeAt(start - 1) === C_DOT || isIdentChar(next) || next === C_DOT || next >= 128)
        this.bail('number followed by a dot');
      isFloat = true;
      this.tokNum = Number(raw.indexOf('_') >= 0 ? raw.replace(/_/g, '') : raw);
      this.tokIsFloat = true;
      this.finishNumber(start, i);
      this.pos = i + 1;
      return;
    }
    this.tokNum = Number(raw.indexOf('_') >= 0 ? raw.replace(/_/g, '') : raw);
    this.tokIsFloat = isFloat;
    this.finishNumber(start, i);
  }

  private finishNumber(start: number, end: number): void {
    this.tok = NUMBER;
    this.tokStart = start;
    this.tokEnd = end;
    this.pos = end;
  }

  /**
   * A string literal with prefix from `start` to `quoteAt`: its value (or an f-string's parts) is
   * kept in the token fields.
   */
  private stringToken(start: number, quoteAt: number): void {
    const text = this.text;
    const n = this.n;
    const plen = quoteAt - start;
    let raw = false;
    let format = false;
    if (plen > 0) {
      const a = text.charCodeAt(start) | 0x20;
      const b = plen === 2 ? text.charCodeAt(start + 1) | 0x20 : 0;
      if (plen === 1) {
        if (a === 114) raw = true;
        else if (a === 102) format = true;
        else if (a !== 117 && a !== 98) this.bail('string prefix');
      } else if (plen === 2) {
        if ((a === 114 && b === 98) || (a === 98 && b === 114)) raw = true;
        else if ((a === 114 && b === 102) || (a === 102 && b === 114)) {
          raw = true;
          format = true;
        } else this.bail('string prefix');
      } else this.bail('string prefix');
    }
    const q = text.charCodeAt(quoteAt);
    const long = text.charCodeAt(quoteAt + 1) === q && text.charCodeAt(quoteAt + 2) === q;
    const qlen = long ? 3 : 1;
    let i = quoteAt + qlen;
    const bodyStart = i;
    const parts: (string | Expr)[] | null = format ? [] : null;
    let partStart = bodyStart;
    for (;;) {
      if (i >= n) this.bail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === C_BACKSLASH) {
        if (format) {
          const d = text.charCodeAt(i + 1);
          if (d === C_LBRACE || d === C_RBRACE || d === 78) this.bail('f-string escape');
        }
        i += 2;
        continue;
      }
      if (c === q && (!long || (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q))) break;
      if (c === C_NL && !long) this.bail('unterminated string');
      if (format && c === C_LBRACE) {
        if (text.charCodeAt(i + 1) === C_LBRACE) {
          i += 2;
          continue;
        }
        if (i > partStart) parts!.push(unbrace(text.slice(partStart, i)));
        i = this.formatReplacement(i, q, long, parts!);
        partStart = i;
        continue;
      }
      i++;
    }
    const bodyEnd = i;
    const end = i + qlen;
    if (format) {
      if (bodyEnd > partStart) parts!.push(unbrace(text.slice(partStart, bodyEnd)));
      this.tokParts = parts;
    } else {
      this.tokParts = null;
      const body = text.slice(bodyStart, bodyEnd);
      this.tokStr = raw ? body : unescapeBody(body);
    }
    this.tok = STRING;
    this.tokStart = start;
    this.tokEnd = end;
    this.pos = end;
  }

  /**
   * An f-string replacement whose `{` is at `open`: its expression goes into `parts`; returns the
   * offset just past its closing `}`.
   */
  private formatReplacement(open: number, quote: number, long: boolean, parts: (string | Expr)[]): number {
    if (this.depth > MAX_DEPTH) this.bail('nesting');
    const sub = new FastParser(this.text, open + 1, true);
    sub.depth = this.depth + 1;
    if (sub.tok === K_YIELD || sub.tok === STAR || sub.tok === K_LAMBDA) sub.bail('f-string replacement');
    const e = sub.test();
    if (sub.tok === COMMA) sub.bail('f-string tuple');
    let i: number;
    // The expression's last token was read by the sub-parser; look at raw characters after it.
    if (sub.tok === RBRACE) {
      parts.push(e);
      return sub.tokEnd;
    }
    if (sub.tok === ASSIGN) i = sub.tokEnd;
    else if (sub.tok === BANG || sub.tok === COLON) i = sub.tokStart;
    else return sub.bail('f-string replacement end');
    const text = this.text;
    if (text.charCodeAt(i) === 33) {
      const k = text.charCodeAt(i + 1);
      if (k !== 115 && k !== 114 && k !== 97) this.bail('f-string conversion');
      i += 2;
    }
    if (text.charCodeAt(i) === 58) {
      // A format spec: characters up to the closing brace, with nested replacements.
      i++;
      for (;;) {
        const c = text.charCodeAt(i);
        if (i >= this.n || c === quote || c === C_BACKSLASH || c === C_CR || (c === C_NL && !long)) this.bail('f-string spec');
        if (c === C_RBRACE) break;
        if (c === C_LBRACE) {
          i = this.formatReplacement(i, quote, long, []);
          continue;
        }
        i++;
      }
    }
    if (text.charCodeAt(i) !== C_RBRACE) this.bail('f-string replacement end');
    parts.push(e);
    return i + 1;
  }

  // ---- Statements ----

  module(): Stmt[] {
    const body: Stmt[] = [];
    this.statements(body, EOF);
    return body;
  }

  /**
   * Statements up to `end` (the end of the text or of an indented block). Lezer forces reductions
   * after about 300 statements of one list (its kludge against deep left-associative trees), which
   * turns a statement starting with an expression at that point into an error; one starting with a
   * keyword such as `def`, `class` or `import` is unaffected. Long lists with late expression
   * statements are left to Lezer.
   */
  private statements(out: Stmt[], end: number): void {
    let count = 0;
    let expressionLate = false;
    while (this.tok !== end) {
      if (this.tok === EOF) this.bail('end of text in block');
      if (++count > 200 && !this.startsWithKeyword()) expressionLate = true;
      this.statement(out);
    }
    if (count > 250 && expressionLate) this.bail('over 250 statements in one block');
  }

  private startsWithKeyword(): boolean {
    const t = this.tok;
    return (
      t === K_DEF ||
      t === K_CLASS ||
      t === AT ||
      t === K_IMPORT ||
      t === K_FROM ||
      t === K_IF ||
      t === K_FOR ||
      t === K_WHILE ||
      t === K_TRY ||
      t === K_WITH ||
      t === K_ASYNC
    );
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.bail('nesting');
  }

  private statement(out: Stmt[]): void {
    this.enter();
    switch (this.tok) {
      case K_IF:
        this.ifStatement(out);
        break;
      case K_WHILE:
        this.whileStatement(out);
        break;
      case K_FOR:
        this.forStatement(out);
        break;
      case K_TRY:
        this.tryStatement(out);
        break;
      case K_WITH:
        this.withStatement(out);
        break;
      case K_DEF: {
        const from = this.tokStart;
        const def = this.funcDef([], from);
        out.push({ t: 'def', def, from, to: def.to });
        break;
      }
      case K_CLASS: {
        const from = this.tokStart;
        const def = this.classDef([], from);
        out.push({ t: 'class', def, from, to: def.to });
        break;
      }
      case AT:
        this.decorated(out);
        break;
      case INDENT:
        this.bail('unexpected indent');
        break;
      case DEDENT:
      case NEWLINE:
        this.bail('unexpected line end');
        break;
      case K_ASYNC: {
        const from = this.tokStart;
        this.advance();
        if (this.tok === K_DEF) {
          const def = this.funcDef([], from);
          out.push({ t: 'def', def, from, to: def.to });
        } else if (this.tok === K_FOR) this.forStatement(out, from);
        else if (this.tok === K_WITH) this.withStatement(out, from);
        else this.bail('async');
        break;
      }
      default:
        this.simpleLine(out);
    }
    this.depth--;
  }

  /** Small statements separated by semicolons, up to the end of the line. */
  private simpleLine(out: Stmt[]): void {
    this.smallStatement(out);
    while (this.tok === SEMI) {
      this.advance();
      if (this.tok === NEWLINE) break;
      this.smallStatement(out);
    }
    if (this.tok !== NEWLINE) this.bail('expected end of line');
    this.advance();
  }

  /** A block after `:`: statements on the same line, or an indented block. */
  private body(): Stmt[] {
    this.expect(COLON, ':');
    const out: Stmt[] = [];
    if (this.tok !== NEWLINE) {
      if (this.tok >= K_AND && this.isCompoundKeyword()) this.bail('compound statement after colon');
      this.simpleLine(out);
      return out;
    }
    this.advance();
    if (this.tok !== INDENT) this.bail('expected indented block');
    this.advance();
    this.statements(out, DEDENT);
    this.advance();
    return out;
  }

  private isCompoundKeyword(): boolean {
    const t = this.tok;
    return t === K_IF || t === K_WHILE || t === K_FOR || t === K_TRY || t === K_WITH || t === K_DEF || t === K_CLASS || t === K_ASYNC;
  }

  private ifStatement(out: Stmt[]): void {
    const from = this.tokStart;
    const branches: { test: Expr; body: Stmt[] }[] = [];
    this.advance();
    const test = this.testNamed();
    branches.push({ test, body: this.body() });
    let orelse: Stmt[] | null = null;
    while (this.tok === K_ELIF) {
      this.advance();
      const t = this.testNamed();
      branches.push({ test: t, body: this.body() });
    }
    if (this.tok === K_ELSE) {
      this.advance();
      orelse = this.body();
    }
    out.push({ t: 'if', branches, orelse, from, to: this.prevEnd });
  }

  private whileStatement(out: Stmt[]): void {
    const from = this.tokStart;
    this.advance();
    const test = this.testNamed();
    const body = this.body();
    let orelse: Stmt[] | null = null;
    if (this.tok === K_ELSE) {
      this.advance();
      orelse = this.body();
    }
    out.push({ t: 'while', test, body, orelse, from, to: this.prevEnd });
  }

  private forStatement(out: Stmt[], from = this.tokStart): void {
    this.advance();
    const target = this.groupValue(this.exprList(true, false));
    this.expect(K_IN, 'in');
    const iter = this.groupValue(this.testList());
    const body = this.body();
    let orelse: Stmt[] | null = null;
    if (this.tok === K_ELSE) {
      this.advance();
      orelse = this.body();
    }
    out.push({ t: 'for', target, iter, body, orelse, from, to: this.prevEnd });
  }

  private tryStatement(out: Stmt[]): void {
    const from = this.tokStart;
    this.advance();
    const body = this.body();
    const handlers: { type: Expr | null; name: string | null; body: Stmt[] }[] = [];
    while (this.tok === K_EXCEPT) {
      this.advance();
      if (this.tok === STAR) this.advance();
      let type: Expr | null = null;
      let name: string | null = null;
      if (this.tok !== COLON) {
        type = this.test();
        if (this.tok === K_AS) {
          this.advance();
          if (this.tok !== NAME) this.bail('except name');
          name = this.tokText;
          this.advance();
        }
      }
      handlers.push({ type, name, body: this.body() });
    }
    let orelse: Stmt[] | null = null;
    let final: Stmt[] | null = null;
    if (this.tok === K_ELSE) {
      this.advance();
      orelse = this.body();
    }
    if (this.tok === K_FINALLY) {
      this.advance();
      final = this.body();
    }
    if (handlers.length === 0 && final === null) this.bail('try without handlers');
    out.push({ t: 'try', body, handlers, orelse, final, from, to: this.prevEnd });
  }

  private withStatement(out: Stmt[], from = this.tokStart): void {
    this.advance();
    const items: { expr: Expr; target: Expr | null }[] = [];
    for (;;) {
      const expr = this.test();
      let target: Expr | null = null;
      if (this.tok === K_AS) {
        this.advance();
        if (this.tok !== NAME) this.bail('with target');
        target = { t: 'name', id: this.tokText, from: this.tokStart, to: this.tokEnd };
        this.advance();
      }
      items.push({ expr, target });
      if (this.tok !== COMMA) break;
      this.advance();
      if (this.tok === COLON) break;
    }
    const body = this.body();
    out.push({ t: 'with', items, body, from, to: this.prevEnd });
  }

  private funcDef(decorators: Expr[], from: number): FunctionDef {
    this.advance();
    if (this.tok !== NAME) this.bail('def name');
    const name = this.tokText;
    const nameFrom = this.tokStart;
    this.advance();
    if (this.tok !== LPAR) this.bail('def parameters');
    const outerYield = this.sawYield;
    this.advance();
    const params = this.params(RPAR, true);
    this.expect(RPAR, ')');
    if (this.tok === ARROW) {
      this.advance();
      this.test();
    }
    this.sawYield = false;
    const body = this.body();
    const isGenerator = this.sawYield;
    this.sawYield = outerYield;
    return { name, nameFrom, params, body, decorators, isGenerator, from, to: this.prevEnd };
  }

  private classDef(
    decorators: Expr[],
    from: number,
  ): { name: string; bases: Arg[]; body: Stmt[]; decorators: Expr[]; from: number; to: number } {
    this.advance();
    if (this.tok !== NAME) this.bail('class name');
    const name = this.tokText;
    this.advance();
    const outerYield = this.sawYield;
    let bases: Arg[] = [];
    if (this.tok === LPAR) bases = this.args();
    else if (this.tok !== COLON) this.bail('class header');
    const body = this.body();
    this.sawYield = outerYield;
    return { name, bases, body, decorators, from, to: this.prevEnd };
  }

  private decorated(out: Stmt[]): void {
    const from = this.tokStart;
    const decorators: Expr[] = [];
    while (this.tok === AT) {
      this.advance();
      if (this.tok !== NAME) this.bail('decorator');
      let e: Expr = { t: 'name', id: this.tokText, from: this.tokStart, to: this.tokEnd };
      this.advance();
      while (this.tok === DOT) {
        this.advance();
        if (this.tok !== NAME) this.bail('decorator');
        e = { t: 'attr', obj: e, attr: this.tokText, attrFrom: this.tokStart, from: e.from, to: this.tokEnd };
        this.advance();
      }
      if (this.tok === LPAR) {
        const args = this.args();
        e = { t: 'call', fn: e, args, from: e.from, to: this.prevEnd };
      }
      if (this.tok !== NEWLINE) this.bail('decorator end');
      this.advance();
      decorators.push(e);
    }
    const defFrom = this.tokStart;
    if (this.tok === K_ASYNC) {
      this.advance();
      if (this.tok !== K_DEF) this.bail('decorated async');
    }
    if (this.tok === K_DEF) {
      const def = this.funcDef(decorators, defFrom);
      out.push({ t: 'def', def, from, to: def.to });
    } else if (this.tok === K_CLASS) {
      const def = this.classDef(decorators, this.tokStart);
      out.push({ t: 'class', def, from, to: def.to });
    } else this.bail('decorated statement');
  }

  /** Parameters of a `def` (with annotations) or a lambda, up to `close`. */
  private params(close: number, annotated: boolean): Param[] {
    const out: Param[] = [];
    let kind: Param['kind'] = 'pos';
    while (this.tok !== close) {
      if (this.tok === STAR || this.tok === DSTAR) {
        const star = this.tok === STAR;
        const from = this.tokStart;
        this.advance();
        if (this.tok === NAME) {
          const p: Param = { name: this.tokText, kind: star ? 'star' : 'dstar', default: null, annotation: null, from, to: this.tokEnd };
          this.advance();
          if (annotated && this.tok === COLON) {
            this.advance();
            p.annotation = this.test();
          }
          out.push(p);
        } else if (!star) this.bail('** parameter');
        if (star) kind = 'kwonly';
      } else if (this.tok === SLASH && annotated) {
        this.advance();
      } else if (this.tok === NAME) {
        const p: Param = { name: this.tokText, kind, default: null, annotation: null, from: this.tokStart, to: this.tokEnd };
        this.advance();
        if (annotated && this.tok === COLON) {
          this.advance();
          p.annotation = this.test();
        }
        if (this.tok === ASSIGN) {
          this.advance();
          p.default = this.test();
          p.to = this.prevEnd;
        }
        out.push(p);
      } else this.bail('parameter');
      if (this.tok !== COMMA) break;
      this.advance();
    }
    return out;
  }

  private smallStatement(out: Stmt[]): void {
    const from = this.tokStart;
    switch (this.tok) {
      case K_PASS:
        this.advance();
        out.push({ t: 'pass', from, to: this.prevEnd });
        return;
      case K_BREAK:
        this.advance();
        out.push({ t: 'break', from, to: this.prevEnd });
        return;
      case K_CONTINUE:
        this.advance();
        out.push({ t: 'continue', from, to: this.prevEnd });
        return;
      case K_RETURN: {
        this.advance();
        let value: Expr | null = null;
        if (!this.atStatementEnd()) value = this.groupValue(this.exprList(true, true));
        out.push({ t: 'return', value, from, to: this.prevEnd });
        return;
      }
      case K_DEL: {
        this.advance();
        const targets: Expr[] = [];
        for (;;) {
          targets.push(this.expression());
          if (this.tok !== COMMA) break;
          this.advance();
          if (this.atStatementEnd()) break;
        }
        out.push({ t: 'delete', targets, from, to: this.prevEnd });
        return;
      }
      case K_GLOBAL:
      case K_NONLOCAL: {
        this.advance();
        const names: string[] = [];
        for (;;) {
          if (this.tok !== NAME) this.bail('scope name');
          names.push(this.tokText);
          this.advance();
          if (this.tok !== COMMA) break;
          this.advance();
          if (this.atStatementEnd()) break;
        }
        out.push({ t: 'scope', names, from, to: this.prevEnd });
        return;
      }
      case K_ASSERT: {
        this.advance();
        const test = this.test();
        while (this.tok === COMMA) {
          this.advance();
          if (this.atStatementEnd()) break;
          this.test();
        }
        out.push({ t: 'assert', test, from, to: this.prevEnd });
        return;
      }
      case K_RAISE: {
        this.advance();
        let value: Expr | null = null;
        if (!this.atStatementEnd()) {
          value = this.test();
          if (this.tok === K_FROM) {
            this.advance();
            this.test();
          } else if (this.tok === COMMA) this.bail('raise with commas');
        }
        out.push({ t: 'raise', value, from, to: this.prevEnd });
        return;
      }
      case K_IMPORT:
        this.importStatement(out, from);
        return;
      case K_FROM:
        this.fromImport(out, from);
        return;
      case K_YIELD: {
        this.advance();
        this.sawYield = true;
        if (this.tok === K_FROM) {
          this.advance();
          this.test();
        } else if (!this.atStatementEnd()) this.exprList(true, true);
        else {
          // A bare `yield` ends where Lezer's empty error node sits: at the next token, after any
          // white space and comment.
          if (this.tokStart === this.tokEnd && this.tokStart !== this.n) this.bail('bare yield at the end');
          const to = this.tokStart;
          out.push({ t: 'expr', value: { t: 'error', what: 'yield', from, to }, from, to });
          return;
        }
        out.push({ t: 'expr', value: { t: 'error', what: 'yield', from, to: this.prevEnd }, from, to: this.prevEnd });
        return;
      }
      case NAME:
        if (this.tokText === 'print' && this.isPrintStatement()) {
          // Lezer's print tokenizer runs before its indentation one: a print statement on a line
          // that closes blocks joins the block above, and their spans reach over it.
          if (this.afterDedent) this.bail('print statement after a dedent');
          // Python 2's `print x`: Lezer reads one expression after it, and the lowering drops it.
          this.advance();
          this.test();
          return;
        }
        break;
    }
    this.exprStatement(out, from);
  }

  /** @lezer/python reads `print` followed by anything but `(`, `.`, a line end or a comment as Python 2's print statement. */
  private isPrintStatement(): boolean {
    let i = this.tokEnd;
    while (this.text.charCodeAt(i) === C_SPACE || this.text.charCodeAt(i) === C_TAB) i++;
    if (i >= this.n) this.bail('print at the end');
    const c = this.text.charCodeAt(i);
    // A continuation after `print` is white space to Lezer but not to its print tokenizer.
    if (c === C_BACKSLASH) this.bail('print continued');
    return c !== 40 && c !== C_DOT && c !== C_NL && c !== C_CR && c !== C_HASH;
  }

  private atStatementEnd(): boolean {
    return this.tok === NEWLINE || this.tok === SEMI;
  }

  private importStatement(out: Stmt[], from: number): void {
    this.advance();
    const names: { module: string[]; alias: string | null }[] = [];
    for (;;) {
      const module = this.dottedName();
      let alias: string | null = null;
      if (this.tok === K_AS) {
        this.advance();
        if (this.tok !== NAME) this.bail('import alias');
        alias = this.tokText;
        this.advance();
      }
      names.push({ module, alias });
      if (this.tok !== COMMA) break;
      this.advance();
      if (this.atStatementEnd()) this.bail('import trailing comma');
    }
    out.push({ t: 'import', names, from, to: this.prevEnd });
  }

  private dottedName(): string[] {
    const out: string[] = [];
    for (;;) {
      if (this.tok !== NAME) this.bail('dotted name');
      out.push(this.tokText);
      this.advance();
      if (this.tok !== DOT) return out;
      this.advance();
    }
  }

  private fromImport(out: Stmt[], from: number): void {
    this.advance();
    let level = 0;
    while (this.tok === DOT || this.tok === ELLIPSIS) {
      level += this.tok === DOT ? 1 : 3;
      this.advance();
    }
    let module: string[] = [];
    if (this.tok === NAME) module = this.dottedName();
    else if (level === 0) this.bail('from import module');
    this.expect(K_IMPORT, 'import');
    if (this.tok === STAR) {
      this.advance();
      out.push({ t: 'importfrom', level, module, names: '*', from, to: this.prevEnd });
      return;
    }
    const paren = this.tok === LPAR;
    if (paren) this.advance();
    const names: { name: string; alias: string | null }[] = [];
    for (;;) {
      if (this.tok !== NAME) this.bail('imported name');
      const entry = { name: this.tokText, alias: null as string | null };
      this.advance();
      if (this.tok === K_AS) {
        this.advance();
        if (this.tok !== NAME) this.bail('import alias');
        entry.alias = this.tokText;
        this.advance();
      }
      names.push(entry);
      if (this.tok !== COMMA) break;
      this.advance();
      if (paren && this.tok === RPAR) break;
      if (!paren && this.atStatementEnd()) this.bail('import trailing comma');
    }
    if (paren) this.expect(RPAR, ')');
    out.push({ t: 'importfrom', level, module, names, from, to: this.prevEnd });
  }

  /** Expression, assignment, annotated assignment or augmented assignment statement. */
  private exprStatement(out: Stmt[], from: number): void {
    const first = this.exprList(true, true);
    if (this.tok === AUGASSIGN) {
      if (first.elts.length !== 1 || first.trailingComma || first.elts[0].t === 'starred') this.bail('augmented assignment target');
      const op = this.tokText;
      this.advance();
      if (this.tok === K_YIELD) this.bail('yield expression');
      const value = this.groupValue(this.testList());
      out.push({ t: 'augassign', target: first.elts[0], op, value, from, to: this.prevEnd });
      return;
    }
    if (this.tok === COLON) {
      // `type: X` and `match: X` annotate a name; anything longer might be a soft keyword's statement.
      const single = first.elts.length === 1 && !first.trailingComma && first.elts[0].t === 'name';
      if (!single && this.firstWasSoftKeyword(from)) this.bail('soft keyword statement');
      this.advance();
      const annotation = this.test();
      if (this.tok === ASSIGN) {
        const targets = [this.groupValue(first)];
        let value: Expr | null = null;
        while (this.tok === ASSIGN) {
          this.advance();
          if (this.tok === K_YIELD) this.bail('yield expression');
          if (value) targets.push(value);
          value = this.groupValue(this.exprList(true, true));
        }
        out.push({ t: 'assign', targets, value, annotation, from, to: this.prevEnd });
        return;
      }
      out.push({ t: 'assign', targets: [this.groupValue(first)], value: null, annotation, from, to: this.prevEnd });
      return;
    }
    if (this.tok === ASSIGN) {
      const targets = [this.groupValue(first)];
      let value: Expr | null = null;
      while (this.tok === ASSIGN) {
        this.advance();
        if (this.tok === K_YIELD) this.bail('yield expression');
        if (value) targets.push(value);
        value = this.groupValue(this.exprList(true, true));
      }
      out.push({ t: 'assign', targets, value, annotation: null, from, to: this.prevEnd });
      return;
    }
    out.push({ t: 'expr', value: this.groupValue(first), from, to: this.prevEnd });
  }

  private firstWasSoftKeyword(from: number): boolean {
    const t = this.text;
    const word = t.startsWith('match', from) ? 5 : t.startsWith('case', from) || t.startsWith('type', from) ? 4 : 0;
    return word > 0 && !isIdentChar(t.charCodeAt(from + word));
  }

  // ---- Expression lists ----

  /**
   * Comma-separated items: `*expression` allowed when `star`, each item an `expression` (no
   * comparisons: a `for` target) when `targets`... otherwise a `test`.
   */
  private exprList(star: boolean, tests: boolean): Group {
    const from = this.tokStart;
    const elts: Expr[] = [];
    let trailingComma = false;
    for (;;) {
      if (this.tok === STAR) {
        if (!star) this.bail('starred item');
        const s = this.tokStart;
        this.advance();
        const value = this.expression();
        elts.push({ t: 'starred', value, from: s, to: this.prevEnd });
      } else elts.push(tests ? this.test() : this.expression());
      trailingComma = false;
      if (this.tok !== COMMA) break;
      this.advance();
      trailingComma = true;
      if (!this.startsExpression()) break;
    }
    return { elts, trailingComma, from, to: this.prevEnd };
  }

  /** Comma-separated tests (no starred items): `for` iterables, augmented assignment values. */
  private testList(): Group {
    const from = this.tokStart;
    const elts: Expr[] = [];
    let trailingComma = false;
    for (;;) {
      if (this.tok === STAR) this.bail('starred item');
      elts.push(this.test());
      trailingComma = false;
      if (this.tok !== COMMA) break;
      this.advance();
      trailingComma = true;
      if (!this.startsExpression()) break;
    }
    return { elts, trailingComma, from, to: this.prevEnd };
  }

  /** `commaGroup`: one item without a trailing comma is itself, else a tuple over the group's span. */
  private groupValue(g: Group): Expr {
    if (g.elts.length === 1 && !g.trailingComma) return g.elts[0];
    return { t: 'tuple', elts: g.elts, from: g.from, to: g.to };
  }

  private startsExpression(): boolean {
    switch (this.tok) {
      case NAME:
      case NUMBER:
      case STRING:
      case LPAR:
      case LSQB:
      case LBRACE:
      case MINUS:
      case PLUS:
      case TILDE:
      case ELLIPSIS:
      case K_NONE:
      case K_TRUE:
      case K_FALSE:
      case K_NOT:
      case K_LAMBDA:
      case K_AWAIT:
      case STAR:
        return true;
      default:
        return false;
    }
  }

  // ---- Expressions ----

  /** `testNamed`: a test, or a walrus whose target is the test's source text. */
  private testNamed(): Expr {
    const from = this.tokStart;
    const e = this.test();
    if (this.tok !== WALRUS) return e;
    if (e.t !== 'name' || e.from !== from || e.to !== this.prevEnd) this.bail('walrus target');
    this.advance();
    const value = this.test();
    return { t: 'walrus', target: e.id, value, from, to: this.prevEnd };
  }

  /** `test`: a conditional expression, a lambda, or an `or` level expression. */
  private test(): Expr {
    if (this.tok === K_LAMBDA) return this.lambda();
    this.enter();
    const from = this.tokStart;
    const body = this.binary(P_OR);
    if (this.tok !== K_IF) {
      this.depth--;
      return body;
    }
    this.advance();
    const test = this.binary(P_OR);
    this.expect(K_ELSE, 'else');
    const orelse = this.test();
    this.depth--;
    return { t: 'ifexp', body, test, orelse, from, to: this.prevEnd };
  }

  private lambda(): Expr {
    const from = this.tokStart;
    this.enter();
    this.advance();
    const outerYield = this.sawYield;
    const params = this.params(COLON, false);
    this.expect(COLON, ':');
    const body = this.test();
    this.sawYield = outerYield;
    this.depth--;
    return { t: 'lambda', params, body, from, to: this.prevEnd };
  }

  /** `expression`: binary operators down from `|` (no comparisons, `not`, `and`, `or`). */
  private expression(): Expr {
    if (this.tok === K_NOT) this.bail('not in expression');
    return this.binary(P_BITOR);
  }

  /**
   * Precedence climbing over binary operators of precedence at least `min`, building the nodes
   * `lower.ts`'s `binaryExpression` builds from Lezer's left-nested tree.
   */
  private binary(min: number): Expr {
    const from = this.tokStart;
    let left: Expr;
    if (this.tok === K_NOT) {
      // `not` takes a whole `or` level expression after it in @lezer/python (`not a or b` is
      // `not (a or b)`), and stands only where a comparison's or a boolean's operand may.
      if (min > P_BITOR) this.bail('not in operand');
      this.advance();
      this.enter();
      const operand = this.binary(P_OR);
      this.depth--;
      return { t: 'unary', op: 'not', operand, from, to: this.prevEnd };
    }
    left = this.unary();
    let leftIsBinary = false;
    let chain = 0;
    for (;;) {
      const prec = binaryPrecedence(this.tok);
      if (prec === 0 || prec < min) break;
      let op: string;
      if (this.tok === K_NOT) {
        this.advance();
        if (this.tok !== K_IN) this.bail('not without in');
        op = 'not in';
        this.advance();
      } else if (this.tok === K_IS) {
        this.advance();
        if (this.tok === K_NOT) {
          op = 'is not';
          this.advance();
        } else op = 'is';
      } else {
        op = this.opText();
        this.advance();
      }
      if (++chain + this.depth > MAX_DEPTH) this.bail('nesting');
      // Right operand: tighter for left-associative operators, equal for `**`.
      const right = prec === P_POWER ? this.unaryPower() : this.binary(prec + 1);
      left = this.combine(left, leftIsBinary, from, op, prec, right);
      leftIsBinary = true;
    }
    return left;
  }

  private opText(): string {
    switch (this.tok) {
      case K_OR:
        return 'or';
      case K_AND:
        return 'and';
      case K_IN:
        return 'in';
      case COMPARE:
      case AUGASSIGN:
        return this.tokText;
      case PIPE:
        return '|';
      case CARET:
        return '^';
      case AMP:
        return '&';
      case LSHIFT:
        return '<<';
      case RSHIFT:
        return '>>';
      case PLUS:
        return '+';
      case MINUS:
        return '-';
      case STAR:
        return '*';
      case AT:
        return '@';
      case SLASH:
        return '/';
      case DSLASH:
        return '//';
      case PERCENT:
        return '%';
      case DSTAR:
        return '**';
      default:
        return this.bail('operator');
    }
  }

  private combine(left: Expr, leftIsBinary: boolean, from: number, op: string, prec: number, right: Expr): Expr {
    const to = this.prevEnd;
    if (prec === P_OR || prec === P_AND) return { t: 'boolop', op: op as 'and' | 'or', left, right, from, to };
    if (prec === P_COMPARE) {
      // Lezer nests `a < b <= c` to the left; the lowering reads Python's `a < b and b <= c`.
      if (left.t === 'compare' && leftIsBinary) {
        const middle = left.right;
        return { t: 'boolop', op: 'and', left, right: { t: 'compare', op, left: middle, right, from: middle.from, to }, from, to };
      }
      if (left.t === 'boolop' && left.op === 'and' && left.right.t === 'compare' && leftIsBinary && this.text.charCodeAt(from) !== 40) {
        const middle = left.right.right;
        return { t: 'boolop', op: 'and', left, right: { t: 'compare', op, left: middle, right, from: middle.from, to }, from, to };
      }
      return { t: 'compare', op, left, right, from, to };
    }
    return { t: 'binop', op, left, right, from, to };
  }

  /** A unary operator's operand and a power's right side: unary operators, then primaries with `**`. */
  private unaryPower(): Expr {
    return this.unary();
  }

  /** `-x`, `+x`, `~x` (binding looser than `**`), or a power expression. */
  private unary(): Expr {
    const t = this.tok;
    if (t === K_AWAIT) {
      // The lowering reads `await` as an unknown value; its operand reaches over bitwise operators.
      const from = this.tokStart;
      this.advance();
      this.enter();
      this.expression();
      this.depth--;
      return { t: 'error', what: 'await', from, to: this.prevEnd };
    }
    if (t === MINUS || t === PLUS || t === TILDE) {
      const from = this.tokStart;
      const op = t === MINUS ? '-' : t === PLUS ? '+' : '~';
      this.advance();
      this.enter();
      const operand = this.unary();
      this.depth--;
      return { t: 'unary', op, operand, from, to: this.prevEnd };
    }
    const from = this.tokStart;
    const base = this.primary();
    if (this.tok !== DSTAR) return base;
    this.advance();
    this.enter();
    const right = this.unary();
    this.depth--;
    return { t: 'binop', op: '**', left: base, right, from, to: this.prevEnd };
  }

  /** An atom followed by calls, attributes and subscripts. */
  private primary(): Expr {
    const from = this.tokStart;
    let e = this.atom();
    let chain = 0;
    for (;;) {
      if (this.tok === DOT) {
        this.advance();
        if (this.tok !== NAME && !(this.tok >= K_AND && this.tok <= K_FALSE)) this.bail('attribute name');
        e = { t: 'attr', obj: e, attr: this.tokText, attrFrom: this.tokStart, from, to: this.tokEnd };
        this.advance();
      } else if (this.tok === LPAR) {
        const args = this.args();
        e = { t: 'call', fn: e, args, from, to: this.prevEnd };
      } else if (this.tok === LSQB) {
        e = this.subscript(e, from);
      } else break;
      if (++chain + this.depth > MAX_DEPTH) this.bail('nesting');
    }
    return e;
  }

  private atom(): Expr {
    const from = this.tokStart;
    switch (this.tok) {
      case NAME: {
        const e: Expr = { t: 'name', id: this.tokText, from, to: this.tokEnd };
        this.advance();
        return e;
      }
      case NUMBER: {
        const e: Expr = this.tokComplex
          ? { t: 'error', what: 'complex number', from, to: this.tokEnd }
          : { t: 'num', value: this.tokNum, isFloat: this.tokIsFloat, from, to: this.tokEnd };
        this.advance();
        return e;
      }
      case STRING:
        return this.strings();
      case K_NONE:
        this.advance();
        return { t: 'none', from, to: this.prevEnd };
      case K_TRUE:
      case K_FALSE: {
        const value = this.tok === K_TRUE;
        this.advance();
        return { t: 'bool', value, from, to: this.prevEnd };
      }
      case ELLIPSIS:
        this.advance();
        return { t: 'ellipsis', from, to: this.prevEnd };
      case LPAR:
        return this.parenthesized();
      case LSQB:
        return this.list();
      case LBRACE:
        return this.braces();
      default:
        return this.bail('expression');
    }
  }

  /** One string or several adjacent ones (`ContinuedString`). */
  private strings(): Expr {
    const from = this.tokStart;
    const firstStr = this.tokParts === null ? this.tokStr : null;
    const firstParts = this.tokParts;
    const firstEnd = this.tokEnd;
    this.advance();
    if (this.tok !== STRING) {
      if (firstParts) return { t: 'fstr', parts: firstParts, from, to: firstEnd };
      return { t: 'str', value: firstStr!, from, to: firstEnd };
    }
    const parts: (string | Expr)[] = [];
    let allStrings = true;
    const add = (str: string | null, fparts: (string | Expr)[] | null) => {
      if (fparts) {
        for (const p of fparts) {
          if (typeof p !== 'string') allStrings = false;
          parts.push(p);
        }
      } else parts.push(str!);
    };
    add(firstStr, firstParts);
    while (this.tok === STRING) {
      add(this.tokParts === null ? this.tokStr : null, this.tokParts);
      this.advance();
    }
    if (allStrings) return { t: 'str', value: parts.join(''), from, to: this.prevEnd };
    return { t: 'fstr', parts, from, to: this.prevEnd };
  }

  private parenthesized(): Expr {
    const from = this.tokStart;
    this.enter();
    this.advance();
    if (this.tok === RPAR) {
      this.advance();
      this.depth--;
      return { t: 'tuple', elts: [], from, to: this.prevEnd };
    }
    if (this.tok === K_YIELD) this.bail('yield expression');
    let first: Expr;
    if (this.tok === STAR) {
      const s = this.tokStart;
      this.advance();
      const value = this.expression();
      first = { t: 'starred', value, from: s, to: this.prevEnd };
      if (this.tok !== COMMA) this.bail('parenthesized star');
    } else first = this.testNamed();
    if (this.tok === K_FOR) return this.comprehension('gen', first, from, RPAR, ')');
    if (this.tok === RPAR) {
      this.advance();
      this.depth--;
      return first;
    }
    const elts = [first];
    this.moreItems(elts, RPAR, () => this.listItem());
    return { t: 'tuple', elts, from, to: this.close(RPAR, ')') };
  }

  /** A comprehension whose element `elt` was read: its clauses, up to its `close` bracket. */
  private comprehension(kind: 'gen' | 'list' | 'set', elt: Expr, from: number, close: number, closeText: string): Expr {
    if (elt.t === 'starred') this.bail('starred comprehension');
    const clauses = this.compClauses();
    return { t: 'comp', kind, elt, value: null, clauses, from, to: this.close(close, closeText) };
  }

  /** The items after a display's first, each after a comma, up to (not past) its `close` bracket. */
  private moreItems(elts: Expr[], close: number, item: () => Expr): void {
    while (this.tok === COMMA) {
      this.advance();
      if (this.tok === close) break;
      elts.push(item());
    }
  }

  /** Reads a display's closing bracket and leaves its nesting level; returns where it ended. */
  private close(kind: number, text: string): number {
    this.expect(kind, text);
    this.depth--;
    return this.prevEnd;
  }

  /** `*expression` at the current `*`. */
  private starred(): Expr {
    const s = this.tokStart;
    this.advance();
    const value = this.expression();
    return { t: 'starred', value, from: s, to: this.prevEnd };
  }

  /** An item of a tuple or list display: `*expression` or a `testNamed`. */
  private listItem(): Expr {
    return this.tok === STAR ? this.starred() : this.testNamed();
  }

  private list(): Expr {
    const from = this.tokStart;
    this.enter();
    this.advance();
    const elts: Expr[] = [];
    if (this.tok !== RSQB) {
      const first = this.listItem();
      if (this.tok === K_FOR) return this.comprehension('list', first, from, RSQB, ']');
      elts.push(first);
      this.moreItems(elts, RSQB, () => this.listItem());
    }
    return { t: 'list', elts, from, to: this.close(RSQB, ']') };
  }

  private braces(): Expr {
    const from = this.tokStart;
    this.enter();
    this.advance();
    if (this.tok === RBRACE) {
      this.advance();
      this.depth--;
      return { t: 'dict', items: [], from, to: this.prevEnd };
    }
    if (this.tok === DSTAR) return this.dict(from, []);
    let first: Expr;
    if (this.tok === STAR) first = this.starred();
    else {
      first = this.test();
      if (this.tok === COLON) {
        this.advance();
        const value = this.test();
        if (this.tok === K_FOR) {
          const clauses = this.compClauses();
          return { t: 'comp', kind: 'dict', elt: first, value, clauses, from, to: this.close(RBRACE, '}') };
        }
        const items: ({ key: Expr; value: Expr } | { spread: Expr })[] = [{ key: first, value }];
        if (this.tok === COMMA) {
          this.advance();
          return this.dict(from, items);
        }
        return { t: 'dict', items, from, to: this.close(RBRACE, '}') };
      }
    }
    // A set display or comprehension.
    if (this.tok === K_FOR) return this.comprehension('set', first, from, RBRACE, '}');
    const elts: Expr[] = [first];
    this.moreItems(elts, RBRACE, () => (this.tok === STAR ? this.starred() : this.test()));
    return { t: 'set', elts, from, to: this.close(RBRACE, '}') };
  }

  /** The rest of a dictionary display after `items`, up to its `}`. */
  private dict(from: number, items: ({ key: Expr; value: Expr } | { spread: Expr })[]): Expr {
    while (this.tok !== RBRACE) {
      if (this.tok === DSTAR) {
        this.advance();
        items.push({ spread: this.expression() });
        if (this.tok === K_FOR) this.bail('spread comprehension');
      } else {
        const key = this.test();
        this.expect(COLON, ':');
        items.push({ key, value: this.test() });
      }
      if (this.tok !== COMMA) break;
      this.advance();
    }
    return { t: 'dict', items, from, to: this.close(RBRACE, '}') };
  }

  /** `for ... in ...` and `if ...` clauses of a comprehension, up to its closing bracket. */
  private compClauses(): CompClause[] {
    const clauses: CompClause[] = [];
    while (this.tok === K_FOR || this.tok === K_IF) {
      if (this.tok === K_FOR) {
        this.advance();
        if (this.tok === K_ASYNC) this.bail('async comprehension');
        const target = this.groupValue(this.exprList(false, false));
        this.expect(K_IN, 'in');
        if (this.tok === K_LAMBDA) this.bail('lambda iterable');
        const iter = this.binary(P_OR);
        clauses.push({ kind: 'for', target, iter });
      } else {
        this.advance();
        if (this.tok === K_LAMBDA) this.bail('lambda condition');
        clauses.push({ kind: 'if', test: this.binary(P_OR) });
      }
    }
    if (this.tok === K_ASYNC) this.bail('async comprehension');
    return clauses;
  }

  /** A call's argument list from its `(`: positional, keyword, star arguments, or one generator. */
  private args(): Arg[] {
    const open = this.tokStart;
    this.enter();
    this.advance();
    const out: Arg[] = [];
    while (this.tok !== RPAR) {
      const from = this.tokStart;
      if (this.tok === STAR || this.tok === DSTAR) {
        const kind = this.tok === STAR ? 'star' : 'dstar';
        this.advance();
        const value = this.test();
        out.push({ kind, value, from, to: this.prevEnd });
      } else {
        const value = this.test();
        if (this.tok === ASSIGN) {
          if (value.t !== 'name' || value.from !== from || value.to !== this.prevEnd) this.bail('keyword argument');
          this.advance();
          const v = this.test();
          if (this.tok === K_FOR) this.bail('keyword generator');
          out.push({ kind: 'kw', name: value.id, value: v, from, to: this.prevEnd });
        } else if (this.tok === K_FOR) {
          if (out.length !== 0) this.bail('generator after arguments');
          const clauses = this.compClauses();
          if (this.tok !== RPAR) this.bail('generator argument');
          this.advance();
          this.depth--;
          const gen: Expr = { t: 'comp', kind: 'gen', elt: value, value: null, clauses, from: open, to: this.prevEnd };
          return [{ kind: 'pos', value: gen, from: open, to: this.prevEnd }];
        } else if (this.tok === WALRUS) {
          // Lezer reads `f(x := 1)` as a keyword argument, and so does the lowering.
          if (value.t !== 'name' || value.from !== from || value.to !== this.prevEnd) this.bail('walrus argument');
          this.advance();
          const v = this.test();
          if (this.tok === K_FOR) this.bail('walrus generator');
          out.push({ kind: 'kw', name: value.id, value: v, from, to: this.prevEnd });
        } else out.push({ kind: 'pos', value, from, to: this.prevEnd });
      }
      if (this.tok !== COMMA) break;
      this.advance();
    }
    this.expect(RPAR, ')');
    this.depth--;
    return out;
  }

  private subscript(obj: Expr, from: number): Expr {
    this.enter();
    this.advance();
    const index: Expr[] = [];
    let sawComma = false;
    if (this.tok === RSQB) this.bail('empty subscript');
    for (;;) {
      index.push(this.subscriptItem());
      if (this.tok !== COMMA) break;
      sawComma = true;
      this.advance();
      if (this.tok === RSQB) break;
    }
    this.expect(RSQB, ']');
    this.depth--;
    return { t: 'subscript', obj, index, tupleIndex: sawComma, from, to: this.prevEnd };
  }

  private subscriptItem(): Expr {
    const from = this.tokStart;
    let lo: Expr | null = null;
    if (this.tok !== COLON) {
      lo = this.subscriptTest();
      if (this.tok !== COLON) return lo;
    }
    this.advance();
    let hi: Expr | null = null;
    let step: Expr | null = null;
    if (this.tok !== COLON && this.tok !== COMMA && this.tok !== RSQB) hi = this.subscriptTest();
    if (this.tok === COLON) {
      this.advance();
      if (this.tok !== COMMA && this.tok !== RSQB) step = this.subscriptTest();
    }
    return { t: 'slice', lo, hi, step, from, to: this.prevEnd };
  }

  private subscriptTest(): Expr {
    const e = this.test();
    if (this.tok === WALRUS) this.bail('walrus in subscript');
    return e;
  }
}

OPERATORS = operatorTable(
  // Brackets (they move the depth), then the other punctuation.
  [
    ['(', LPAR, 1],
    [')', RPAR, -1],
    ['[', LSQB, 1],
    [']', RSQB, -1],
    ['{', LBRACE, 1],
    ['}', RBRACE, -1],
  ],
  [
    [',', COMMA],
    [':=', WALRUS],
    [':', COLON],
    [';', SEMI],
    ['...', ELLIPSIS],
    ['.', DOT],
    ['=', ASSIGN],
    ['!', BANG],
    ['->', ARROW],
    ['~', TILDE],
  ],
  // Comparisons carry their spelling.
  ['==', '!=', '<=', '>=', '<>', '<', '>'],
  // Binary operators, each with its augmented assignment (`+=` carries `+`).
  [
    ['**', DSTAR],
    ['*', STAR],
    ['//', DSLASH],
    ['/', SLASH],
    ['-', MINUS],
    ['+', PLUS],
    ['@', AT],
    ['%', PERCENT],
    ['&', AMP],
    ['|', PIPE],
    ['^', CARET],
    ['<<', LSHIFT],
    ['>>', RSHIFT],
  ],
);

/** The operator table by first character, each list longest spelling first. */
function operatorTable(
  brackets: [string, number, number][],
  punctuation: [string, number][],
  comparisons: string[],
  binary: [string, number][],
): (Operator[] | undefined)[] {
  const table: (Operator[] | undefined)[] = [];
  const add = (op: Operator) => {
    const list = (table[op.spelling.charCodeAt(0)] ??= []);
    list.push(op);
    list.sort((a, b) => b.spelling.length - a.spelling.length);
  };
  for (const [spelling, kind, depth] of brackets) add({ spelling, kind, depth });
  for (const [spelling, kind] of punctuation) add({ spelling, kind, depth: 0 });
  for (const spelling of comparisons) add({ spelling, kind: COMPARE, text: spelling, depth: 0 });
  for (const [spelling, kind] of binary) {
    add({ spelling, kind, depth: 0 });
    add({ spelling: spelling + '=', kind: AUGASSIGN, text: spelling, depth: 0 });
  }
  return table;
}
