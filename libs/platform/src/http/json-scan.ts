/** Deepest nesting of objects and arrays a request body may have (no command needs more than 4). */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Keys that name parts of JavaScript's object model, never data. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonScanProblem {
  /** Dotted path of the field, '' for the body itself. */
  readonly path: string;
  readonly rule: 'maxDepth' | 'duplicateKey' | 'forbiddenKey' | 'storableText';
  readonly message: string;
}

/**
 * Why a text cannot be stored or shown faithfully, or null: PostgreSQL's
 * jsonb refuses the NUL character, and an unpaired UTF-16 surrogate is not a
 * character at all (it has no UTF-8 form).
 */
export function hostileTextProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain an unpaired surrogate (e.g. \\ud800)';
  return null;
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: string;
  /** Objects: the keys seen so far. */
  readonly keys: Set<string>;
  /** Objects: the key whose value comes next. Arrays: the index of the next element. */
  key: string;
  index: number;
  /** Objects: the next string is a key. */
  expectKey: boolean;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  const name = frame.kind === 'object' ? frame.key : String(frame.index);
  return frame.path === '' ? name : `${frame.path}.${name}`;
}

/**
 * Checks a text that JSON.parse has accepted, without recursion: nesting
 * depth, keys repeated in one object (JSON.parse would silently keep the
 * last), keys of the object model, and text that cannot be stored (in keys
 * and in values). Returns the first problem found, or null.
 */
export function scanJsonText(text: string): JsonScanProblem | null {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    switch (c) {
      case 0x7b /* { */:
      case 0x5b /* [ */: {
        const path = childPath(top);
        if (stack.length >= MAX_JSON_DEPTH) {
          return {
            path,
            rule: 'maxDepth',
            message: `${path || 'body'} is nested deeper than ${MAX_JSON_DEPTH} levels`,
          };
        }
        stack.push({
          kind: c === 0x7b ? 'object' : 'array',
          path,
          keys: new Set(),
          key: '',
          index: 0,
          expectKey: c === 0x7b,
        });
        i++;
        break;
      }
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        i++;
        break;
      case 0x2c /* , */:
        if (top?.kind === 'array') top.index++;
        else if (top) top.expectKey = true;
        i++;
        break;
      case 0x22 /* " */: {
        let end = i + 1;
        let escaped = false;
        while (text.charCodeAt(end) !== 0x22) {
          if (text.charCodeAt(end) === 0x5c /* \ */) {
            escaped = true;
            end += 2;
          } else {
            end++;
          }
        }
        const value = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        i = end + 1;
        if (top?.kind === 'object' && top.expectKey) {
          top.expectKey = false;
          top.key = value;
          const path = childPath(top);
          const hostile = hostileTextProblem(value);
          if (hostile) return { path, rule: 'storableText', message: `a key of ${top.path || 'the body'} ${hostile}` };
          if (FORBIDDEN_KEYS.has(value)) {
            return { path, rule: 'forbiddenKey', message: `${path} is not an accepted field name` };
          }
          if (top.keys.has(value)) return { path, rule: 'duplicateKey', message: `${path} is given more than once` };
          top.keys.add(value);
        } else {
          const hostile = hostileTextProblem(value);
          if (hostile) {
            const path = childPath(top);
            return { path, rule: 'storableText', message: `${path || 'body'} ${hostile}` };
          }
        }
        break;
      }
      default:
        i++;
    }
  }
  return null;
}
