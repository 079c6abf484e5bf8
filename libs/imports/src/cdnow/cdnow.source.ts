import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RecordPurchase } from '@crm/customers/domain/customer.commands';
import { cdnowOrderId, cdnowPurchaseCommandId, cdnowRegisterCommandId } from '../import-ids';
import type { ImportItem, ImportSource, PlannedRefusal, PlannedRegistration } from '../import-plan';
import { cdnowPurchaseLine, parseCdnowLine, type CdnowRow } from './cdnow.parser';

interface CdnowPurchase {
  readonly row: CdnowRow;
  readonly orderId: string;
}

interface CdnowCustomer {
  readonly customerId: string;
  /** The customer's earliest purchase in the file: the registration's business time. */
  firstPurchaseAt: Date;
  readonly purchases: CdnowPurchase[];
}

/** The name a CDNOW customer is registered under (the file has no names). */
export function cdnowCustomerName(customerId: string): string {
  return `CDNOW customer ${customerId}`;
}

/**
 * A CDNOW master file, read whole and grouped by customer (one small record
 * per row: the 69,659 rows of the published file take a few megabytes), so
 * that each customer is registered at its earliest purchase before any of
 * its purchases is recorded.
 */
export class CdnowSource implements ImportSource {
  readonly format = 'cdnow' as const;

  private constructor(
    private readonly customers: ReadonlyMap<string, CdnowCustomer>,
    private readonly refusals: readonly PlannedRefusal[],
    readonly totalRows: number,
  ) {}

  /** Reads and validates the whole file; a bad row becomes a refusal, never an error. */
  static async read(path: string, now: Date): Promise<CdnowSource> {
    const customers = new Map<string, CdnowCustomer>();
    const refusals: PlannedRefusal[] = [];
    const dayCounts = new Map<string, number>();
    const numberInDay = (customerId: string, day: string): number => {
      const key = `${customerId} ${day}`;
      const n = (dayCounts.get(key) ?? 0) + 1;
      dayCounts.set(key, n);
      return n;
    };
    let rows = 0;
    let lineNumber = 0;
    let headerSeen = false;
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    for await (const raw of lines) {
      lineNumber += 1;
      const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      const parsed = parseCdnowLine(text, lineNumber, now);
      if (parsed.kind === 'blank') continue;
      if (!headerSeen) {
        headerSeen = true;
        if (parsed.kind !== 'row') continue;
        // A purchase where the header belongs: refuse it rather than guess, but keep its place in the numbering.
        rows += 1;
        numberInDay(parsed.row.customerId, parsed.row.day);
        refusals.push({
          kind: 'refusal',
          line: lineNumber,
          code: 'HEADER_MISSING',
          reason:
            'this line is a purchase, but a CDNOW file starts with a header line (customer_id date number_of_cds dollar_value)',
        });
        continue;
      }
      rows += 1;
      if (parsed.kind === 'refusal') {
        if (parsed.customerDay) numberInDay(parsed.customerDay.customerId, parsed.customerDay.day);
        refusals.push({ kind: 'refusal', ...parsed.refusal });
        continue;
      }
      const { row } = parsed;
      const orderId = cdnowOrderId(row.customerId, row.day, numberInDay(row.customerId, row.day));
      const customer = customers.get(row.customerId);
      if (customer) {
        customer.purchases.push({ row, orderId });
        if (row.occurredAt < customer.firstPurchaseAt) customer.firstPurchaseAt = row.occurredAt;
      } else {
        customers.set(row.customerId, {
          customerId: row.customerId,
          firstPurchaseAt: row.occurredAt,
          purchases: [{ row, orderId }],
        });
      }
    }
    return new CdnowSource(customers, refusals, rows);
  }

  rowsRead(): number {
    return this.totalRows;
  }

  fractionRead(): number {
    return 1;
  }

  /** Refused rows first, then customer after customer (in order of first appearance), each customer's purchases in file order. */
  async *items(): AsyncIterable<ImportItem> {
    yield* this.refusals;
    for (const customer of this.customers.values()) {
      const registration = cdnowRegistration(customer);
      for (const { row, orderId } of customer.purchases) {
        yield {
          kind: 'purchase',
          customerId: customer.customerId,
          lines: [row.line],
          commandId: cdnowPurchaseCommandId(orderId),
          command: cdnowPurchaseCommand(row, orderId),
          registration,
        };
      }
    }
  }
}

function cdnowRegistration(customer: CdnowCustomer): PlannedRegistration {
  return {
    commandId: cdnowRegisterCommandId(customer.customerId),
    command: {
      type: 'RegisterCustomer',
      data: {
        customerId: customer.customerId,
        kind: 'individual',
        profile: { name: cdnowCustomerName(customer.customerId) },
        acquisitionSource: 'import',
        occurredAt: customer.firstPurchaseAt,
      },
    },
  };
}

export function cdnowPurchaseCommand(row: CdnowRow, orderId: string): RecordPurchase {
  return {
    type: 'RecordPurchase',
    data: {
      orderId,
      currency: 'USD',
      channel: 'web',
      lines: [cdnowPurchaseLine(row)],
      occurredAt: row.occurredAt,
    },
  };
}
