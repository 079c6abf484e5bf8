import type { StoredEvent } from '@crm/event-store';
import { assertNever } from '@crm/platform/domain';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import {
  complaintSlaTargets,
  DEFAULT_COMPLAINT_SLA_RULES,
  type ComplaintSlaRules,
  elapsedMinutes,
  targetMissed,
} from '../../domain/complaint-sla';
import { CUSTOMER_STREAM_PREFIX, type CustomerEvent } from '../../domain/customer.events';
import { ComplaintEntity, type ComplaintRow } from './complaint.entity';

/** The customer events that concern one complaint. */
export type ComplaintEvent = Extract<
  CustomerEvent,
  {
    type:
      | 'ComplaintFiled'
      | 'ComplaintAssessed'
      | 'ComplaintResolutionProposed'
      | 'ComplaintResolved'
      | 'ComplaintFollowedUp'
      | 'ComplaintClosed'
      | 'ComplaintReopened';
  }
>;

// A record rather than a list, so that a new complaint event type fails the type check until it is listed here.
const COMPLAINT_EVENT_TYPES: Readonly<Record<ComplaintEvent['type'], true>> = {
  ComplaintFiled: true,
  ComplaintAssessed: true,
  ComplaintResolutionProposed: true,
  ComplaintResolved: true,
  ComplaintFollowedUp: true,
  ComplaintClosed: true,
  ComplaintReopened: true,
};

function isComplaintEventType(type: string): type is ComplaintEvent['type'] {
  return Object.prototype.hasOwnProperty.call(COMPLAINT_EVENT_TYPES, type);
}

function isComplaintEvent(event: CustomerEvent): event is ComplaintEvent {
  return isComplaintEventType(event.type);
}

/** The row key of a complaint: `<customerId>/<complaintId>`. */
export function complaintKey(customerId: string, complaintId: string): string {
  return `${customerId}/${complaintId}`;
}

function businessTime(event: ComplaintEvent, stored: StoredEvent): Date {
  const time = new Date(event.data.occurredAt);
  if (Number.isNaN(time.getTime())) {
    throw new Error(
      `${stored.type} at ${stored.stream}@${stored.revision} carries no valid business time (occurredAt)`,
    );
  }
  return time;
}

/** When the current handling cycle started: the latest reopening, else the filing. */
function cycleStart(row: ComplaintRow): Date {
  return row.lastReopenedAt ?? row.filedAt;
}

/** The SLA targets new complaints are measured against (useComplaintSlaRules). */
let slaRules: ComplaintSlaRules = DEFAULT_COMPLAINT_SLA_RULES;

/**
 * Sets the SLA targets complaints are measured against when filed: the
 * `complaintSla` section of the rules in force (CRM_RULES_FILE), set where the
 * rules are loaded (the API, the projector, the rebuild commands). Each row
 * records the version it was measured against; after a change, rebuilding the
 * complaints projection measures every complaint against the new targets.
 */
export function useComplaintSlaRules(rules: ComplaintSlaRules): void {
  slaRules = rules;
}

/** The SLA rules in force for the complaints projection. */
export function complaintSlaInForce(): ComplaintSlaRules {
  return slaRules;
}

/**
 * Pure fold of one complaint's events into its row (complaint.entity.ts
 * explains cycles, minutes and breach flags). Events of other types leave
 * the row as it is.
 */
export function evolveComplaint(row: ComplaintRow | null, stored: StoredEvent): ComplaintRow | null {
  const event = toCustomerEvent(stored);
  if (!isComplaintEvent(event)) return row;
  const at = businessTime(event, stored);
  const position = { revision: stored.revision, lastCheckpoint: stored.checkpoint };

  if (event.type === 'ComplaintFiled') {
    if (row)
      throw new Error(`${stored.type} at ${stored.stream}@${stored.revision}: complaint ${row.key} was already filed`);
    const { complaintId, category, severity, channel } = event.data;
    const customerId = stored.stream.slice(CUSTOMER_STREAM_PREFIX.length);
    const sla = complaintSlaInForce();
    const targets = complaintSlaTargets(severity, sla);
    return {
      key: complaintKey(customerId, complaintId),
      customerId,
      complaintId,
      state: 'filed',
      category,
      severity,
      channel,
      filedAt: at,
      assessedAt: null,
      verdict: null,
      resolvedAt: null,
      followedUpAt: null,
      closedAt: null,
      reopenedCount: 0,
      lastReopenedAt: null,
      satisfaction: null,
      minutesToAssess: null,
      minutesToResolve: null,
      assessTargetMinutes: targets.assessWithinMinutes,
      resolveTargetMinutes: targets.resolveWithinMinutes,
      slaRulesVersion: sla.version,
      assessBreached: false,
      resolveBreached: false,
      ...position,
    };
  }
  // Every other complaint event follows the filing; a missing row means the stream is malformed.
  if (!row) {
    throw new Error(
      `${stored.type} at ${stored.stream}@${stored.revision} before ComplaintFiled of ${event.data.complaintId}`,
    );
  }
  switch (event.type) {
    case 'ComplaintAssessed': {
      const minutes = elapsedMinutes(cycleStart(row).getTime(), at.getTime());
      return {
        ...row,
        state: event.data.verdict,
        assessedAt: at,
        verdict: event.data.verdict,
        minutesToAssess: minutes,
        assessBreached: row.assessBreached || targetMissed(minutes, row.assessTargetMinutes),
        ...position,
      };
    }
    case 'ComplaintResolutionProposed':
      return { ...row, state: 'resolution-proposed', ...position };
    case 'ComplaintResolved': {
      const minutes = elapsedMinutes(cycleStart(row).getTime(), at.getTime());
      return {
        ...row,
        state: 'resolved',
        resolvedAt: at,
        minutesToResolve: minutes,
        resolveBreached: row.resolveBreached || targetMissed(minutes, row.resolveTargetMinutes),
        ...position,
      };
    }
    case 'ComplaintFollowedUp':
      return { ...row, state: 'followed-up', followedUpAt: at, satisfaction: event.data.satisfaction, ...position };
    case 'ComplaintClosed':
      return { ...row, state: 'closed', closedAt: at, ...position };
    case 'ComplaintReopened':
      // A new cycle: its assessment and resolution clocks start now.
      return {
        ...row,
        state: 'reopened',
        reopenedCount: row.reopenedCount + 1,
        lastReopenedAt: at,
        assessedAt: null,
        verdict: null,
        resolvedAt: null,
        followedUpAt: null,
        closedAt: null,
        minutesToAssess: null,
        minutesToResolve: null,
        ...position,
      };
    default:
      return assertNever(event, 'complaint event');
  }
}

/** complaints: one row per complaint, keyed by `<customerId>/<complaintId>`. */
export const complaintsProjection: RowProjection<ComplaintRow> = {
  name: 'complaints',
  entity: ComplaintEntity,
  keyProperty: 'key',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (stored) => {
    if (!stored.stream.startsWith(CUSTOMER_STREAM_PREFIX) || !isComplaintEventType(stored.type)) return null;
    const event = toCustomerEvent(stored);
    if (!isComplaintEvent(event)) return null;
    return complaintKey(stored.stream.slice(CUSTOMER_STREAM_PREFIX.length), event.data.complaintId);
  },
  evolve: evolveComplaint,
};
