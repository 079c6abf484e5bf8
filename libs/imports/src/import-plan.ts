import type { RecordPurchase, RegisterCustomer } from '@crm/customers/domain/customer.commands';
import type { RowRefusal } from './rows/row-refusal';

/** A RegisterCustomer command with its deterministic command id. */
export interface PlannedRegistration {
  readonly commandId: string;
  readonly command: RegisterCustomer;
}

/** One purchase of an import file, ready to send: the rows it came from, its command and command id. */
export interface PlannedPurchase {
  readonly kind: 'purchase';
  readonly customerId: string;
  /** Line numbers of the rows that make up the purchase. */
  readonly lines: readonly number[];
  readonly commandId: string;
  readonly command: RecordPurchase;
  /** Registers the customer when this is the customer's first purchase the import sends. */
  readonly registration: PlannedRegistration;
}

export interface PlannedRefusal extends RowRefusal {
  readonly kind: 'refusal';
}

export type ImportItem = PlannedPurchase | PlannedRefusal;

export type ImportFormat = 'cdnow' | 'ndjson' | 'csv';

/** What an import reads: purchases and refused rows, in an order that keeps each customer's rows in file order. */
export interface ImportSource {
  readonly format: ImportFormat;
  items(): AsyncIterable<ImportItem>;
  /** Data rows read so far (every row once `items()` is done); headers and blank lines are not rows. */
  rowsRead(): number;
  /** How many data rows the file has, when known before the import starts. */
  readonly totalRows: number | undefined;
  /** The share of the file read so far, from 0 to 1. */
  fractionRead(): number;
}

/** Total of a purchase command in minor units, as the domain computes it. */
export function purchaseTotalMinor(command: RecordPurchase): number {
  return command.data.lines.reduce(
    (total, line) => total + line.quantity * line.unitPriceMinor - (line.discountMinor ?? 0),
    0,
  );
}
