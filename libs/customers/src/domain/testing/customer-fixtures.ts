import type {
  AssessComplaint,
  AssignAccountManager,
  CloseComplaint,
  FileComplaint,
  FollowUpComplaint,
  LogContact,
  ProposeResolution,
  ReactivateCustomer,
  RecordFeedback,
  RecordPurchase,
  RecordSurvey,
  RefundPurchase,
  RegisterCustomer,
  ReopenComplaint,
  ResolveComplaint,
  SetContactPreferences,
  TerminateRelationship,
  UpdateCustomerProfile,
} from '../customer.commands';
import type {
  AccountManagerAssigned,
  ComplaintAssessed,
  ComplaintClosed,
  ComplaintFiled,
  ComplaintFollowedUp,
  ComplaintReopened,
  ComplaintResolutionProposed,
  ComplaintResolved,
  ContactLogged,
  ContactPreferencesSet,
  CustomerProfile,
  CustomerProfileUpdated,
  CustomerReactivated,
  CustomerRegistered,
  FeedbackRecorded,
  ProfileChange,
  PurchaseLine,
  PurchaseRecorded,
  PurchaseRefunded,
  RelationshipTerminated,
  SurveyRecorded,
} from '../customer.events';
import { EMPTY_PROFILE } from '../customer.events';

/**
 * Builders for customer commands and events, so that domain specs only spell
 * out what a test is about. Every builder has plain defaults and takes typed
 * overrides. Commands default to the business time NOW and events too, so a
 * command built with defaults decides the event built with defaults.
 */

export const CUSTOMER_ID = 'c-1001';
export const ORGANISATION_ID = 'c-2001';
export const COMPLAINT_ID = 'cmp-1';
export const ORDER_ID = 'o-1';

/** When the default customer registered. */
export const REGISTERED_AT = '2026-03-01T09:30:00.000Z';
/** Business time of every command and event that names no other. */
export const NOW = '2026-04-01T10:00:00.000Z';

/** A command's business time. Only test code may build dates in the domain folder. */
export function at(iso: string): Date {
  return new Date(iso);
}

// ---------------------------------------------------------------- profiles

/** A profile with nothing but a name, as the decider completes an input that gives only the name. */
export { EMPTY_PROFILE };

export const INDIVIDUAL_NAME = 'Ada Lovelace';
export const INDIVIDUAL_EMAIL = 'ada@example.com';
export const ORGANISATION_NAME = 'Acme Ltd';

export function individualProfile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return { ...EMPTY_PROFILE, name: INDIVIDUAL_NAME, email: INDIVIDUAL_EMAIL, ...overrides };
}

export function organisationProfile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return { ...EMPTY_PROFILE, name: ORGANISATION_NAME, ...overrides };
}

// ---------------------------------------------------------------- commands

export function registerIndividual(overrides: Partial<RegisterCustomer['data']> = {}): RegisterCustomer {
  return {
    type: 'RegisterCustomer',
    data: {
      customerId: CUSTOMER_ID,
      kind: 'individual',
      profile: { name: INDIVIDUAL_NAME, email: INDIVIDUAL_EMAIL },
      occurredAt: at(REGISTERED_AT),
      ...overrides,
    },
  };
}

export function registerOrganisation(overrides: Partial<RegisterCustomer['data']> = {}): RegisterCustomer {
  return {
    type: 'RegisterCustomer',
    data: {
      customerId: ORGANISATION_ID,
      kind: 'organisation',
      profile: { name: ORGANISATION_NAME },
      occurredAt: at(REGISTERED_AT),
      ...overrides,
    },
  };
}

export function updateProfile(
  changes: Partial<CustomerProfile>,
  overrides: Partial<UpdateCustomerProfile['data']> = {},
): UpdateCustomerProfile {
  return { type: 'UpdateCustomerProfile', data: { changes, occurredAt: at(NOW), ...overrides } };
}

export function assignAccountManager(
  accountManagerId: string,
  overrides: Partial<AssignAccountManager['data']> = {},
): AssignAccountManager {
  return { type: 'AssignAccountManager', data: { accountManagerId, occurredAt: at(NOW), ...overrides } };
}

export function setContactPreferences(
  channels: SetContactPreferences['data']['channels'],
  overrides: Partial<SetContactPreferences['data']> = {},
): SetContactPreferences {
  return { type: 'SetContactPreferences', data: { channels, occurredAt: at(NOW), ...overrides } };
}

export function terminate(overrides: Partial<TerminateRelationship['data']> = {}): TerminateRelationship {
  return { type: 'TerminateRelationship', data: { reason: 'moved abroad', occurredAt: at(NOW), ...overrides } };
}

export function reactivate(overrides: Partial<ReactivateCustomer['data']> = {}): ReactivateCustomer {
  return { type: 'ReactivateCustomer', data: { reason: 'win-back campaign', occurredAt: at(NOW), ...overrides } };
}

/** One line of 1 × 2500 EUR, no discount. */
export function recordPurchase(overrides: Partial<RecordPurchase['data']> = {}): RecordPurchase {
  return {
    type: 'RecordPurchase',
    data: {
      orderId: ORDER_ID,
      currency: 'EUR',
      channel: 'web',
      lines: [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor: 2500 }],
      occurredAt: at(NOW),
      ...overrides,
    },
  };
}

export function refundPurchase(overrides: Partial<RefundPurchase['data']> = {}): RefundPurchase {
  return {
    type: 'RefundPurchase',
    data: { refundId: 'r-1', orderId: ORDER_ID, amountMinor: 500, occurredAt: at(NOW), ...overrides },
  };
}

export function logContact(overrides: Partial<LogContact['data']> = {}): LogContact {
  return {
    type: 'LogContact',
    data: {
      contactId: 'ct-1',
      channel: 'phone',
      direction: 'outbound',
      agent: 'agent-7',
      topic: 'renewal',
      occurredAt: at(NOW),
      ...overrides,
    },
  };
}

export function fileComplaint(overrides: Partial<FileComplaint['data']> = {}): FileComplaint {
  return {
    type: 'FileComplaint',
    data: {
      complaintId: COMPLAINT_ID,
      category: 'delivery',
      severity: 'high',
      channel: 'phone',
      description: 'parcel arrived damaged',
      occurredAt: at(NOW),
      ...overrides,
    },
  };
}

export function assessComplaint(overrides: Partial<AssessComplaint['data']> = {}): AssessComplaint {
  return {
    type: 'AssessComplaint',
    data: {
      complaintId: COMPLAINT_ID,
      valid: true,
      reason: 'photos confirm the damage',
      occurredAt: at(NOW),
      ...overrides,
    },
  };
}

export function proposeResolution(overrides: Partial<ProposeResolution['data']> = {}): ProposeResolution {
  return {
    type: 'ProposeResolution',
    data: { complaintId: COMPLAINT_ID, proposal: 'replace the item', occurredAt: at(NOW), ...overrides },
  };
}

export function resolveComplaint(overrides: Partial<ResolveComplaint['data']> = {}): ResolveComplaint {
  return {
    type: 'ResolveComplaint',
    data: { complaintId: COMPLAINT_ID, resolution: 'replacement shipped', occurredAt: at(NOW), ...overrides },
  };
}

export function followUpComplaint(overrides: Partial<FollowUpComplaint['data']> = {}): FollowUpComplaint {
  return {
    type: 'FollowUpComplaint',
    data: { complaintId: COMPLAINT_ID, satisfaction: 4, occurredAt: at(NOW), ...overrides },
  };
}

export function closeComplaint(overrides: Partial<CloseComplaint['data']> = {}): CloseComplaint {
  return { type: 'CloseComplaint', data: { complaintId: COMPLAINT_ID, occurredAt: at(NOW), ...overrides } };
}

export function reopenComplaint(overrides: Partial<ReopenComplaint['data']> = {}): ReopenComplaint {
  return {
    type: 'ReopenComplaint',
    data: { complaintId: COMPLAINT_ID, reason: 'the problem came back', occurredAt: at(NOW), ...overrides },
  };
}

export function recordSurvey(overrides: Partial<RecordSurvey['data']> = {}): RecordSurvey {
  return { type: 'RecordSurvey', data: { surveyId: 's-1', method: 'online', occurredAt: at(NOW), ...overrides } };
}

export function recordFeedback(overrides: Partial<RecordFeedback['data']> = {}): RecordFeedback {
  return {
    type: 'RecordFeedback',
    data: {
      feedbackId: 'f-1',
      kind: 'suggestion',
      channel: 'email',
      text: 'please add gift wrapping',
      occurredAt: at(NOW),
      ...overrides,
    },
  };
}

// ---------------------------------------------------------------- events

type RegisteredOverrides = Partial<Omit<CustomerRegistered['data'], 'profile'>> & {
  readonly profile?: Partial<CustomerProfile>;
};

/** The individual that `registerIndividual()` registers; `profile` overrides single fields. */
export function registered(overrides: RegisteredOverrides = {}): CustomerRegistered {
  const { profile, ...data } = overrides;
  return {
    type: 'CustomerRegistered',
    data: {
      customerId: CUSTOMER_ID,
      kind: 'individual',
      acquisitionSource: null,
      occurredAt: REGISTERED_AT,
      ...data,
      profile: individualProfile(profile),
    },
  };
}

/** The organisation that `registerOrganisation()` registers; `profile` overrides single fields. */
export function organisationRegistered(overrides: RegisteredOverrides = {}): CustomerRegistered {
  const { profile, ...data } = overrides;
  return {
    type: 'CustomerRegistered',
    data: {
      customerId: ORGANISATION_ID,
      kind: 'organisation',
      acquisitionSource: null,
      occurredAt: REGISTERED_AT,
      ...data,
      profile: organisationProfile(profile),
    },
  };
}

export function profileUpdated(changes: readonly ProfileChange[], occurredAt = NOW): CustomerProfileUpdated {
  return { type: 'CustomerProfileUpdated', data: { changes, occurredAt } };
}

export function accountManagerAssigned(
  accountManagerId: string,
  previousAccountManagerId: string | null = null,
  occurredAt = NOW,
): AccountManagerAssigned {
  return { type: 'AccountManagerAssigned', data: { accountManagerId, previousAccountManagerId, occurredAt } };
}

export function contactPreferencesSet(overrides: Partial<ContactPreferencesSet['data']> = {}): ContactPreferencesSet {
  return { type: 'ContactPreferencesSet', data: { optedOut: [], optedIn: [], occurredAt: NOW, ...overrides } };
}

export function terminated(overrides: Partial<RelationshipTerminated['data']> = {}): RelationshipTerminated {
  return { type: 'RelationshipTerminated', data: { reason: 'moved abroad', occurredAt: NOW, ...overrides } };
}

export function reactivated(overrides: Partial<CustomerReactivated['data']> = {}): CustomerReactivated {
  return {
    type: 'CustomerReactivated',
    data: { trigger: 'explicit', reason: 'win-back campaign', orderId: null, occurredAt: NOW, ...overrides },
  };
}

/** A purchase line as recorded: the total is given, never computed here. */
export function purchaseLine(overrides: Partial<PurchaseLine> = {}): PurchaseLine {
  return {
    sku: 'SKU-1',
    category: 'books',
    quantity: 1,
    unitPriceMinor: 2500,
    discountMinor: 0,
    totalMinor: 2500,
    ...overrides,
  };
}

/**
 * The purchase that `recordPurchase()` records. Without an explicit
 * `totalMinor` the total is the sum of the given lines' totals.
 */
export function purchaseRecorded(overrides: Partial<PurchaseRecorded['data']> = {}): PurchaseRecorded {
  const lines = overrides.lines ?? [purchaseLine()];
  return {
    type: 'PurchaseRecorded',
    data: {
      orderId: ORDER_ID,
      currency: 'EUR',
      channel: 'web',
      region: null,
      totalMinor: lines.reduce((sum, line) => sum + line.totalMinor, 0),
      occurredAt: NOW,
      ...overrides,
      lines,
    },
  };
}

/** A recorded single-line purchase of the given total. */
export function purchaseOf(totalMinor: number, overrides: Partial<PurchaseRecorded['data']> = {}): PurchaseRecorded {
  return purchaseRecorded({
    lines: [purchaseLine({ unitPriceMinor: totalMinor, totalMinor })],
    ...overrides,
  });
}

export function purchaseRefunded(overrides: Partial<PurchaseRefunded['data']> = {}): PurchaseRefunded {
  return {
    type: 'PurchaseRefunded',
    data: {
      refundId: 'r-1',
      orderId: ORDER_ID,
      amountMinor: 500,
      currency: 'EUR',
      reason: null,
      occurredAt: NOW,
      ...overrides,
    },
  };
}

export function contactLogged(overrides: Partial<ContactLogged['data']> = {}): ContactLogged {
  return {
    type: 'ContactLogged',
    data: {
      contactId: 'ct-1',
      channel: 'phone',
      direction: 'outbound',
      agent: 'agent-7',
      topic: 'renewal',
      summary: null,
      outcome: null,
      followUp: null,
      attachments: [],
      occurredAt: NOW,
      ...overrides,
    },
  };
}

export function complaintFiled(overrides: Partial<ComplaintFiled['data']> = {}): ComplaintFiled {
  return {
    type: 'ComplaintFiled',
    data: {
      complaintId: COMPLAINT_ID,
      category: 'delivery',
      severity: 'high',
      channel: 'phone',
      description: 'parcel arrived damaged',
      occurredAt: NOW,
      ...overrides,
    },
  };
}

export function complaintAssessed(overrides: Partial<ComplaintAssessed['data']> = {}): ComplaintAssessed {
  return {
    type: 'ComplaintAssessed',
    data: {
      complaintId: COMPLAINT_ID,
      verdict: 'valid',
      reason: 'photos confirm the damage',
      keyPoints: null,
      occurredAt: NOW,
      ...overrides,
    },
  };
}

export function complaintRejected(overrides: Partial<ComplaintAssessed['data']> = {}): ComplaintAssessed {
  return complaintAssessed({ verdict: 'rejected', reason: 'damage caused after delivery', ...overrides });
}

export function resolutionProposed(
  overrides: Partial<ComplaintResolutionProposed['data']> = {},
): ComplaintResolutionProposed {
  return {
    type: 'ComplaintResolutionProposed',
    data: { complaintId: COMPLAINT_ID, proposal: 'replace the item', occurredAt: NOW, ...overrides },
  };
}

export function complaintResolved(overrides: Partial<ComplaintResolved['data']> = {}): ComplaintResolved {
  return {
    type: 'ComplaintResolved',
    data: { complaintId: COMPLAINT_ID, resolution: 'replacement shipped', occurredAt: NOW, ...overrides },
  };
}

export function complaintFollowedUp(overrides: Partial<ComplaintFollowedUp['data']> = {}): ComplaintFollowedUp {
  return {
    type: 'ComplaintFollowedUp',
    data: { complaintId: COMPLAINT_ID, satisfaction: 4, note: null, occurredAt: NOW, ...overrides },
  };
}

export function complaintClosed(overrides: Partial<ComplaintClosed['data']> = {}): ComplaintClosed {
  return { type: 'ComplaintClosed', data: { complaintId: COMPLAINT_ID, note: null, occurredAt: NOW, ...overrides } };
}

export function complaintReopened(overrides: Partial<ComplaintReopened['data']> = {}): ComplaintReopened {
  return {
    type: 'ComplaintReopened',
    data: { complaintId: COMPLAINT_ID, reason: 'the problem came back', occurredAt: NOW, ...overrides },
  };
}

export function surveyRecorded(overrides: Partial<SurveyRecorded['data']> = {}): SurveyRecorded {
  return {
    type: 'SurveyRecorded',
    data: {
      surveyId: 's-1',
      method: 'online',
      csat: null,
      nps: null,
      ces: null,
      comment: null,
      occurredAt: NOW,
      ...overrides,
    },
  };
}

export function feedbackRecorded(overrides: Partial<FeedbackRecorded['data']> = {}): FeedbackRecorded {
  return {
    type: 'FeedbackRecorded',
    data: {
      feedbackId: 'f-1',
      kind: 'suggestion',
      channel: 'email',
      text: 'please add gift wrapping',
      occurredAt: NOW,
      ...overrides,
    },
  };
}
