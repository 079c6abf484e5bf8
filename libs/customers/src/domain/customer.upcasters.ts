import {
  CUSTOMER_EVENT_SCHEMA_VERSIONS,
  EMPTY_PROFILE,
  type CustomerEvent,
  type CustomerEventType,
} from './customer.events';

type EventData = Record<string, unknown>;

/**
 * Upcasters: for each event type, one function per old schema version that
 * turns data of version v into data of version v + 1. Stored events are never
 * rewritten; they are read through these, so folds only see current shapes.
 */
const UPCASTERS: Partial<Record<CustomerEventType, Record<number, (data: EventData) => EventData>>> = {
  CustomerRegistered: {
    // v1 held the profile flat (name, email, phone, region) and the business time as registeredAt.
    1: (data) => ({
      customerId: data.customerId,
      kind: data.kind,
      profile: {
        ...EMPTY_PROFILE,
        name: data.name,
        email: data.email ?? null,
        phone: data.phone ?? null,
        region: data.region ?? null,
      },
      acquisitionSource: data.acquisitionSource ?? null,
      occurredAt: data.registeredAt,
    }),
  },
};

export class UnknownEventError extends Error {
  constructor(type: string, version: number) {
    super(`cannot read customer event ${type} v${version}`);
    this.name = 'UnknownEventError';
  }
}

/** Reads an event of any known schema version as the current domain event. */
export function upcastCustomerEvent(type: string, schemaVersion: number, data: EventData): CustomerEvent {
  if (!Object.hasOwn(CUSTOMER_EVENT_SCHEMA_VERSIONS, type)) throw new UnknownEventError(type, schemaVersion);
  const eventType = type as CustomerEventType;
  const current = CUSTOMER_EVENT_SCHEMA_VERSIONS[eventType];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new UnknownEventError(type, schemaVersion);
  }
  let upgraded = data;
  for (let version = schemaVersion; version < current; version++) {
    const step = UPCASTERS[eventType]?.[version];
    if (!step) throw new UnknownEventError(type, version);
    upgraded = step(upgraded);
  }
  return { type: eventType, data: upgraded } as unknown as CustomerEvent;
}
