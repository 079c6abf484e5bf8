import type { CommandRoute } from '../../http/command-route';
import { RecordSurveyRequest } from './record-survey.request';

export const recordSurveyRoute: CommandRoute<RecordSurveyRequest> = {
  operationId: 'recordSurvey',
  method: 'POST',
  path: ':customerId/surveys',
  request: RecordSurveyRequest,
  summary: 'Record a satisfaction survey (CSAT 1-5, NPS 0-10, CES 1-7; each optional, at least one).',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'RecordSurvey',
    data: {
      surveyId: body.surveyId ?? tools.derivedId('survey'),
      method: body.method,
      csat: body.csat,
      nps: body.nps,
      ces: body.ces,
      comment: body.comment,
      occurredAt: tools.occurredAt,
    },
  }),
  createdIds: (command) => (command.type === 'RecordSurvey' ? { surveyId: command.data.surveyId } : {}),
};
