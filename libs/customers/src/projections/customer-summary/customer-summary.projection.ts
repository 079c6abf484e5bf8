import type { StoredEvent } from '@crm/event-store';
import { assertNever } from '@crm/platform/domain';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import {
  CONTACT_CHANNELS,
  CUSTOMER_STREAM_PREFIX,
  type ContactChannel,
  type CustomerEvent,
  type CustomerProfile,
  type PurchaseRecorded,
  type PurchaseRefunded,
  type SurveyRecorded,
} from '../../domain/customer.events';
import { epochDay } from '../../domain/lifecycle';
import {
  CustomerSummaryEntity,
  type CustomerFactsRow,
  type CustomerSummaryWithFacts as Row,
} from './customer-summary.entity';

const PROFILE_COLUMNS = ['name', 'email', 'phone', 'region'] as const;

/** The facts of a customer nothing has happened to yet. */
export function emptyCustomerFacts(): CustomerFactsRow {
  return {
    firstPurchaseAt: null,
    lastPurchaseAt: null,
    purchaseCount: 0,
    distinctPurchaseDays: 0,
    currency: null,
    otherCurrencyPurchases: 0,
    grossSpendMinor: 0,
    refundsMinor: 0,
    netSpendMinor: 0,
    averageOrderValueMinor: null,
    meanPurchaseGapDays: null,
    purchaseDays: [],
    purchaseDayCounts: [],
    spendDays: [],
    spendDayNetMinor: [],
    orderIds: [],
    orderDays: [],
    refundDays: [],
    refundOrderDays: [],
    refundAmountsMinor: [],
    csatCount: 0,
    csatSum: 0,
    csatAverage: null,
    csatScoreCounts: [0, 0, 0, 0, 0],
    lastNps: null,
    lastNpsAt: null,
    complaintsTotal: 0,
    complaintsOpen: 0,
    openComplaintIds: [],
    resolutionSatisfactionCount: 0,
    resolutionSatisfactionSum: 0,
    resolutionSatisfactionAverage: null,
    terminatedAt: null,
    reactivatedAt: null,
  };
}

function businessTime(event: CustomerEvent, stored: StoredEvent): Date {
  const time = new Date(event.data.occurredAt);
  if (Number.isNaN(time.getTime())) {
    throw new Error(
      `${stored.type} at ${stored.stream}@${stored.revision} carries no valid business time (occurredAt)`,
    );
  }
  return time;
}

/** Adds `delta` to the value of `day` in a sorted day list and its values (new arrays; the inputs stay as they are). */
function addOnDay(
  days: readonly number[],
  values: readonly number[],
  day: number,
  delta: number,
): { days: number[]; values: number[] } {
  const nextDays = [...days];
  const nextValues = [...values];
  let index = 0;
  while (index < nextDays.length && nextDays[index]! < day) index++;
  if (nextDays[index] === day) nextValues[index] = nextValues[index]! + delta;
  else {
    nextDays.splice(index, 0, day);
    nextValues.splice(index, 0, delta);
  }
  return { days: nextDays, values: nextValues };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Net spend and the average order value, from the amounts in the customer's currency. */
function amounts(
  row: Row,
  grossSpendMinor: number,
  refundsMinor: number,
  purchaseCount: number,
  otherCurrency: number,
) {
  const netSpendMinor = grossSpendMinor - refundsMinor;
  const inCurrency = purchaseCount - otherCurrency;
  return {
    grossSpendMinor,
    refundsMinor,
    netSpendMinor,
    averageOrderValueMinor: inCurrency > 0 ? Math.round(netSpendMinor / inCurrency) : row.averageOrderValueMinor,
  };
}

/** Where a row stands in its stream and the log: set by every event folded in. */
type Position = Pick<Row, 'revision' | 'lastCheckpoint' | 'lastEventRecordedAt'>;

function withPurchase(row: Row, event: PurchaseRecorded, at: Date, position: Position): Row {
  const day = epochDay(at.getTime());
  const purchases = addOnDay(row.purchaseDays, row.purchaseDayCounts, day, 1);
  const currency = row.currency ?? event.data.currency;
  const inCurrency = event.data.currency === currency;
  const spend = inCurrency
    ? addOnDay(row.spendDays, row.spendDayNetMinor, day, event.data.totalMinor)
    : { days: row.spendDays, values: row.spendDayNetMinor };
  const purchaseCount = row.purchaseCount + 1;
  const otherCurrencyPurchases = row.otherCurrencyPurchases + (inCurrency ? 0 : 1);
  const distinct = purchases.days.length;
  return {
    ...row,
    firstPurchaseAt: row.firstPurchaseAt && row.firstPurchaseAt <= at ? row.firstPurchaseAt : at,
    lastPurchaseAt: row.lastPurchaseAt && row.lastPurchaseAt >= at ? row.lastPurchaseAt : at,
    purchaseCount,
    distinctPurchaseDays: distinct,
    currency,
    otherCurrencyPurchases,
    ...amounts(
      row,
      row.grossSpendMinor + (inCurrency ? event.data.totalMinor : 0),
      row.refundsMinor,
      purchaseCount,
      otherCurrencyPurchases,
    ),
    meanPurchaseGapDays: distinct >= 2 ? (purchases.days[distinct - 1]! - purchases.days[0]!) / (distinct - 1) : null,
    purchaseDays: purchases.days,
    purchaseDayCounts: purchases.values,
    spendDays: spend.days,
    spendDayNetMinor: spend.values,
    ...(inCurrency ? { orderIds: [...row.orderIds, event.data.orderId], orderDays: [...row.orderDays, day] } : {}),
    ...position,
  };
}

function withRefund(row: Row, event: PurchaseRefunded, at: Date, position: Position): Row {
  if (event.data.currency !== row.currency) return { ...row, ...position };
  const day = epochDay(at.getTime());
  const spend = addOnDay(row.spendDays, row.spendDayNetMinor, day, -event.data.amountMinor);
  const orderIndex = row.orderIds.indexOf(event.data.orderId);
  // A refund belongs to its order's day for value windows; an order the row never saw (impossible for events the
  // decider made) falls back to the refund's own day.
  const orderDay = orderIndex < 0 ? day : row.orderDays[orderIndex]!;
  return {
    ...row,
    refundDays: [...row.refundDays, day],
    refundOrderDays: [...row.refundOrderDays, orderDay],
    refundAmountsMinor: [...row.refundAmountsMinor, event.data.amountMinor],
    ...amounts(
      row,
      row.grossSpendMinor,
      row.refundsMinor + event.data.amountMinor,
      row.purchaseCount,
      row.otherCurrencyPurchases,
    ),
    spendDays: spend.days,
    spendDayNetMinor: spend.values,
    ...position,
  };
}

function withSurvey(row: Row, event: SurveyRecorded, at: Date, position: Position): Row {
  const { csat, nps } = event.data;
  const next: Row = { ...row, ...position };
  if (csat !== null) {
    next.csatCount = row.csatCount + 1;
    next.csatSum = row.csatSum + csat;
    next.csatAverage = round2(next.csatSum / next.csatCount);
    next.csatScoreCounts = row.csatScoreCounts.map((n, index) => (index === csat - 1 ? n + 1 : n));
  }
  if (nps !== null && (row.lastNpsAt === null || at >= row.lastNpsAt)) {
    next.lastNps = nps;
    next.lastNpsAt = at;
  }
  return next;
}

function withOpenComplaint(
  row: Row,
  complaintId: string,
  open: boolean,
): Pick<CustomerFactsRow, 'openComplaintIds' | 'complaintsOpen'> {
  const others = row.openComplaintIds.filter((id) => id !== complaintId);
  const openComplaintIds = open ? [...others, complaintId] : others;
  return { openComplaintIds, complaintsOpen: openComplaintIds.length };
}

/**
 * Pure fold of one customer's events into its summary row: the profile, and
 * the purchase and satisfaction facts (docs/read-models.md). Events may
 * arrive in any business-time order: first, last and gaps come from the
 * sorted day lists, never from the order of arrival.
 */
export function evolveCustomerSummary(row: Row | null, stored: StoredEvent): Row | null {
  const event = toCustomerEvent(stored);
  const position: Position = {
    revision: stored.revision,
    lastCheckpoint: stored.checkpoint,
    lastEventRecordedAt: stored.recordedAt,
  };
  if (event.type === 'CustomerRegistered') {
    const { profile } = event.data;
    return {
      customerId: event.data.customerId,
      kind: event.data.kind,
      name: profile.name,
      email: profile.email,
      phone: profile.phone,
      region: profile.region,
      acquisitionSource: event.data.acquisitionSource,
      accountManagerId: row?.accountManagerId ?? null,
      profile,
      optedOutChannels: [],
      status: 'active',
      registeredAt: new Date(event.data.occurredAt),
      ...position,
      ...emptyCustomerFacts(),
    };
  }
  // Every other event belongs to a registered customer; a missing row means the stream is malformed.
  if (!row) throw new Error(`${stored.type} at ${stored.stream}@${stored.revision} before CustomerRegistered`);
  switch (event.type) {
    case 'CustomerProfileUpdated': {
      const profile: Record<string, unknown> = { ...row.profile };
      for (const change of event.data.changes) profile[change.field] = change.to ?? null;
      const next: Row = { ...row, profile: profile as unknown as CustomerProfile, ...position };
      for (const change of event.data.changes) {
        if ((PROFILE_COLUMNS as readonly string[]).includes(change.field)) {
          (next as unknown as Record<string, unknown>)[change.field] = change.to ?? null;
        }
      }
      return next;
    }
    case 'AccountManagerAssigned':
      return { ...row, accountManagerId: event.data.accountManagerId, ...position };
    case 'RelationshipTerminated':
      return { ...row, status: 'terminated', terminatedAt: businessTime(event, stored), ...position };
    case 'CustomerReactivated':
      return { ...row, status: 'active', reactivatedAt: businessTime(event, stored), ...position };
    // One copy of the row per event: these return the whole row, position included.
    case 'PurchaseRecorded':
      return withPurchase(row, event, businessTime(event, stored), position);
    case 'PurchaseRefunded':
      return withRefund(row, event, businessTime(event, stored), position);
    case 'SurveyRecorded':
      return withSurvey(row, event, businessTime(event, stored), position);
    case 'ComplaintFiled':
      return {
        ...row,
        complaintsTotal: row.complaintsTotal + 1,
        ...withOpenComplaint(row, event.data.complaintId, true),
        ...position,
      };
    case 'ComplaintReopened':
      return { ...row, ...withOpenComplaint(row, event.data.complaintId, true), ...position };
    case 'ComplaintClosed':
      return { ...row, ...withOpenComplaint(row, event.data.complaintId, false), ...position };
    case 'ComplaintFollowedUp': {
      const count = row.resolutionSatisfactionCount + 1;
      const sum = row.resolutionSatisfactionSum + event.data.satisfaction;
      return {
        ...row,
        resolutionSatisfactionCount: count,
        resolutionSatisfactionSum: sum,
        resolutionSatisfactionAverage: round2(sum / count),
        ...position,
      };
    }
    case 'ContactPreferencesSet': {
      const optedOut = new Set<ContactChannel>(row.optedOutChannels);
      for (const channel of event.data.optedOut) optedOut.add(channel);
      for (const channel of event.data.optedIn) optedOut.delete(channel);
      return { ...row, optedOutChannels: CONTACT_CHANNELS.filter((c) => optedOut.has(c)), ...position };
    }
    case 'ContactLogged':
    case 'ComplaintAssessed':
    case 'ComplaintResolutionProposed':
    case 'ComplaintResolved':
    case 'FeedbackRecorded':
      return { ...row, ...position };
    default:
      return assertNever(event, 'customer event');
  }
}

export const customerSummaryProjection: RowProjection<Row> = {
  name: 'customer_summary',
  entity: CustomerSummaryEntity,
  keyProperty: 'customerId',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (event) =>
    event.stream.startsWith(CUSTOMER_STREAM_PREFIX) ? event.stream.slice(CUSTOMER_STREAM_PREFIX.length) : null,
  evolve: evolveCustomerSummary,
};
