import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import { customerDecider } from './customer.decider';
import type { RecordSurvey } from './customer.commands';
import {
  at,
  contactLogged,
  contactPreferencesSet,
  feedbackRecorded,
  logContact,
  NOW,
  recordFeedback,
  recordSurvey,
  registered,
  surveyRecorded,
} from './testing/customer-fixtures';

const spec = deciderSpecification(customerDecider);

type Scores = Pick<RecordSurvey['data'], 'csat' | 'nps' | 'ces'>;

describe('LogContact', () => {
  it('given a registered customer, when a visit with a follow-up task and attachments is logged, then the task keeps its due date and the attachments are kept as references', () => {
    spec
      .given([registered()])
      .when(
        logContact({
          contactId: 'ct-42',
          channel: 'visit',
          direction: 'outbound',
          agent: 'agent-3',
          topic: 'annual review',
          summary: 'walked through the new catalogue',
          outcome: 'interested in the premium range',
          followUp: { task: 'send the premium price list', dueAt: at('2026-04-08T17:00:00.000Z') },
          attachments: ['doc://visits/2026/ct-42/notes.pdf', 'https://files.example/ct-42/photo.jpg'],
        }),
      )
      .then([
        {
          type: 'ContactLogged',
          data: {
            contactId: 'ct-42',
            channel: 'visit',
            direction: 'outbound',
            agent: 'agent-3',
            topic: 'annual review',
            summary: 'walked through the new catalogue',
            outcome: 'interested in the premium range',
            followUp: { task: 'send the premium price list', dueAt: '2026-04-08T17:00:00.000Z' },
            attachments: ['doc://visits/2026/ct-42/notes.pdf', 'https://files.example/ct-42/photo.jpg'],
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given a registered customer, when a contact without summary, outcome, follow-up or attachments is logged, then those are recorded empty', () => {
    spec
      .given([registered()])
      .when(logContact())
      .then([contactLogged({ summary: null, outcome: null, followUp: null, attachments: [] })]);
  });

  it('given a customer opted out of phone, when an outbound call is logged, then it is refused', () => {
    spec
      .given([registered(), contactPreferencesSet({ optedOut: ['phone'] })])
      .when(logContact({ channel: 'phone', direction: 'outbound' }))
      .thenThrows('CHANNEL_OPTED_OUT');
  });

  it('given a customer opted out of phone, when an inbound call is logged, then it is accepted', () => {
    spec
      .given([registered(), contactPreferencesSet({ optedOut: ['phone'] })])
      .when(logContact({ channel: 'phone', direction: 'inbound' }))
      .then([contactLogged({ channel: 'phone', direction: 'inbound' })]);
  });

  it('given a customer opted out of phone, when an outbound email is logged, then it is accepted', () => {
    spec
      .given([registered(), contactPreferencesSet({ optedOut: ['phone'] })])
      .when(logContact({ channel: 'email', direction: 'outbound' }))
      .then([contactLogged({ channel: 'email', direction: 'outbound' })]);
  });

  it('given a customer who opted out of phone and back in, when an outbound call is logged, then it is accepted', () => {
    spec
      .given([
        registered(),
        contactPreferencesSet({ optedOut: ['phone', 'sms'] }),
        contactPreferencesSet({ optedIn: ['phone'] }),
      ])
      .when(logContact({ channel: 'phone', direction: 'outbound' }))
      .then([contactLogged({ channel: 'phone', direction: 'outbound' })]);
  });

  it('given a customer who opted back in to phone only, when an outbound sms is logged, then it is still refused', () => {
    spec
      .given([
        registered(),
        contactPreferencesSet({ optedOut: ['phone', 'sms'] }),
        contactPreferencesSet({ optedIn: ['phone'] }),
      ])
      .when(logContact({ channel: 'sms', direction: 'outbound' }))
      .thenThrows('CHANNEL_OPTED_OUT');
  });

  it('given a logged contact, when a contact with the same id is logged, then it is refused as already logged', () => {
    spec
      .given([registered(), contactLogged({ contactId: 'ct-1' })])
      .when(logContact({ contactId: 'ct-1', topic: 'something else' }))
      .thenThrows('CONTACT_ALREADY_LOGGED');
  });

  it('given no customer, when a contact is logged, then it is refused as not found', () => {
    spec.given([]).when(logContact()).thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('RecordSurvey', () => {
  it.each<[string, Scores]>([
    ['CSAT only', { csat: 4 }],
    ['NPS only', { nps: 9 }],
    ['CES only', { ces: 2 }],
  ])(
    'given a registered customer, when a survey with %s is recorded, then the missing scores are null',
    (_what, scores) => {
      spec
        .given([registered()])
        .when(recordSurvey(scores))
        .then([surveyRecorded({ csat: null, nps: null, ces: null, ...scores })]);
    },
  );

  it('given a registered customer, when a phone survey with all three scores and a comment is recorded, then all are recorded', () => {
    spec
      .given([registered()])
      .when(recordSurvey({ surveyId: 's-7', method: 'phone', csat: 5, nps: 10, ces: 1, comment: 'quick and friendly' }))
      .then([
        {
          type: 'SurveyRecorded',
          data: {
            surveyId: 's-7',
            method: 'phone',
            csat: 5,
            nps: 10,
            ces: 1,
            comment: 'quick and friendly',
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given a registered customer, when a survey has no score at all, then it is refused', () => {
    spec
      .given([registered()])
      .when(recordSurvey({ comment: 'no scores' }))
      .thenThrows('SURVEY_WITHOUT_SCORE');
  });

  it.each<[string, Scores]>([
    ['CSAT 1', { csat: 1 }],
    ['CSAT 5', { csat: 5 }],
    ['NPS 0', { nps: 0 }],
    ['NPS 10', { nps: 10 }],
    ['CES 1', { ces: 1 }],
    ['CES 7', { ces: 7 }],
  ])(
    'given a registered customer, when a survey scores %s (a bound of its range), then it is accepted',
    (_what, scores) => {
      spec
        .given([registered()])
        .when(recordSurvey(scores))
        .then([surveyRecorded({ csat: scores.csat ?? null, nps: scores.nps ?? null, ces: scores.ces ?? null })]);
    },
  );

  it.each<[string, Scores]>([
    ['CSAT 0', { csat: 0 }],
    ['CSAT 6', { csat: 6 }],
    ['CSAT 4.5', { csat: 4.5 }],
    ['NPS -1', { nps: -1 }],
    ['NPS 11', { nps: 11 }],
    ['NPS 7.5', { nps: 7.5 }],
    ['CES 0', { ces: 0 }],
    ['CES 8', { ces: 8 }],
    ['a valid CSAT beside NPS 11', { csat: 4, nps: 11 }],
  ])(
    'given a registered customer, when a survey scores %s, then it is refused as an invalid score',
    (_what, scores) => {
      spec.given([registered()]).when(recordSurvey(scores)).thenThrows('INVALID_SCORE');
    },
  );

  it('given a recorded survey, when a survey with the same id is recorded, then it is refused as already recorded', () => {
    spec
      .given([registered(), surveyRecorded({ surveyId: 's-1', csat: 3 })])
      .when(recordSurvey({ surveyId: 's-1', nps: 8 }))
      .thenThrows('SURVEY_ALREADY_RECORDED');
  });

  it('given no customer, when a survey is recorded, then it is refused as not found', () => {
    spec
      .given([])
      .when(recordSurvey({ csat: 3 }))
      .thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('RecordFeedback', () => {
  it('given a registered customer, when praise arrives by social media, then it is recorded with its kind, channel and text', () => {
    spec
      .given([registered()])
      .when(recordFeedback({ feedbackId: 'f-9', kind: 'praise', channel: 'social', text: 'great service in store' }))
      .then([
        {
          type: 'FeedbackRecorded',
          data: {
            feedbackId: 'f-9',
            kind: 'praise',
            channel: 'social',
            text: 'great service in store',
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given recorded feedback, when other feedback with another id is recorded, then it is accepted', () => {
    spec
      .given([registered(), feedbackRecorded({ feedbackId: 'f-1' })])
      .when(recordFeedback({ feedbackId: 'f-2', kind: 'question', channel: 'chat', text: 'do you ship abroad?' }))
      .then([feedbackRecorded({ feedbackId: 'f-2', kind: 'question', channel: 'chat', text: 'do you ship abroad?' })]);
  });

  it('given recorded feedback, when feedback with the same id is recorded, then it is refused as already recorded', () => {
    spec
      .given([registered(), feedbackRecorded({ feedbackId: 'f-1' })])
      .when(recordFeedback({ feedbackId: 'f-1' }))
      .thenThrows('FEEDBACK_ALREADY_RECORDED');
  });

  it('given no customer, when feedback is recorded, then it is refused as not found', () => {
    spec.given([]).when(recordFeedback()).thenThrows('CUSTOMER_NOT_FOUND');
  });
});
