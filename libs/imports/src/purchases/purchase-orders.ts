import { MAX_PURCHASE_LINES } from '../rows/field-rules';
import type { RowRefusal } from '../rows/row-refusal';
import type { PurchaseRow, RowValidation } from './purchase-row';

/** The consecutive rows of one customer's order. */
export interface PurchaseOrder {
  readonly customerId: string;
  readonly orderId: string;
  readonly rows: readonly PurchaseRow[];
}

export type OrderOutput =
  { readonly kind: 'order'; readonly order: PurchaseOrder } | ({ kind: 'refusal' } & RowRefusal);

interface OpenOrder {
  readonly key: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly rows: PurchaseRow[];
  /** Every line of the order, valid or not, in file order. */
  readonly lines: number[];
  /** Refusals of the order's own lines, by line number. */
  readonly refused: Map<number, RowRefusal>;
}

/** Fields every line of one purchase must share: they describe the purchase, not the line. */
const ORDER_FIELDS = ['currency', 'channel', 'region', 'customerName', 'customerKind'] as const;

/**
 * Groups validated rows into purchases: consecutive rows with the same
 * customerId and orderId are the lines of one purchase. A purchase with any
 * bad line is refused whole (each of its lines, with the reason), since
 * recording it without that line would record a wrong total. The lines of
 * one purchase must be consecutive: a later row of an order that already
 * ended is refused. Holds one purchase's rows at a time, plus the keys of
 * the orders already seen.
 */
export class OrderAssembler {
  private open: OpenOrder | undefined;
  /** customer and order → the order's first line. */
  private readonly ended = new Map<string, number>();

  push(validation: RowValidation): OrderOutput[] {
    const out: OrderOutput[] = [];
    const order = validation.ok ? validation.row : validation.order;
    if (!order) {
      // Without a valid customer and order this row belongs to no purchase.
      if (!validation.ok) out.push({ kind: 'refusal', ...validation.refusal });
      return out;
    }
    const key = `${order.customerId}\n${order.orderId}`;
    const line = validation.ok ? validation.row.line : validation.refusal.line;
    if (this.open?.key !== key) {
      if (this.open) out.push(...this.close(this.open));
      this.open = undefined;
      const firstLine = this.ended.get(key);
      if (firstLine !== undefined) {
        out.push({
          kind: 'refusal',
          line,
          code: 'ORDER_NOT_CONSECUTIVE',
          reason:
            `order ${order.orderId} of customer ${order.customerId} started at line ${firstLine} and ended before this line: ` +
            `the lines of one purchase must be consecutive` +
            (validation.ok ? '' : `; ${validation.refusal.reason}`),
        });
        return out;
      }
      this.open = {
        key,
        customerId: order.customerId,
        orderId: order.orderId,
        rows: [],
        lines: [],
        refused: new Map(),
      };
    }
    const open = this.open;
    open.lines.push(line);
    if (!validation.ok) {
      open.refused.set(line, validation.refusal);
      return out;
    }
    const row = validation.row;
    if (open.lines.length > MAX_PURCHASE_LINES) {
      open.refused.set(line, {
        line,
        code: 'TOO_MANY_LINES',
        reason: `a purchase has at most ${MAX_PURCHASE_LINES} lines`,
      });
      return out;
    }
    const first = open.rows[0];
    if (first) {
      const differing: string[] = ORDER_FIELDS.filter((field) => first[field] !== row[field]);
      if (first.occurredAt.getTime() !== row.occurredAt.getTime()) differing.unshift('occurredAt');
      if (differing.length > 0) {
        open.refused.set(line, {
          line,
          code: 'INCONSISTENT_ORDER',
          reason: `${differing.join(', ')} differ${differing.length > 1 ? '' : 's'} from line ${first.line} of the same purchase`,
        });
        return out;
      }
    }
    open.rows.push(row);
    return out;
  }

  /** At the end of the file: the purchase still open. */
  end(): OrderOutput[] {
    const out = this.open ? this.close(this.open) : [];
    this.open = undefined;
    return out;
  }

  private close(open: OpenOrder): OrderOutput[] {
    this.ended.set(open.key, open.lines[0]!);
    if (open.refused.size === 0) {
      return [{ kind: 'order', order: { customerId: open.customerId, orderId: open.orderId, rows: open.rows } }];
    }
    const bad = [...open.refused.keys()];
    return open.lines.map((line): OrderOutput =>
      open.refused.get(line) !== undefined
        ? { kind: 'refusal', ...open.refused.get(line)! }
        : {
            kind: 'refusal',
            line,
            code: 'PURCHASE_REFUSED',
            reason: `order ${open.orderId} of customer ${open.customerId} is refused whole because of line${bad.length > 1 ? 's' : ''} ${bad.join(', ')}`,
          },
    );
  }
}
