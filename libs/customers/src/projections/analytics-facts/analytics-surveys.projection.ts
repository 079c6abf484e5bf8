import type { StoredEvent } from '@crm/event-store';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import { CUSTOMER_STREAM_PREFIX } from '../../domain/customer.events';
import { AnalyticsSurveyEntity, type AnalyticsSurveyRow } from './analytics-survey.entity';
import { businessTimeOf, customerIdOfStream, utcDay } from './analytics-orders.projection';

/** Pure: one row per survey answer, with its scores at its business day. */
export function evolveAnalyticsSurvey(row: AnalyticsSurveyRow | null, stored: StoredEvent): AnalyticsSurveyRow | null {
  const customerId = customerIdOfStream(stored.stream);
  if (customerId === null || stored.type !== 'SurveyRecorded') return row;
  const event = toCustomerEvent(stored);
  if (event.type !== 'SurveyRecorded') return row;
  const occurredAt = businessTimeOf(event.data.occurredAt, stored);
  return {
    key: `${customerId}|${event.data.surveyId}`,
    customerId,
    surveyId: event.data.surveyId,
    occurredAt,
    day: utcDay(occurredAt),
    csat: event.data.csat,
    nps: event.data.nps,
    ces: event.data.ces,
    revision: stored.revision,
    lastCheckpoint: stored.checkpoint,
  };
}

/** analytics_surveys: one row per survey answer, keyed `<customerId>|<surveyId>`. */
export const analyticsSurveysProjection: RowProjection<AnalyticsSurveyRow> = {
  name: 'analytics_surveys',
  entity: AnalyticsSurveyEntity,
  keyProperty: 'key',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (stored) => {
    const customerId = customerIdOfStream(stored.stream);
    if (customerId === null || stored.type !== 'SurveyRecorded') return null;
    const event = toCustomerEvent(stored);
    return event.type === 'SurveyRecorded' ? `${customerId}|${event.data.surveyId}` : null;
  },
  evolve: evolveAnalyticsSurvey,
};
