/**
 * The event log of the projection benchmark: the CDNOW purchases, scaled up
 * by copying each customer k times under distinct ids (each copy's days
 * shifted by a few days), with refunds, surveys, complaints and account
 * manager assignments added. Every event comes out of the customer decider
 * (`decide(command, state)`) with the metadata the command executor stamps,
 * so the log holds only events the write side could have appended.
 */
import { readFileSync } from 'node:fs';
import { deterministicEventId, type EventToAppend, type JsonObject } from '@crm/event-store';
import {
  customerDecider,
  customerStream,
  CUSTOMER_EVENT_SCHEMA_VERSIONS,
  type CustomerCommand,
  type CustomerState,
} from '@crm/customers';
import { cdnowOrderId, cdnowPurchaseLine, parseCdnowLine } from '@crm/imports';

export interface CdnowCustomerRows {
  readonly customerId: string;
  /** The customer's purchases in file order. */
  readonly purchases: ReadonlyArray<{ readonly day: string; readonly at: Date; quantity: number; amountMinor: number }>;
}

/** The CDNOW master file grouped by customer, in order of first appearance (bad rows are left out). */
export function readCdnow(path: string): CdnowCustomerRows[] {
  const customers = new Map<string, { customerId: string; purchases: CdnowCustomerRows['purchases'][number][] }>();
  const now = new Date();
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const parsed = parseCdnowLine(lines[i]!, i + 1, now);
    if (parsed.kind !== 'row') continue;
    const { row } = parsed;
    let customer = customers.get(row.customerId);
    if (!customer) {
      customer = { customerId: row.customerId, purchases: [] };
      customers.set(row.customerId, customer);
    }
    customer.purchases.push({ day: row.day, at: row.occurredAt, quantity: row.quantity, amountMinor: row.amountMinor });
  }
  return [...customers.values()];
}

/** A small seeded generator (mulberry32): the same log on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const MANAGERS = Array.from({ length: 40 }, (_, i) => `am-${String(i + 1).padStart(2, '0')}`);
const COMPLAINT_CATEGORIES = ['delivery', 'billing', 'product quality', 'service'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The share of customers or purchases given each extra kind of event. */
export const LOG_MIX = {
  accountManager: 0.3,
  refund: 0.05,
  survey: 0.2,
  complaint: 0.05,
} as const;

interface Planned {
  readonly at: number;
  /** Order among commands of the same instant. */
  readonly seq: number;
  readonly commandId: string;
  readonly command: CustomerCommand;
}

export interface CustomerLog {
  readonly stream: string;
  readonly events: EventToAppend[];
}

/**
 * The events of one copy of a CDNOW customer: registration at the first
 * purchase, the purchases, and the extra events, decided in business-time
 * order by the customer decider.
 */
export function customerLog(source: CdnowCustomerRows, copy: number, seed: number): CustomerLog {
  const rnd = random(seed);
  const customerId = `${source.customerId}x${copy}`;
  const shift = (copy % 5) * DAY_MS;
  const correlationId = `bench:projection:${customerId}`;
  const plan: Planned[] = [];
  let seq = 0;
  const add = (at: number, commandId: string, command: CustomerCommand): void => {
    plan.push({ at, seq: seq++, commandId: `bench:${customerId}:${commandId}`, command });
  };

  const times = source.purchases.map((p) => p.at.getTime() + shift);
  const first = Math.min(...times);
  const region = REGIONS[Math.floor(rnd() * REGIONS.length)]!;
  add(first, 'register', {
    type: 'RegisterCustomer',
    data: {
      customerId,
      kind: 'individual',
      profile: { name: `CDNOW customer ${customerId}`, region },
      acquisitionSource: 'import',
      occurredAt: new Date(first),
    },
  });
  if (rnd() < LOG_MIX.accountManager) {
    const at = first + Math.floor(rnd() * 30) * DAY_MS + 9 * HOUR_MS;
    add(at, 'manager', {
      type: 'AssignAccountManager',
      data: { accountManagerId: MANAGERS[Math.floor(rnd() * MANAGERS.length)]!, occurredAt: new Date(at) },
    });
  }
  const perDay = new Map<string, number>();
  source.purchases.forEach((purchase, index) => {
    const n = (perDay.get(purchase.day) ?? 0) + 1;
    perDay.set(purchase.day, n);
    const orderId = `${cdnowOrderId(source.customerId, purchase.day, n)}x${copy}`;
    const at = times[index]!;
    add(at, `purchase:${orderId}`, {
      type: 'RecordPurchase',
      data: {
        orderId,
        currency: 'USD',
        channel: 'web',
        region,
        lines: [cdnowPurchaseLine(purchase)],
        occurredAt: new Date(at),
      },
    });
    if (purchase.amountMinor > 0 && rnd() < LOG_MIX.refund) {
      const refundAt = at + (1 + Math.floor(rnd() * 20)) * DAY_MS + 14 * HOUR_MS;
      const amountMinor = Math.max(1, Math.floor(purchase.amountMinor * (rnd() < 0.5 ? 1 : 0.5)));
      add(refundAt, `refund:${orderId}`, {
        type: 'RefundPurchase',
        data: {
          refundId: `r-${orderId}`,
          orderId,
          amountMinor,
          reason: 'damaged disc',
          occurredAt: new Date(refundAt),
        },
      });
    }
    if (rnd() < LOG_MIX.survey) {
      const surveyAt = at + (2 + Math.floor(rnd() * 5)) * DAY_MS + 10 * HOUR_MS;
      add(surveyAt, `survey:${orderId}`, {
        type: 'RecordSurvey',
        data: {
          surveyId: `s-${orderId}`,
          method: 'online',
          csat: 1 + Math.floor(rnd() * 5),
          nps: Math.floor(rnd() * 11),
          ces: 1 + Math.floor(rnd() * 7),
          occurredAt: new Date(surveyAt),
        },
      });
    }
  });
  if (rnd() < LOG_MIX.complaint) {
    const complaintId = 'c-1';
    let at = times[Math.floor(rnd() * times.length)]! + 3 * DAY_MS + 11 * HOUR_MS;
    const step = (hours: number): Date => {
      at += Math.max(1, Math.round(hours)) * HOUR_MS;
      return new Date(at);
    };
    const later = (hours: number, commandId: string, command: (occurredAt: Date) => CustomerCommand): void => {
      const occurredAt = step(hours);
      add(occurredAt.getTime(), commandId, command(occurredAt));
    };
    add(at, 'complaint:file', {
      type: 'FileComplaint',
      data: {
        complaintId,
        category: COMPLAINT_CATEGORIES[Math.floor(rnd() * COMPLAINT_CATEGORIES.length)]!,
        severity: SEVERITIES[Math.floor(rnd() * SEVERITIES.length)]!,
        channel: 'email',
        description: 'The parcel arrived late and one disc was scratched.',
        occurredAt: new Date(at),
      },
    });
    const valid = rnd() < 0.8;
    const reason = valid ? 'confirmed by the carrier' : 'outside the return period';
    later(rnd() * 72, 'complaint:assess', (occurredAt) => ({
      type: 'AssessComplaint',
      data: { complaintId, valid, reason, occurredAt },
    }));
    if (valid) {
      later(rnd() * 48, 'complaint:propose', (occurredAt) => ({
        type: 'ProposeResolution',
        data: { complaintId, proposal: 'replacement disc and a voucher', occurredAt },
      }));
      later(rnd() * 200, 'complaint:resolve', (occurredAt) => ({
        type: 'ResolveComplaint',
        data: { complaintId, resolution: 'replacement sent', occurredAt },
      }));
      const satisfaction = 1 + Math.floor(rnd() * 5);
      later(48 + rnd() * 48, 'complaint:follow-up', (occurredAt) => ({
        type: 'FollowUpComplaint',
        data: { complaintId, satisfaction, occurredAt },
      }));
    }
    later(24, 'complaint:close', (occurredAt) => ({ type: 'CloseComplaint', data: { complaintId, occurredAt } }));
  }

  // The commands in business-time order (ties keep the order they were planned in).
  plan.sort((a, b) => a.at - b.at || a.seq - b.seq);
  let state: CustomerState = customerDecider.initialState();
  const events: EventToAppend[] = [];
  for (const { commandId, command } of plan) {
    const decided = customerDecider.decide(command, state);
    decided.forEach((event, index) => {
      state = customerDecider.evolve(state, event);
      events.push({
        id: deterministicEventId(commandId, index),
        type: event.type,
        data: event.data as unknown as JsonObject,
        metadata: {
          commandId,
          correlationId,
          causationId: commandId,
          actor: 'bench:projection',
          schemaVersion: CUSTOMER_EVENT_SCHEMA_VERSIONS[event.type],
          occurredAt: command.data.occurredAt.toISOString(),
        },
      });
    });
  }
  return { stream: customerStream(customerId), events };
}

/**
 * Customer logs, copy after copy of the CDNOW customers, until at least
 * `minEvents` events have been produced (whole customers only).
 */
export function* scaledCdnowLog(customers: readonly CdnowCustomerRows[], minEvents: number): Generator<CustomerLog> {
  let produced = 0;
  for (let copy = 0; ; copy++) {
    for (let i = 0; i < customers.length; i++) {
      if (produced >= minEvents) return;
      const log = customerLog(customers[i]!, copy, copy * 1_000_003 + i + 1);
      produced += log.events.length;
      yield log;
    }
  }
}
