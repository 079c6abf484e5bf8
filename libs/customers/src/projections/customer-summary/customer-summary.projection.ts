import type { StoredEvent } from '@crm/event-store';
import { assertNever } from '@crm/platform/domain';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import { CUSTOMER_STREAM_PREFIX } from '../../domain/customer.events';
import { CustomerSummaryEntity, type CustomerSummaryRow } from './customer-summary.entity';

const PROFILE_COLUMNS = ['name', 'email', 'phone', 'region'] as const;

/** Pure fold of one customer's events into its summary row. */
export function evolveCustomerSummary(row: CustomerSummaryRow | null, stored: StoredEvent): CustomerSummaryRow | null {
  const event = toCustomerEvent(stored);
  const position = {
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
      status: 'active',
      registeredAt: new Date(event.data.occurredAt),
      ...position,
    };
  }
  // Every other event belongs to a registered customer; a missing row means the stream is malformed.
  if (!row) throw new Error(`${stored.type} at ${stored.stream}@${stored.revision} before CustomerRegistered`);
  switch (event.type) {
    case 'CustomerProfileUpdated': {
      const next: CustomerSummaryRow = { ...row, ...position };
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
      return { ...row, status: 'terminated', ...position };
    case 'CustomerReactivated':
      return { ...row, status: 'active', ...position };
    case 'ContactPreferencesSet':
    case 'PurchaseRecorded':
    case 'PurchaseRefunded':
    case 'ContactLogged':
    case 'ComplaintFiled':
    case 'ComplaintAssessed':
    case 'ComplaintResolutionProposed':
    case 'ComplaintResolved':
    case 'ComplaintFollowedUp':
    case 'ComplaintClosed':
    case 'ComplaintReopened':
    case 'SurveyRecorded':
    case 'FeedbackRecorded':
      return { ...row, ...position };
    default:
      return assertNever(event, 'customer event');
  }
}

export const customerSummaryProjection: RowProjection<CustomerSummaryRow> = {
  name: 'customer_summary',
  entity: CustomerSummaryEntity,
  keyProperty: 'customerId',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (event) =>
    event.stream.startsWith(CUSTOMER_STREAM_PREFIX) ? event.stream.slice(CUSTOMER_STREAM_PREFIX.length) : null,
  evolve: evolveCustomerSummary,
};
