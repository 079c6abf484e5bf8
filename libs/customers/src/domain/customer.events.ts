import type { DomainEvent } from '@crm/platform/domain';
import type { Money } from './money';

export type CustomerKind = 'individual' | 'organisation';
export const CUSTOMER_KINDS: readonly CustomerKind[] = ['individual', 'organisation'];

/** Where a customer came from (domain.md: customer information sources). */
export type AcquisitionSource =
  'direct' | 'survey' | 'marketing' | 'after-sales' | 'web' | 'referral' | 'import' | 'other';
export const ACQUISITION_SOURCES: readonly AcquisitionSource[] = [
  'direct',
  'survey',
  'marketing',
  'after-sales',
  'web',
  'referral',
  'import',
  'other',
];

/** Channels a customer is contacted on, and can opt out of. */
export type ContactChannel = 'phone' | 'email' | 'sms' | 'mail' | 'visit' | 'web' | 'social' | 'chat';
export const CONTACT_CHANNELS: readonly ContactChannel[] = [
  'phone',
  'email',
  'sms',
  'mail',
  'visit',
  'web',
  'social',
  'chat',
];

export type Gender = 'female' | 'male' | 'other' | 'undisclosed';
export const GENDERS: readonly Gender[] = ['female', 'male', 'other', 'undisclosed'];

export type OrganisationSize = 'micro' | 'small' | 'medium' | 'large' | 'enterprise';
export const ORGANISATION_SIZES: readonly OrganisationSize[] = ['micro', 'small', 'medium', 'large', 'enterprise'];

export interface Address {
  readonly line1: string | null;
  readonly line2: string | null;
  readonly city: string | null;
  readonly postalCode: string | null;
  /** ISO 3166-1 alpha-2. */
  readonly country: string | null;
}

/** Decision makers and contacts of an organisation. */
export interface KeyPerson {
  readonly name: string;
  readonly role: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly decisionMaker: boolean;
}

/**
 * What the CRM knows about a customer (domain.md, "Customer information"):
 * basic data, attitude and preferences, behaviour, and for organisations
 * the business situation, transaction terms and key people.
 */
export interface CustomerProfile {
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly address: Address | null;
  readonly region: string | null;
  /** Individuals only. */
  readonly gender: Gender | null;
  /** Individuals only; YYYY-MM-DD. */
  readonly birthDate: string | null;
  readonly preferences: readonly string[];
  readonly interests: readonly string[];
  readonly attitude: string | null;
  readonly purchaseHabits: string | null;
  readonly preferredChannel: ContactChannel | null;
  /** Organisations only, from here on. */
  readonly industry: string | null;
  readonly size: OrganisationSize | null;
  readonly businessSituation: string | null;
  readonly creditLimit: Money | null;
  readonly paymentTermsDays: number | null;
  readonly keyPeople: readonly KeyPerson[];
}

/** Every optional profile field empty: what a registration fills from. */
export const EMPTY_PROFILE: Omit<CustomerProfile, 'name'> = {
  email: null,
  phone: null,
  address: null,
  region: null,
  gender: null,
  birthDate: null,
  preferences: [],
  interests: [],
  attitude: null,
  purchaseHabits: null,
  preferredChannel: null,
  industry: null,
  size: null,
  businessSituation: null,
  creditLimit: null,
  paymentTermsDays: null,
  keyPeople: [],
};

export type ProfileField = keyof CustomerProfile;
export const PROFILE_FIELDS: readonly ProfileField[] = [
  'name',
  'email',
  'phone',
  'address',
  'region',
  'gender',
  'birthDate',
  'preferences',
  'interests',
  'attitude',
  'purchaseHabits',
  'preferredChannel',
  'industry',
  'size',
  'businessSituation',
  'creditLimit',
  'paymentTermsDays',
  'keyPeople',
];
export const INDIVIDUAL_ONLY_FIELDS: readonly ProfileField[] = ['gender', 'birthDate'];
export const ORGANISATION_ONLY_FIELDS: readonly ProfileField[] = [
  'industry',
  'size',
  'businessSituation',
  'creditLimit',
  'paymentTermsDays',
  'keyPeople',
];

export type PurchaseChannel = 'store' | 'web' | 'mobile-app' | 'phone' | 'marketplace' | 'sales-rep' | 'other';
export const PURCHASE_CHANNELS: readonly PurchaseChannel[] = [
  'store',
  'web',
  'mobile-app',
  'phone',
  'marketplace',
  'sales-rep',
  'other',
];

export interface PurchaseLine {
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  /** Discount on the whole line, in minor units. */
  readonly discountMinor: number;
  /** quantity × unit price − discount. */
  readonly totalMinor: number;
}

export type ContactDirection = 'inbound' | 'outbound';
export const CONTACT_DIRECTIONS: readonly ContactDirection[] = ['inbound', 'outbound'];

export type ComplaintSeverity = 'low' | 'medium' | 'high' | 'critical';
export const COMPLAINT_SEVERITIES: readonly ComplaintSeverity[] = ['low', 'medium', 'high', 'critical'];

export type SurveyMethod = 'questionnaire' | 'phone' | 'online';
export const SURVEY_METHODS: readonly SurveyMethod[] = ['questionnaire', 'phone', 'online'];

export type FeedbackKind = 'suggestion' | 'praise' | 'question' | 'other';
export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['suggestion', 'praise', 'question', 'other'];

export type FeedbackChannel = 'phone' | 'mail' | 'email' | 'social' | 'chat' | 'web';
export const FEEDBACK_CHANNELS: readonly FeedbackChannel[] = ['phone', 'mail', 'email', 'social', 'chat', 'web'];

// Every event carries its business time as `occurredAt` (ISO 8601): when it
// happened in the world, which may be long before the store recorded it.

export type CustomerRegistered = DomainEvent<
  'CustomerRegistered',
  {
    readonly customerId: string;
    readonly kind: CustomerKind;
    readonly profile: CustomerProfile;
    readonly acquisitionSource: AcquisitionSource | null;
    readonly occurredAt: string;
  }
>;

export interface ProfileChange {
  readonly field: ProfileField;
  readonly from: unknown;
  readonly to: unknown;
}

export type CustomerProfileUpdated = DomainEvent<
  'CustomerProfileUpdated',
  { readonly changes: readonly ProfileChange[]; readonly occurredAt: string }
>;

export type AccountManagerAssigned = DomainEvent<
  'AccountManagerAssigned',
  { readonly accountManagerId: string; readonly previousAccountManagerId: string | null; readonly occurredAt: string }
>;

export type ContactPreferencesSet = DomainEvent<
  'ContactPreferencesSet',
  {
    readonly optedOut: readonly ContactChannel[];
    readonly optedIn: readonly ContactChannel[];
    readonly occurredAt: string;
  }
>;

export type RelationshipTerminated = DomainEvent<
  'RelationshipTerminated',
  { readonly reason: string; readonly occurredAt: string }
>;

export type CustomerReactivated = DomainEvent<
  'CustomerReactivated',
  {
    /** `explicit`: a ReactivateCustomer command (win-back); `purchase`: a purchase by a terminated customer. */
    readonly trigger: 'explicit' | 'purchase';
    readonly reason: string | null;
    readonly orderId: string | null;
    readonly occurredAt: string;
  }
>;

export type PurchaseRecorded = DomainEvent<
  'PurchaseRecorded',
  {
    readonly orderId: string;
    readonly currency: string;
    readonly channel: PurchaseChannel;
    readonly region: string | null;
    readonly lines: readonly PurchaseLine[];
    readonly totalMinor: number;
    readonly occurredAt: string;
  }
>;

export type PurchaseRefunded = DomainEvent<
  'PurchaseRefunded',
  {
    readonly refundId: string;
    readonly orderId: string;
    readonly amountMinor: number;
    readonly currency: string;
    readonly reason: string | null;
    readonly occurredAt: string;
  }
>;

export interface FollowUpTask {
  readonly task: string;
  readonly dueAt: string;
}

export type ContactLogged = DomainEvent<
  'ContactLogged',
  {
    readonly contactId: string;
    readonly channel: ContactChannel;
    readonly direction: ContactDirection;
    readonly agent: string;
    readonly topic: string;
    readonly summary: string | null;
    readonly outcome: string | null;
    readonly followUp: FollowUpTask | null;
    /** References to documents kept elsewhere (URLs or document ids), never the content. */
    readonly attachments: readonly string[];
    readonly occurredAt: string;
  }
>;

export type ComplaintFiled = DomainEvent<
  'ComplaintFiled',
  {
    readonly complaintId: string;
    readonly category: string;
    readonly severity: ComplaintSeverity;
    readonly channel: ContactChannel;
    readonly description: string;
    readonly occurredAt: string;
  }
>;

export type ComplaintAssessed = DomainEvent<
  'ComplaintAssessed',
  {
    readonly complaintId: string;
    readonly verdict: 'valid' | 'rejected';
    readonly reason: string;
    readonly keyPoints: string | null;
    readonly occurredAt: string;
  }
>;

export type ComplaintResolutionProposed = DomainEvent<
  'ComplaintResolutionProposed',
  { readonly complaintId: string; readonly proposal: string; readonly occurredAt: string }
>;

export type ComplaintResolved = DomainEvent<
  'ComplaintResolved',
  { readonly complaintId: string; readonly resolution: string; readonly occurredAt: string }
>;

export type ComplaintFollowedUp = DomainEvent<
  'ComplaintFollowedUp',
  {
    readonly complaintId: string;
    readonly satisfaction: number;
    readonly note: string | null;
    readonly occurredAt: string;
  }
>;

export type ComplaintClosed = DomainEvent<
  'ComplaintClosed',
  { readonly complaintId: string; readonly note: string | null; readonly occurredAt: string }
>;

export type ComplaintReopened = DomainEvent<
  'ComplaintReopened',
  { readonly complaintId: string; readonly reason: string; readonly occurredAt: string }
>;

export type SurveyRecorded = DomainEvent<
  'SurveyRecorded',
  {
    readonly surveyId: string;
    readonly method: SurveyMethod;
    readonly csat: number | null;
    readonly nps: number | null;
    readonly ces: number | null;
    readonly comment: string | null;
    readonly occurredAt: string;
  }
>;

export type FeedbackRecorded = DomainEvent<
  'FeedbackRecorded',
  {
    readonly feedbackId: string;
    readonly kind: FeedbackKind;
    readonly channel: FeedbackChannel;
    readonly text: string;
    readonly occurredAt: string;
  }
>;

export type CustomerEvent =
  | CustomerRegistered
  | CustomerProfileUpdated
  | AccountManagerAssigned
  | ContactPreferencesSet
  | RelationshipTerminated
  | CustomerReactivated
  | PurchaseRecorded
  | PurchaseRefunded
  | ContactLogged
  | ComplaintFiled
  | ComplaintAssessed
  | ComplaintResolutionProposed
  | ComplaintResolved
  | ComplaintFollowedUp
  | ComplaintClosed
  | ComplaintReopened
  | SurveyRecorded
  | FeedbackRecorded;
export type CustomerEventType = CustomerEvent['type'];

/** Current schema version of each customer event type (stamped into metadata; older versions are upcast on read). */
export const CUSTOMER_EVENT_SCHEMA_VERSIONS: Readonly<Record<CustomerEventType, number>> = {
  CustomerRegistered: 2,
  CustomerProfileUpdated: 1,
  AccountManagerAssigned: 1,
  ContactPreferencesSet: 1,
  RelationshipTerminated: 1,
  CustomerReactivated: 1,
  PurchaseRecorded: 1,
  PurchaseRefunded: 1,
  ContactLogged: 1,
  ComplaintFiled: 1,
  ComplaintAssessed: 1,
  ComplaintResolutionProposed: 1,
  ComplaintResolved: 1,
  ComplaintFollowedUp: 1,
  ComplaintClosed: 1,
  ComplaintReopened: 1,
  SurveyRecorded: 1,
  FeedbackRecorded: 1,
};

export const CUSTOMER_STREAM_PREFIX = 'customer-';

export function customerStream(customerId: string): string {
  return `${CUSTOMER_STREAM_PREFIX}${customerId}`;
}
