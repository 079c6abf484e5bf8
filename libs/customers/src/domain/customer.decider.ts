import { assertNever, canonicalJson, DomainError, type Decider } from '@crm/platform/domain';
import { complaintCommandAllowed, type ComplaintCommandType } from './complaint-lifecycle';
import type { CustomerCommand, ProfileInput, RecordPurchase } from './customer.commands';
import {
  CONTACT_CHANNELS,
  EMPTY_PROFILE,
  INDIVIDUAL_ONLY_FIELDS,
  ORGANISATION_ONLY_FIELDS,
  PROFILE_FIELDS,
  type ContactChannel,
  type CustomerEvent,
  type CustomerKind,
  type CustomerProfile,
  type ProfileChange,
  type ProfileField,
  type PurchaseLine,
} from './customer.events';
import { initialState, evolve, type CustomerState } from './customer.state';
import { isCurrencyCode, MAX_AMOUNT_MINOR, MAX_CUSTOMER_TOTAL_MINOR } from './money';

export { initialState, evolve, type CustomerState } from './customer.state';

function unprocessable(code: string, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, 'unprocessable', message, details);
}

function conflict(code: string, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, 'conflict', message, details);
}

function notFound(code: string, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, 'not-found', message, details);
}

/**
 * The customer exists, and the command happens no earlier than its
 * registration: nothing of a customer is dated before it became one
 * (docs: "Business time").
 */
function registered(
  state: CustomerState,
  occurredAt: string,
): asserts state is CustomerState & {
  customerId: string;
  kind: CustomerKind;
  profile: CustomerProfile;
} {
  if (state.status === 'unregistered') throw notFound('CUSTOMER_NOT_FOUND', 'no such customer');
  if (state.registeredAt !== null && occurredAt < state.registeredAt) {
    throw unprocessable(
      'BEFORE_REGISTRATION',
      `occurredAt ${occurredAt} is before the customer's registration at ${state.registeredAt}`,
      { occurredAt, registeredAt: state.registeredAt },
    );
  }
}

/** Refuses profile fields that do not apply to the customer's kind. */
function assertFieldsApply(kind: CustomerKind, fields: readonly string[]): void {
  const foreign = kind === 'individual' ? ORGANISATION_ONLY_FIELDS : INDIVIDUAL_ONLY_FIELDS;
  const wrong = fields.filter((f) => (foreign as readonly string[]).includes(f));
  if (wrong.length > 0) {
    throw unprocessable(
      'FIELD_NOT_APPLICABLE',
      `${wrong.join(', ')} ${wrong.length > 1 ? 'do' : 'does'} not apply to an ${kind}`,
      {
        fields: wrong,
        kind,
      },
    );
  }
}

function assertMoney(amountMinor: number, what: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MAX_AMOUNT_MINOR) {
    throw unprocessable(
      'INVALID_AMOUNT',
      `${what} must be a whole number of minor units between 0 and ${MAX_AMOUNT_MINOR}`,
    );
  }
}

function givenFields(input: object): string[] {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}

function completeProfile(kind: CustomerKind, input: ProfileInput): CustomerProfile {
  assertFieldsApply(kind, givenFields(input));
  const profile: Record<string, unknown> = { ...EMPTY_PROFILE };
  for (const field of PROFILE_FIELDS) {
    const value = (input as Record<string, unknown>)[field];
    if (value !== undefined) profile[field] = value;
  }
  if (profile.creditLimit) assertCreditLimit(profile.creditLimit as CustomerProfile['creditLimit']);
  return profile as unknown as CustomerProfile;
}

function assertCreditLimit(limit: CustomerProfile['creditLimit']): void {
  if (!limit) return;
  if (!isCurrencyCode(limit.currency))
    throw unprocessable('INVALID_CURRENCY', `${limit.currency} is not an ISO 4217 code`);
  assertMoney(limit.amountMinor, 'creditLimit.amountMinor');
}

function purchaseLines(command: RecordPurchase): { lines: PurchaseLine[]; totalMinor: number } {
  const { data } = command;
  if (data.lines.length === 0) throw unprocessable('EMPTY_PURCHASE', 'a purchase needs at least one line');
  let totalMinor = 0;
  const lines = data.lines.map((line, index) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      throw unprocessable('INVALID_QUANTITY', `lines[${index}].quantity must be a positive whole number`, {
        line: index,
      });
    }
    assertMoney(line.unitPriceMinor, `lines[${index}].unitPriceMinor`);
    const discountMinor = line.discountMinor ?? 0;
    assertMoney(discountMinor, `lines[${index}].discountMinor`);
    const gross = line.quantity * line.unitPriceMinor;
    if (!Number.isSafeInteger(gross) || gross > MAX_AMOUNT_MINOR) {
      throw unprocessable('INVALID_AMOUNT', `lines[${index}] is larger than the product accepts`, { line: index });
    }
    if (discountMinor > gross) {
      throw unprocessable('DISCOUNT_EXCEEDS_PRICE', `lines[${index}]: the discount exceeds quantity × unit price`, {
        line: index,
      });
    }
    const lineTotal = gross - discountMinor;
    totalMinor += lineTotal;
    return {
      sku: line.sku,
      category: line.category,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      discountMinor,
      totalMinor: lineTotal,
    };
  });
  if (totalMinor > MAX_AMOUNT_MINOR)
    throw unprocessable('INVALID_AMOUNT', 'the purchase total is larger than the product accepts');
  return { lines, totalMinor };
}

function complaintStep(
  state: CustomerState,
  command: { type: ComplaintCommandType; data: { complaintId: string } },
  occurredAt: string,
): void {
  const status = state.complaints.get(command.data.complaintId);
  if (status === undefined) {
    throw notFound('COMPLAINT_NOT_FOUND', `no complaint ${command.data.complaintId} for this customer`, {
      complaintId: command.data.complaintId,
    });
  }
  if (!complaintCommandAllowed(command.type, status)) {
    throw conflict(
      'COMPLAINT_TRANSITION_NOT_ALLOWED',
      `${command.type} is not allowed while complaint ${command.data.complaintId} is ${status}`,
      { complaintId: command.data.complaintId, status, command: command.type },
    );
  }
  const previousStepAt = state.complaintStepAt.get(command.data.complaintId);
  if (previousStepAt !== undefined && occurredAt < previousStepAt) {
    throw unprocessable(
      'COMPLAINT_STEP_BEFORE_PREVIOUS',
      `occurredAt ${occurredAt} is before complaint ${command.data.complaintId}'s previous step at ${previousStepAt}`,
      { complaintId: command.data.complaintId, occurredAt, previousStepAt, status },
    );
  }
}

export function decide(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  const occurredAt = command.data.occurredAt.toISOString();
  switch (command.type) {
    case 'RegisterCustomer': {
      if (state.status !== 'unregistered') {
        throw conflict('CUSTOMER_ALREADY_REGISTERED', `customer ${command.data.customerId} is already registered`, {
          customerId: command.data.customerId,
        });
      }
      const { data } = command;
      if (data.profile.name.trim() === '') throw unprocessable('NAME_REQUIRED', 'a customer always has a name');
      return [
        {
          type: 'CustomerRegistered',
          data: {
            customerId: data.customerId,
            kind: data.kind,
            profile: completeProfile(data.kind, data.profile),
            acquisitionSource: data.acquisitionSource ?? null,
            occurredAt,
          },
        },
      ];
    }

    case 'UpdateCustomerProfile': {
      registered(state, occurredAt);
      const given = givenFields(command.data.changes) as ProfileField[];
      assertFieldsApply(state.kind, given);
      const newName = command.data.changes.name;
      if (newName === null || (newName !== undefined && newName.trim() === '')) {
        throw unprocessable('NAME_REQUIRED', 'a customer always has a name');
      }
      if (command.data.changes.creditLimit) assertCreditLimit(command.data.changes.creditLimit);
      const changes: ProfileChange[] = [];
      for (const field of PROFILE_FIELDS) {
        if (!given.includes(field)) continue;
        const from = state.profile[field];
        const to = command.data.changes[field];
        if (canonicalJson(from) !== canonicalJson(to)) changes.push({ field, from, to });
      }
      return changes.length === 0 ? [] : [{ type: 'CustomerProfileUpdated', data: { changes, occurredAt } }];
    }

    case 'AssignAccountManager': {
      registered(state, occurredAt);
      if (state.accountManagerId === command.data.accountManagerId) return [];
      return [
        {
          type: 'AccountManagerAssigned',
          data: {
            accountManagerId: command.data.accountManagerId,
            previousAccountManagerId: state.accountManagerId,
            occurredAt,
          },
        },
      ];
    }

    case 'SetContactPreferences': {
      registered(state, occurredAt);
      const optedOut: ContactChannel[] = [];
      const optedIn: ContactChannel[] = [];
      for (const channel of CONTACT_CHANNELS) {
        const accepts = command.data.channels[channel];
        if (accepts === false && !state.optedOut.has(channel)) optedOut.push(channel);
        if (accepts === true && state.optedOut.has(channel)) optedIn.push(channel);
      }
      if (optedOut.length === 0 && optedIn.length === 0) return [];
      return [{ type: 'ContactPreferencesSet', data: { optedOut, optedIn, occurredAt } }];
    }

    case 'TerminateRelationship':
      registered(state, occurredAt);
      if (state.status === 'terminated')
        throw conflict('CUSTOMER_TERMINATED', 'the relationship is already terminated');
      return [{ type: 'RelationshipTerminated', data: { reason: command.data.reason, occurredAt } }];

    case 'ReactivateCustomer':
      registered(state, occurredAt);
      if (state.status !== 'terminated') {
        throw conflict('CUSTOMER_NOT_TERMINATED', 'only a terminated relationship can be reactivated');
      }
      if (state.terminatedAt !== null && occurredAt < state.terminatedAt) {
        throw unprocessable(
          'REACTIVATION_BEFORE_TERMINATION',
          `occurredAt ${occurredAt} is before the termination at ${state.terminatedAt}`,
          { occurredAt, terminatedAt: state.terminatedAt },
        );
      }
      return [
        {
          type: 'CustomerReactivated',
          data: { trigger: 'explicit', reason: command.data.reason, orderId: null, occurredAt },
        },
      ];

    case 'RecordPurchase': {
      registered(state, occurredAt);
      const { data } = command;
      if (state.orders.has(data.orderId)) {
        throw conflict('ORDER_ALREADY_RECORDED', `order ${data.orderId} is already recorded for this customer`, {
          orderId: data.orderId,
        });
      }
      if (!isCurrencyCode(data.currency))
        throw unprocessable('INVALID_CURRENCY', `${data.currency} is not an ISO 4217 code`);
      const { lines, totalMinor } = purchaseLines(command);
      const purchasedBefore = state.purchasedMinorByCurrency.get(data.currency) ?? 0;
      if (purchasedBefore + totalMinor > MAX_CUSTOMER_TOTAL_MINOR) {
        // Every figure of a customer (gross, net, value) stays an exact whole number for every reader.
        throw unprocessable(
          'CUSTOMER_TOTAL_TOO_LARGE',
          `the customer's purchases in ${data.currency} would total more than ${MAX_CUSTOMER_TOTAL_MINOR} minor units`,
          { currency: data.currency, purchasedMinor: purchasedBefore, totalMinor },
        );
      }
      const events: CustomerEvent[] = [];
      // Only a purchase made after the termination wins the customer back; a
      // backdated purchase from before it is history, not a reactivation.
      if (state.status === 'terminated' && state.terminatedAt !== null && occurredAt >= state.terminatedAt) {
        events.push({
          type: 'CustomerReactivated',
          data: { trigger: 'purchase', reason: null, orderId: data.orderId, occurredAt },
        });
      }
      events.push({
        type: 'PurchaseRecorded',
        data: {
          orderId: data.orderId,
          currency: data.currency,
          channel: data.channel,
          region: data.region ?? null,
          lines,
          totalMinor,
          occurredAt,
        },
      });
      return events;
    }

    case 'RefundPurchase': {
      registered(state, occurredAt);
      const { data } = command;
      if (state.refundIds.has(data.refundId)) {
        throw conflict('REFUND_ALREADY_RECORDED', `refund ${data.refundId} is already recorded`, {
          refundId: data.refundId,
        });
      }
      const order = state.orders.get(data.orderId);
      if (!order) {
        throw unprocessable('ORDER_NOT_FOUND', `no order ${data.orderId} is recorded for this customer`, {
          orderId: data.orderId,
        });
      }
      if (!Number.isSafeInteger(data.amountMinor) || data.amountMinor <= 0) {
        throw unprocessable('INVALID_AMOUNT', 'a refund is a positive whole number of minor units');
      }
      if (occurredAt < order.occurredAt) {
        throw unprocessable(
          'REFUND_BEFORE_PURCHASE',
          `occurredAt ${occurredAt} is before order ${data.orderId} was purchased at ${order.occurredAt}`,
          { orderId: data.orderId, occurredAt, purchasedAt: order.occurredAt },
        );
      }
      const refundable = order.totalMinor - order.refundedMinor;
      if (data.amountMinor > refundable) {
        throw unprocessable('REFUND_EXCEEDS_PAID', `refunds of order ${data.orderId} would exceed what was paid`, {
          orderId: data.orderId,
          paidMinor: order.totalMinor,
          refundedMinor: order.refundedMinor,
          refundableMinor: refundable,
        });
      }
      return [
        {
          type: 'PurchaseRefunded',
          data: {
            refundId: data.refundId,
            orderId: data.orderId,
            amountMinor: data.amountMinor,
            currency: order.currency,
            reason: data.reason ?? null,
            occurredAt,
          },
        },
      ];
    }

    case 'LogContact': {
      registered(state, occurredAt);
      const { data } = command;
      if (state.contactIds.has(data.contactId)) {
        throw conflict('CONTACT_ALREADY_LOGGED', `contact ${data.contactId} is already logged`, {
          contactId: data.contactId,
        });
      }
      if (data.followUp && data.followUp.dueAt.toISOString() < occurredAt) {
        throw unprocessable(
          'FOLLOW_UP_BEFORE_CONTACT',
          `followUp.dueAt ${data.followUp.dueAt.toISOString()} is before the contact at ${occurredAt}`,
          { dueAt: data.followUp.dueAt.toISOString(), occurredAt },
        );
      }
      if (data.direction === 'outbound' && state.optedOut.has(data.channel)) {
        throw unprocessable('CHANNEL_OPTED_OUT', `the customer has opted out of ${data.channel} contact`, {
          channel: data.channel,
        });
      }
      return [
        {
          type: 'ContactLogged',
          data: {
            contactId: data.contactId,
            channel: data.channel,
            direction: data.direction,
            agent: data.agent,
            topic: data.topic,
            summary: data.summary ?? null,
            outcome: data.outcome ?? null,
            followUp: data.followUp ? { task: data.followUp.task, dueAt: data.followUp.dueAt.toISOString() } : null,
            attachments: [...(data.attachments ?? [])],
            occurredAt,
          },
        },
      ];
    }

    case 'FileComplaint': {
      registered(state, occurredAt);
      const { data } = command;
      if (state.complaints.has(data.complaintId)) {
        throw conflict('COMPLAINT_ALREADY_FILED', `complaint ${data.complaintId} is already filed`, {
          complaintId: data.complaintId,
        });
      }
      return [
        {
          type: 'ComplaintFiled',
          data: {
            complaintId: data.complaintId,
            category: data.category,
            severity: data.severity,
            channel: data.channel,
            description: data.description,
            occurredAt,
          },
        },
      ];
    }

    case 'AssessComplaint':
      registered(state, occurredAt);
      complaintStep(state, command, occurredAt);
      return [
        {
          type: 'ComplaintAssessed',
          data: {
            complaintId: command.data.complaintId,
            verdict: command.data.valid ? 'valid' : 'rejected',
            reason: command.data.reason,
            keyPoints: command.data.keyPoints ?? null,
            occurredAt,
          },
        },
      ];

    case 'ProposeResolution':
      registered(state, occurredAt);
      complaintStep(state, command, occurredAt);
      return [
        {
          type: 'ComplaintResolutionProposed',
          data: { complaintId: command.data.complaintId, proposal: command.data.proposal, occurredAt },
        },
      ];

    case 'ResolveComplaint':
      registered(state, occurredAt);
      complaintStep(state, command, occurredAt);
      return [
        {
          type: 'ComplaintResolved',
          data: { complaintId: command.data.complaintId, resolution: command.data.resolution, occurredAt },
        },
      ];

    case 'FollowUpComplaint': {
      registered(state, occurredAt);
      complaintStep(state, command, occurredAt);
      const { satisfaction } = command.data;
      if (!Number.isInteger(satisfaction) || satisfaction < 1 || satisfaction > 5) {
        throw unprocessable('INVALID_SCORE', 'satisfaction is a whole number from 1 to 5');
      }
      return [
        {
          type: 'ComplaintFollowedUp',
          data: { complaintId: command.data.complaintId, satisfaction, note: command.data.note ?? null, occurredAt },
        },
      ];
    }

    case 'CloseComplaint':
      registered(state, occurredAt);
      complaintStep(state, command, occurredAt);
      return [
        {
          type: 'ComplaintClosed',
          data: { complaintId: command.data.complaintId, note: command.data.note ?? null, occurredAt },
        },
      ];

    case 'ReopenComplaint':
      registered(state, occurredAt);
      complaintStep(state, command, occurredAt);
      return [
        {
          type: 'ComplaintReopened',
          data: { complaintId: command.data.complaintId, reason: command.data.reason, occurredAt },
        },
      ];

    case 'RecordSurvey': {
      registered(state, occurredAt);
      const { data } = command;
      if (state.surveyIds.has(data.surveyId)) {
        throw conflict('SURVEY_ALREADY_RECORDED', `survey ${data.surveyId} is already recorded`, {
          surveyId: data.surveyId,
        });
      }
      if (data.csat === undefined && data.nps === undefined && data.ces === undefined) {
        throw unprocessable('SURVEY_WITHOUT_SCORE', 'a survey needs at least one of csat, nps, ces');
      }
      const checkScore = (value: number | undefined, min: number, max: number, name: string): number | null => {
        if (value === undefined) return null;
        if (!Number.isInteger(value) || value < min || value > max) {
          throw unprocessable('INVALID_SCORE', `${name} is a whole number from ${min} to ${max}`, { score: name });
        }
        return value;
      };
      return [
        {
          type: 'SurveyRecorded',
          data: {
            surveyId: data.surveyId,
            method: data.method,
            csat: checkScore(data.csat, 1, 5, 'csat'),
            nps: checkScore(data.nps, 0, 10, 'nps'),
            ces: checkScore(data.ces, 1, 7, 'ces'),
            comment: data.comment ?? null,
            occurredAt,
          },
        },
      ];
    }

    case 'RecordFeedback': {
      registered(state, occurredAt);
      const { data } = command;
      if (state.feedbackIds.has(data.feedbackId)) {
        throw conflict('FEEDBACK_ALREADY_RECORDED', `feedback ${data.feedbackId} is already recorded`, {
          feedbackId: data.feedbackId,
        });
      }
      return [
        {
          type: 'FeedbackRecorded',
          data: { feedbackId: data.feedbackId, kind: data.kind, channel: data.channel, text: data.text, occurredAt },
        },
      ];
    }

    default:
      return assertNever(command, 'customer command');
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = { initialState, evolve, decide };
