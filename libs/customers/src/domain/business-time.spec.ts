import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import { customerDecider } from './customer.decider';
import {
  assessComplaint,
  at,
  closeComplaint,
  complaintAssessed,
  complaintFiled,
  complaintRejected,
  complaintResolved,
  fileComplaint,
  followUpComplaint,
  logContact,
  NOW,
  purchaseRecorded,
  reactivate,
  resolutionProposed,
  recordFeedback,
  recordPurchase,
  recordSurvey,
  refundPurchase,
  registered,
  REGISTERED_AT,
  resolveComplaint,
  setContactPreferences,
  terminate,
  terminated,
  updateProfile,
} from './testing/customer-fixtures';

const spec = deciderSpecification(customerDecider);

/** One second before an instant. */
function before(iso: string): Date {
  return new Date(Date.parse(iso) - 1_000);
}

describe('business time is consistent within a customer', () => {
  describe('nothing happens to a customer before its registration', () => {
    it.each([
      ['a purchase', recordPurchase({ occurredAt: before(REGISTERED_AT) })],
      ['a survey', recordSurvey({ occurredAt: before(REGISTERED_AT) })],
      ['a contact', logContact({ occurredAt: before(REGISTERED_AT), followUp: undefined })],
      ['feedback', recordFeedback({ occurredAt: before(REGISTERED_AT) })],
      ['a complaint', fileComplaint({ occurredAt: before(REGISTERED_AT) })],
      ['a profile change', updateProfile({ region: 'East' }, { occurredAt: before(REGISTERED_AT) })],
      ['a change of contact preferences', setContactPreferences({ sms: false }, { occurredAt: before(REGISTERED_AT) })],
      ['a termination', terminate({ occurredAt: before(REGISTERED_AT) })],
    ])(
      'given a registered customer, when %s is dated a second before the registration, then it is refused with BEFORE_REGISTRATION',
      (_what, command) => {
        spec.given([registered()]).when(command).thenThrows('BEFORE_REGISTRATION');
      },
    );

    it('given a registered customer, when a purchase is dated at the very instant of the registration, then it is recorded', () => {
      spec
        .given([registered()])
        .when(recordPurchase({ occurredAt: at(REGISTERED_AT) }))
        .then([purchaseRecorded({ occurredAt: REGISTERED_AT })]);
    });
  });

  it('given an order purchased at NOW, when a refund is dated before it, then it is refused with REFUND_BEFORE_PURCHASE', () => {
    spec
      .given([registered(), purchaseRecorded({ occurredAt: NOW })])
      .when(refundPurchase({ occurredAt: before(NOW) }))
      .thenThrows('REFUND_BEFORE_PURCHASE');
  });

  describe('a complaint moves forward in time', () => {
    const filedAt = NOW;
    const assessedAt = '2026-04-02T10:00:00.000Z';
    it.each([
      [
        'assessed before it was filed',
        [complaintFiled({ occurredAt: filedAt })],
        assessComplaint({ occurredAt: before(filedAt) }),
      ],
      [
        'resolved before its resolution was proposed',
        [
          complaintFiled({ occurredAt: filedAt }),
          complaintAssessed({ occurredAt: filedAt }),
          resolutionProposed({ occurredAt: assessedAt }),
        ],
        resolveComplaint({ occurredAt: before(assessedAt) }),
      ],
      [
        'followed up before it was resolved',
        [
          complaintFiled({ occurredAt: filedAt }),
          complaintAssessed({ occurredAt: filedAt }),
          complaintResolved({ occurredAt: assessedAt }),
        ],
        followUpComplaint({ occurredAt: before(assessedAt) }),
      ],
    ])('given a complaint, when it is %s, then COMPLAINT_STEP_BEFORE_PREVIOUS', (_what, history, command) => {
      spec
        .given([registered(), ...history])
        .when(command)
        .thenThrows('COMPLAINT_STEP_BEFORE_PREVIOUS');
    });

    it('given a rejected complaint, when it is closed a second before the rejection, then COMPLAINT_STEP_BEFORE_PREVIOUS', () => {
      spec
        .given([registered(), complaintFiled({ occurredAt: filedAt }), complaintRejected({ occurredAt: assessedAt })])
        .when(closeComplaint({ occurredAt: before(assessedAt) }))
        .thenThrows('COMPLAINT_STEP_BEFORE_PREVIOUS');
    });
  });

  it('given a terminated relationship, when it is reactivated before the termination, then REACTIVATION_BEFORE_TERMINATION', () => {
    spec
      .given([registered(), terminated({ occurredAt: NOW })])
      .when(reactivate({ occurredAt: before(NOW) }))
      .thenThrows('REACTIVATION_BEFORE_TERMINATION');
  });

  it('given a registered customer, when a contact sets a follow-up due before the contact itself, then FOLLOW_UP_BEFORE_CONTACT', () => {
    spec
      .given([registered()])
      .when(logContact({ occurredAt: at(NOW), followUp: { task: 'call back', dueAt: before(NOW) } }))
      .thenThrows('FOLLOW_UP_BEFORE_CONTACT');
  });
});
