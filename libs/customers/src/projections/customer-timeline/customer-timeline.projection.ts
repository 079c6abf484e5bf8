import type { StoredEvent } from '@crm/event-store';
import { assertNever } from '@crm/platform/domain';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import { CUSTOMER_STREAM_PREFIX, type CustomerEvent } from '../../domain/customer.events';
import { CustomerTimelineEntity, type CustomerTimelineRow } from './customer-timeline.entity';

/** Currencies whose usual display has no minor digits, or three; every other one has two. */
const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** "EUR 45.00" from 4500 minor units; "JPY 4500" from 4500. */
export function formatMoney(amountMinor: number, currency: string): string {
  const decimals = CURRENCY_DECIMALS[currency] ?? 2;
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(amountMinor))).padStart(decimals + 1, '0');
  const amount = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return `${currency} ${sign}${amount}`;
}

const FREE_TEXT_LENGTH = 80;

/** Free text shortened to one line of at most 80 characters. */
function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= FREE_TEXT_LENGTH ? line : `${line.slice(0, FREE_TEXT_LENGTH - 1)}…`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function withDetail(text: string, detail: string | null): string {
  return detail ? `${text}: ${clip(detail)}` : text;
}

/** A short human-readable line describing one customer event. */
export function summarize(event: CustomerEvent): string {
  switch (event.type) {
    case 'CustomerRegistered': {
      const { kind, profile, acquisitionSource } = event.data;
      const source = acquisitionSource ? `, source ${acquisitionSource}` : '';
      return `Customer registered: ${clip(profile.name)} (${kind}${source})`;
    }
    case 'CustomerProfileUpdated':
      return `Profile updated: ${event.data.changes.map((c) => c.field).join(', ') || 'no fields'}`;
    case 'AccountManagerAssigned': {
      const { accountManagerId, previousAccountManagerId } = event.data;
      const previous = previousAccountManagerId ? ` (was ${previousAccountManagerId})` : '';
      return `Account manager assigned: ${accountManagerId}${previous}`;
    }
    case 'ContactPreferencesSet': {
      const { optedOut, optedIn } = event.data;
      const parts = [
        optedOut.length > 0 ? `opted out of ${optedOut.join(', ')}` : null,
        optedIn.length > 0 ? `opted in to ${optedIn.join(', ')}` : null,
      ].filter((part): part is string => part !== null);
      return `Contact preferences set: ${parts.join('; ') || 'no change'}`;
    }
    case 'RelationshipTerminated':
      return withDetail('Relationship terminated', event.data.reason);
    case 'CustomerReactivated':
      return event.data.trigger === 'purchase'
        ? `Customer reactivated by purchase ${event.data.orderId ?? '(unknown order)'}`
        : withDetail('Customer reactivated', event.data.reason);
    case 'PurchaseRecorded': {
      const { orderId, lines, totalMinor, currency } = event.data;
      return `Purchase ${orderId}: ${plural(lines.length, 'line')}, ${formatMoney(totalMinor, currency)}`;
    }
    case 'PurchaseRefunded': {
      const { refundId, orderId, amountMinor, currency, reason } = event.data;
      const text = `Refund ${refundId} of purchase ${orderId}: ${formatMoney(amountMinor, currency)}`;
      return reason ? `${text} (${clip(reason)})` : text;
    }
    case 'ContactLogged': {
      const { contactId, direction, channel, agent, topic } = event.data;
      return `Contact ${contactId} (${direction} ${channel}, ${clip(agent)}): ${clip(topic)}`;
    }
    case 'ComplaintFiled': {
      const { complaintId, severity, category, channel } = event.data;
      return `Complaint ${complaintId} filed: ${severity} severity, ${clip(category)}, via ${channel}`;
    }
    case 'ComplaintAssessed':
      return `Complaint ${event.data.complaintId} assessed: ${event.data.verdict} (${clip(event.data.reason)})`;
    case 'ComplaintResolutionProposed':
      return withDetail(`Complaint ${event.data.complaintId} resolution proposed`, event.data.proposal);
    case 'ComplaintResolved':
      return withDetail(`Complaint ${event.data.complaintId} resolved`, event.data.resolution);
    case 'ComplaintFollowedUp': {
      const { complaintId, satisfaction, note } = event.data;
      const text = `Complaint ${complaintId} followed up: satisfaction ${satisfaction}/5`;
      return note ? `${text} (${clip(note)})` : text;
    }
    case 'ComplaintClosed':
      return withDetail(`Complaint ${event.data.complaintId} closed`, event.data.note);
    case 'ComplaintReopened':
      return withDetail(`Complaint ${event.data.complaintId} reopened`, event.data.reason);
    case 'SurveyRecorded': {
      const { surveyId, method, csat, nps, ces } = event.data;
      const scores = [
        csat !== null ? `CSAT ${csat}/5` : null,
        nps !== null ? `NPS ${nps}/10` : null,
        ces !== null ? `CES ${ces}/7` : null,
      ].filter((score): score is string => score !== null);
      return `Survey ${surveyId} (${method}): ${scores.join(', ') || 'no scores'}`;
    }
    case 'FeedbackRecorded': {
      const { feedbackId, kind, channel, text } = event.data;
      return `Feedback ${feedbackId} (${kind} via ${channel}): ${clip(text)}`;
    }
    default:
      return assertNever(event, 'customer event');
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The event's business time: its data's occurredAt, else its metadata's. Never the recorded time. */
function businessTime(event: CustomerEvent, stored: StoredEvent): Date {
  for (const candidate of [event.data.occurredAt, stored.metadata.occurredAt]) {
    if (typeof candidate !== 'string') continue;
    const time = new Date(candidate);
    if (!Number.isNaN(time.getTime())) return time;
  }
  throw new Error(`${stored.type} at ${stored.stream}@${stored.revision} carries no business time (occurredAt)`);
}

/**
 * Pure: the timeline row of one event. The row depends on the event alone,
 * so a second delivery of the same event writes the same row.
 */
export function evolveCustomerTimeline(_row: CustomerTimelineRow | null, stored: StoredEvent): CustomerTimelineRow {
  const event = toCustomerEvent(stored);
  const { metadata } = stored;
  return {
    eventId: stored.id,
    customerId: stored.stream.slice(CUSTOMER_STREAM_PREFIX.length),
    streamRevision: stored.revision,
    globalCheckpoint: stored.checkpoint,
    eventType: event.type,
    schemaVersion: typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : 1,
    occurredAt: businessTime(event, stored),
    recordedAt: stored.recordedAt,
    actor: stringOrNull(metadata.actor),
    commandId: stringOrNull(metadata.commandId),
    correlationId: stringOrNull(metadata.correlationId),
    summary: summarize(event),
    data: event.data as unknown as Record<string, unknown>,
  };
}

/** customer_timeline: one row per customer event, keyed by the event id. */
export const customerTimelineProjection: RowProjection<CustomerTimelineRow> = {
  name: 'customer_timeline',
  entity: CustomerTimelineEntity,
  keyProperty: 'eventId',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (event) => (event.stream.startsWith(CUSTOMER_STREAM_PREFIX) ? event.id : null),
  evolve: evolveCustomerTimeline,
};
