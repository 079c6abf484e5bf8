import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RecordPurchase } from '@crm/customers/domain/customer.commands';
import { purchasesCommandId, purchasesRegisterCommandId } from '../import-ids';
import type { ImportItem, ImportSource, PlannedPurchase } from '../import-plan';
import { CsvReader } from './csv.reader';
import { OrderAssembler, type OrderOutput, type PurchaseOrder } from './purchase-orders';
import { PURCHASE_COLUMNS, REQUIRED_COLUMNS, validatePurchaseRow, type RowValidation } from './purchase-row';

export type PurchaseFileFormat = 'ndjson' | 'csv';

/** The file cannot be imported at all (e.g. a CSV header without a required column). */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** The format a file name implies, if any: `.ndjson`/`.jsonl` or `.csv`. */
export function formatFromFileName(path: string): PurchaseFileFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

/** The name a customer is registered under when its rows give none. */
export function defaultCustomerName(customerId: string): string {
  return `Customer ${customerId}`;
}

/**
 * A generic purchase file (NDJSON or CSV), streamed: lines are read one at a
 * time and each purchase is sent as soon as its last line has been read. The
 * memory held is one purchase's rows, the keys of the orders already seen
 * (to refuse a purchase whose lines are not consecutive) and, in the runner,
 * the customers already registered.
 */
export class PurchaseFileSource implements ImportSource {
  readonly totalRows = undefined;
  private rows = 0;

  private constructor(
    readonly format: PurchaseFileFormat,
    private readonly stream: ReadStream,
    private readonly lines: AsyncIterator<string>,
    private readonly size: number,
    /** CSV: the header's column names, in order. */
    private readonly columns: readonly string[] | undefined,
    /** Line number of the last line read. */
    private lineNumber: number,
    private readonly now: Date,
  ) {}

  /** Opens the file and, for CSV, reads and checks the header: a bad header is an ImportFileError. */
  static async open(path: string, format: PurchaseFileFormat, now: Date): Promise<PurchaseFileSource> {
    const size = statSync(path).size;
    const stream = createReadStream(path);
    const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
    let columns: string[] | undefined;
    let lineNumber = 0;
    if (format === 'csv') {
      const reader = new CsvReader();
      for (;;) {
        const next = await lines.next();
        if (next.done) {
          const unterminated = reader.end();
          if (unterminated)
            throw new ImportFileError(`the CSV header (line ${unterminated.line}): ${unterminated.reason}`);
          // An empty file: no header and no rows.
          columns = [...REQUIRED_COLUMNS];
          break;
        }
        lineNumber += 1;
        const result = reader.push(lineNumber === 1 ? next.value.replace(/^\uFEFF/, '') : next.value, lineNumber);
        if (!result) continue;
        if (result.kind === 'error') {
          stream.destroy();
          throw new ImportFileError(`the CSV header (line ${result.line}): ${result.reason}`);
        }
        try {
          columns = checkHeader(result.fields);
        } catch (error) {
          stream.destroy();
          throw error;
        }
        break;
      }
    }
    return new PurchaseFileSource(format, stream, lines, size, columns, lineNumber, now);
  }

  rowsRead(): number {
    return this.rows;
  }

  fractionRead(): number {
    return this.size === 0 ? 1 : Math.min(1, this.stream.bytesRead / this.size);
  }

  async *items(): AsyncIterable<ImportItem> {
    const orders = new OrderAssembler();
    const csv = this.format === 'csv' ? new CsvReader() : undefined;
    const emit = (outputs: OrderOutput[]): ImportItem[] =>
      outputs.map((output) => (output.kind === 'order' ? purchaseOf(output.order) : output));
    try {
      yield* this.read(orders, csv, emit);
    } finally {
      this.stream.destroy();
    }
  }

  private async *read(
    orders: OrderAssembler,
    csv: CsvReader | undefined,
    emit: (outputs: OrderOutput[]) => ImportItem[],
  ): AsyncIterable<ImportItem> {
    for (;;) {
      const next = await this.lines.next();
      if (next.done) break;
      this.lineNumber += 1;
      const line = this.lineNumber;
      const text = line === 1 ? next.value.replace(/^\uFEFF/, '') : next.value;
      let validation: RowValidation | undefined;
      if (csv) {
        const result = csv.push(text, line);
        if (!result) continue;
        this.rows += 1;
        validation =
          result.kind === 'error'
            ? { ok: false, refusal: { line: result.line, code: 'INVALID_CSV', reason: result.reason } }
            : this.csvRow(result.fields, result.line);
      } else {
        if (text.trim() === '') continue;
        this.rows += 1;
        validation = this.ndjsonRow(text, line);
      }
      yield* emit(orders.push(validation));
    }
    const unterminated = csv?.end();
    if (unterminated) {
      this.rows += 1;
      yield* emit(
        orders.push({
          ok: false,
          refusal: { line: unterminated.line, code: 'INVALID_CSV', reason: unterminated.reason },
        }),
      );
    }
    yield* emit(orders.end());
  }

  private csvRow(fields: readonly string[], line: number): RowValidation {
    const columns = this.columns!;
    if (fields.length !== columns.length) {
      return {
        ok: false,
        refusal: {
          line,
          code: 'WRONG_FIELD_COUNT',
          reason: `the row has ${fields.length} fields, the header ${columns.length}`,
        },
      };
    }
    const values: Record<string, string> = {};
    columns.forEach((column, index) => (values[column] = fields[index]!));
    return validatePurchaseRow(values, line, 'csv', this.now);
  }

  private ndjsonRow(text: string, line: number): RowValidation {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        refusal: { line, code: 'INVALID_JSON', reason: `not valid JSON: ${(error as Error).message}` },
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, refusal: { line, code: 'INVALID_JSON', reason: 'each line must be one JSON object' } };
    }
    return validatePurchaseRow(value as Record<string, unknown>, line, 'ndjson', this.now);
  }
}

function checkHeader(fields: readonly string[]): string[] {
  const unknown = fields.filter((name) => !PURCHASE_COLUMNS.includes(name));
  if (unknown.length > 0) {
    throw new ImportFileError(
      `the CSV header has unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the columns are ${PURCHASE_COLUMNS.join(', ')}`,
    );
  }
  const repeated = fields.filter((name, index) => fields.indexOf(name) !== index);
  if (repeated.length > 0) throw new ImportFileError(`the CSV header repeats ${[...new Set(repeated)].join(', ')}`);
  const missing = REQUIRED_COLUMNS.filter((name) => !fields.includes(name));
  if (missing.length > 0)
    throw new ImportFileError(`the CSV header lacks the required column(s) ${missing.join(', ')}`);
  return [...fields];
}

function purchaseOf(order: PurchaseOrder): PlannedPurchase {
  const first = order.rows[0]!;
  const command: RecordPurchase = {
    type: 'RecordPurchase',
    data: {
      orderId: order.orderId,
      currency: first.currency,
      channel: first.channel,
      ...(first.region !== undefined ? { region: first.region } : {}),
      lines: order.rows.map((row) => ({
        sku: row.sku,
        category: row.category,
        quantity: row.quantity,
        unitPriceMinor: row.unitPriceMinor,
        ...(row.discountMinor !== undefined ? { discountMinor: row.discountMinor } : {}),
      })),
      occurredAt: first.occurredAt,
    },
  };
  return {
    kind: 'purchase',
    customerId: order.customerId,
    lines: order.rows.map((row) => row.line),
    commandId: purchasesCommandId(order.customerId, order.orderId),
    command,
    registration: {
      commandId: purchasesRegisterCommandId(order.customerId),
      command: {
        type: 'RegisterCustomer',
        data: {
          customerId: order.customerId,
          kind: first.customerKind ?? 'individual',
          profile: { name: first.customerName ?? defaultCustomerName(order.customerId) },
          acquisitionSource: 'import',
          occurredAt: first.occurredAt,
        },
      },
    },
  };
}
