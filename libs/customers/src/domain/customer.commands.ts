import type {
  AcquisitionSource,
  ComplaintSeverity,
  ContactChannel,
  ContactDirection,
  CustomerKind,
  CustomerProfile,
  FeedbackChannel,
  FeedbackKind,
  PurchaseChannel,
  SurveyMethod,
} from './customer.events';

// Every command carries its business time (`occurredAt`) and all ids: the
// domain reads no clock and generates nothing.

interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data & { readonly occurredAt: Date };
}

/** Profile fields a command may give; omitted ones are empty. */
export type ProfileInput = Partial<CustomerProfile> & { readonly name: string };

export type RegisterCustomer = Command<
  'RegisterCustomer',
  {
    readonly customerId: string;
    readonly kind: CustomerKind;
    readonly profile: ProfileInput;
    readonly acquisitionSource?: AcquisitionSource;
  }
>;

/** Partial: only the fields given change. `null` clears an optional field. */
export type UpdateCustomerProfile = Command<'UpdateCustomerProfile', { readonly changes: Partial<CustomerProfile> }>;

export type AssignAccountManager = Command<'AssignAccountManager', { readonly accountManagerId: string }>;

/** true: the customer accepts contact on the channel; false: opted out (e.g. do-not-call for phone). */
export type SetContactPreferences = Command<
  'SetContactPreferences',
  { readonly channels: Readonly<Partial<Record<ContactChannel, boolean>>> }
>;

export type TerminateRelationship = Command<'TerminateRelationship', { readonly reason: string }>;

export type ReactivateCustomer = Command<'ReactivateCustomer', { readonly reason: string }>;

export interface PurchaseLineInput {
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly discountMinor?: number;
}

export type RecordPurchase = Command<
  'RecordPurchase',
  {
    readonly orderId: string;
    readonly currency: string;
    readonly channel: PurchaseChannel;
    readonly region?: string;
    readonly lines: readonly PurchaseLineInput[];
  }
>;

export type RefundPurchase = Command<
  'RefundPurchase',
  { readonly refundId: string; readonly orderId: string; readonly amountMinor: number; readonly reason?: string }
>;

export type LogContact = Command<
  'LogContact',
  {
    readonly contactId: string;
    readonly channel: ContactChannel;
    readonly direction: ContactDirection;
    readonly agent: string;
    readonly topic: string;
    readonly summary?: string;
    readonly outcome?: string;
    readonly followUp?: { readonly task: string; readonly dueAt: Date };
    readonly attachments?: readonly string[];
  }
>;

export type FileComplaint = Command<
  'FileComplaint',
  {
    readonly complaintId: string;
    readonly category: string;
    readonly severity: ComplaintSeverity;
    readonly channel: ContactChannel;
    readonly description: string;
  }
>;

export type AssessComplaint = Command<
  'AssessComplaint',
  { readonly complaintId: string; readonly valid: boolean; readonly reason: string; readonly keyPoints?: string }
>;

export type ProposeResolution = Command<
  'ProposeResolution',
  { readonly complaintId: string; readonly proposal: string }
>;

export type ResolveComplaint = Command<
  'ResolveComplaint',
  { readonly complaintId: string; readonly resolution: string }
>;

export type FollowUpComplaint = Command<
  'FollowUpComplaint',
  { readonly complaintId: string; readonly satisfaction: number; readonly note?: string }
>;

export type CloseComplaint = Command<'CloseComplaint', { readonly complaintId: string; readonly note?: string }>;

export type ReopenComplaint = Command<'ReopenComplaint', { readonly complaintId: string; readonly reason: string }>;

export type RecordSurvey = Command<
  'RecordSurvey',
  {
    readonly surveyId: string;
    readonly method: SurveyMethod;
    readonly csat?: number;
    readonly nps?: number;
    readonly ces?: number;
    readonly comment?: string;
  }
>;

export type RecordFeedback = Command<
  'RecordFeedback',
  { readonly feedbackId: string; readonly kind: FeedbackKind; readonly channel: FeedbackChannel; readonly text: string }
>;

export type CustomerCommand =
  | RegisterCustomer
  | UpdateCustomerProfile
  | AssignAccountManager
  | SetContactPreferences
  | TerminateRelationship
  | ReactivateCustomer
  | RecordPurchase
  | RefundPurchase
  | LogContact
  | FileComplaint
  | AssessComplaint
  | ProposeResolution
  | ResolveComplaint
  | FollowUpComplaint
  | CloseComplaint
  | ReopenComplaint
  | RecordSurvey
  | RecordFeedback;
export type CustomerCommandType = CustomerCommand['type'];
