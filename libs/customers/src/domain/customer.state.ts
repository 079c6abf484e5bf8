import { assertNever } from '@crm/platform/domain';
import type { ComplaintStatus } from './complaint-lifecycle';
import type { ContactChannel, CustomerEvent, CustomerKind, CustomerProfile } from './customer.events';

export interface OrderState {
  readonly currency: string;
  /** Business time of the purchase (ISO 8601). */
  readonly occurredAt: string;
  readonly totalMinor: number;
  readonly refundedMinor: number;
}

/**
 * What the decider needs to know about a customer. Collections are owned by
 * the fold: `evolve` may extend the maps and sets of the state it is given,
 * so a state must not be used after it has been evolved (every caller folds
 * linearly). This keeps folding a long stream linear in its length.
 */
export interface CustomerState {
  readonly status: 'unregistered' | 'active' | 'terminated';
  /** Business time of the registration (ISO 8601): nothing of the customer happens before it. */
  readonly registeredAt: string | null;
  /** Business time of the termination in force (ISO 8601), null unless terminated. */
  readonly terminatedAt: string | null;
  readonly customerId: string | null;
  readonly kind: CustomerKind | null;
  readonly profile: CustomerProfile | null;
  readonly accountManagerId: string | null;
  readonly optedOut: ReadonlySet<ContactChannel>;
  readonly orders: Map<string, OrderState>;
  /** Sum of the purchases' totals per currency, in minor units. */
  readonly purchasedMinorByCurrency: Map<string, number>;
  readonly refundIds: Set<string>;
  readonly contactIds: Set<string>;
  readonly complaints: Map<string, ComplaintStatus>;
  /** Business time of each complaint's latest step (filing, assessment, …, reopening). */
  readonly complaintStepAt: Map<string, string>;
  readonly surveyIds: Set<string>;
  readonly feedbackIds: Set<string>;
}

export function initialState(): CustomerState {
  return {
    status: 'unregistered',
    registeredAt: null,
    terminatedAt: null,
    customerId: null,
    kind: null,
    profile: null,
    accountManagerId: null,
    optedOut: new Set(),
    orders: new Map(),
    purchasedMinorByCurrency: new Map(),
    refundIds: new Set(),
    contactIds: new Set(),
    complaints: new Map(),
    complaintStepAt: new Map(),
    surveyIds: new Set(),
    feedbackIds: new Set(),
  };
}

function complaint(
  state: CustomerState,
  event: { data: { complaintId: string; occurredAt: string } },
  status: ComplaintStatus,
): CustomerState {
  state.complaints.set(event.data.complaintId, status);
  state.complaintStepAt.set(event.data.complaintId, event.data.occurredAt);
  return state;
}

export function evolve(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered':
      return {
        ...state,
        status: 'active',
        registeredAt: event.data.occurredAt,
        customerId: event.data.customerId,
        kind: event.data.kind,
        profile: event.data.profile,
      };
    case 'CustomerProfileUpdated': {
      if (!state.profile) return state;
      const profile: Record<string, unknown> = { ...state.profile };
      for (const change of event.data.changes) profile[change.field] = change.to;
      return { ...state, profile: profile as unknown as CustomerProfile };
    }
    case 'AccountManagerAssigned':
      return { ...state, accountManagerId: event.data.accountManagerId };
    case 'ContactPreferencesSet': {
      const optedOut = new Set(state.optedOut);
      for (const channel of event.data.optedOut) optedOut.add(channel);
      for (const channel of event.data.optedIn) optedOut.delete(channel);
      return { ...state, optedOut };
    }
    case 'RelationshipTerminated':
      return { ...state, status: 'terminated', terminatedAt: event.data.occurredAt };
    case 'CustomerReactivated':
      return { ...state, status: 'active', terminatedAt: null };
    case 'PurchaseRecorded':
      state.orders.set(event.data.orderId, {
        currency: event.data.currency,
        occurredAt: event.data.occurredAt,
        totalMinor: event.data.totalMinor,
        refundedMinor: 0,
      });
      state.purchasedMinorByCurrency.set(
        event.data.currency,
        (state.purchasedMinorByCurrency.get(event.data.currency) ?? 0) + event.data.totalMinor,
      );
      return state;
    case 'PurchaseRefunded': {
      const order = state.orders.get(event.data.orderId);
      if (order)
        state.orders.set(event.data.orderId, { ...order, refundedMinor: order.refundedMinor + event.data.amountMinor });
      state.refundIds.add(event.data.refundId);
      return state;
    }
    case 'ContactLogged':
      state.contactIds.add(event.data.contactId);
      return state;
    case 'ComplaintFiled':
      return complaint(state, event, 'filed');
    case 'ComplaintAssessed':
      return complaint(state, event, event.data.verdict === 'valid' ? 'valid' : 'rejected');
    case 'ComplaintResolutionProposed':
      return complaint(state, event, 'resolution-proposed');
    case 'ComplaintResolved':
      return complaint(state, event, 'resolved');
    case 'ComplaintFollowedUp':
      return complaint(state, event, 'followed-up');
    case 'ComplaintClosed':
      return complaint(state, event, 'closed');
    case 'ComplaintReopened':
      return complaint(state, event, 'reopened');
    case 'SurveyRecorded':
      state.surveyIds.add(event.data.surveyId);
      return state;
    case 'FeedbackRecorded':
      state.feedbackIds.add(event.data.feedbackId);
      return state;
    default:
      return assertNever(event, 'customer event');
  }
}
