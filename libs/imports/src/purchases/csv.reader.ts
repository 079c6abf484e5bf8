/**
 * A small RFC 4180 reader, fed one physical line at a time (as `readline`
 * gives them): comma-separated fields, a field may be enclosed in double
 * quotes, a quote inside a quoted field is written twice, and a quoted field
 * may hold commas and line breaks (a line break inside a field reads as
 * "\n"). Blank lines between records are skipped.
 */

export interface CsvError {
  readonly kind: 'error';
  /** The line the record starts on. */
  readonly line: number;
  readonly reason: string;
}

export type CsvResult = { readonly kind: 'record'; readonly line: number; readonly fields: string[] } | CsvError;

/** Longest record the reader assembles before it gives up on a missing closing quote. */
export const MAX_RECORD_CHARS = 1 << 20;

export class CsvReader {
  private fields: string[] = [];
  private field = '';
  /** Inside a quoted field that continues on the next line. */
  private inQuotes = false;
  private startLine = 0;
  private size = 0;

  /** Reads one line; returns the record it completes, an error, or undefined when the record goes on (or the line is blank). */
  push(text: string, line: number): CsvResult | undefined {
    if (!this.inQuotes) {
      if (text === '') return undefined;
      this.startLine = line;
      this.fields = [];
      this.field = '';
      this.size = 0;
    } else {
      this.field += '\n';
    }
    this.size += text.length + 1;
    if (this.size > MAX_RECORD_CHARS) {
      const startLine = this.startLine;
      this.inQuotes = false;
      return {
        kind: 'error',
        line: startLine,
        reason: `the record is longer than ${MAX_RECORD_CHARS} characters: is a closing quote missing?`,
      };
    }

    let i = 0;
    let inQuotes = this.inQuotes;
    /** Just after a closing quote: only a comma or the end of the line may follow. */
    let closed = false;
    while (i < text.length) {
      if (inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          this.field += text.slice(i);
          break;
        }
        this.field += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          this.field += '"';
          i = quote + 2;
        } else {
          inQuotes = false;
          closed = true;
          i = quote + 1;
        }
        continue;
      }
      const char = text[i]!;
      if (char === ',') {
        this.fields.push(this.field);
        this.field = '';
        closed = false;
        i += 1;
      } else if (closed) {
        return this.fail(
          `field ${this.fields.length + 1}: a closing quote must be followed by a comma or the line end`,
        );
      } else if (char === '"') {
        if (this.field !== '') {
          return this.fail(
            `field ${this.fields.length + 1}: a double quote inside an unquoted field (quote the whole field and double the quote)`,
          );
        }
        inQuotes = true;
        i += 1;
      } else {
        const next = nextSpecial(text, i);
        this.field += text.slice(i, next);
        i = next;
      }
    }
    this.inQuotes = inQuotes;
    if (inQuotes) return undefined;
    this.fields.push(this.field);
    const fields = this.fields;
    this.fields = [];
    this.field = '';
    return { kind: 'record', line: this.startLine, fields };
  }

  /** At the end of the input: an error when a quoted field was never closed. */
  end(): CsvError | undefined {
    if (!this.inQuotes) return undefined;
    this.inQuotes = false;
    return { kind: 'error', line: this.startLine, reason: 'a quoted field is not closed before the end of the file' };
  }

  private fail(reason: string): CsvError {
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    return { kind: 'error', line: this.startLine, reason };
  }
}

function nextSpecial(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */ || c === 34 /* " */) return i;
  }
  return text.length;
}
