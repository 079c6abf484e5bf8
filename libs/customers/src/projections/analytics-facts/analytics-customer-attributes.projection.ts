import type { StoredEvent } from '@crm/event-store';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import { CUSTOMER_STREAM_PREFIX } from '../../domain/customer.events';
import {
  AnalyticsCustomerAttributeEntity,
  type AnalyticsAttribute,
  type AnalyticsCustomerAttributeRow,
} from './analytics-customer-attribute.entity';
import { businessTimeOf, customerIdOfStream } from './analytics-orders.projection';

/** The region or account manager an event sets, or null when it sets neither. */
function attributeSet(stored: StoredEvent): { attribute: AnalyticsAttribute; value: string | null } | null {
  if (
    stored.type !== 'CustomerRegistered' &&
    stored.type !== 'CustomerProfileUpdated' &&
    stored.type !== 'AccountManagerAssigned'
  ) {
    return null;
  }
  const event = toCustomerEvent(stored);
  switch (event.type) {
    case 'CustomerRegistered':
      return { attribute: 'region', value: event.data.profile.region };
    case 'CustomerProfileUpdated': {
      const change = event.data.changes.find((c) => c.field === 'region');
      return change ? { attribute: 'region', value: typeof change.to === 'string' ? change.to : null } : null;
    }
    case 'AccountManagerAssigned':
      return { attribute: 'accountManager', value: event.data.accountManagerId };
    default:
      return null;
  }
}

/** Pure: the row of an event that sets a customer's region or account manager (one row per such event). */
export function evolveAnalyticsCustomerAttribute(
  row: AnalyticsCustomerAttributeRow | null,
  stored: StoredEvent,
): AnalyticsCustomerAttributeRow | null {
  const set = attributeSet(stored);
  const customerId = customerIdOfStream(stored.stream);
  if (!set || customerId === null) return row;
  const event = toCustomerEvent(stored);
  const occurredAt = businessTimeOf(event.data.occurredAt, stored);
  return {
    key: `${customerId}|${stored.revision}`,
    customerId,
    revision: stored.revision,
    attribute: set.attribute,
    value: set.value,
    occurredAt,
    lastCheckpoint: stored.checkpoint,
  };
}

/** analytics_customer_attributes: the history of each customer's region and account manager, by business time. */
export const analyticsCustomerAttributesProjection: RowProjection<AnalyticsCustomerAttributeRow> = {
  name: 'analytics_customer_attributes',
  entity: AnalyticsCustomerAttributeEntity,
  keyProperty: 'key',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (stored) => {
    const customerId = customerIdOfStream(stored.stream);
    return customerId !== null && attributeSet(stored) ? `${customerId}|${stored.revision}` : null;
  },
  evolve: evolveAnalyticsCustomerAttribute,
};
