import type { CommandRoute } from '../../http/command-route';
import { RecordFeedbackRequest } from './record-feedback.request';

export const recordFeedbackRoute: CommandRoute<RecordFeedbackRequest> = {
  operationId: 'recordFeedback',
  method: 'POST',
  path: ':customerId/feedback',
  request: RecordFeedbackRequest,
  summary: 'Record feedback (suggestion, praise, question or other) and the channel it came by.',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'RecordFeedback',
    data: {
      feedbackId: body.feedbackId ?? tools.derivedId('feedback'),
      kind: body.kind,
      channel: body.channel,
      text: body.text,
      occurredAt: tools.occurredAt,
    },
  }),
  createdIds: (command) => (command.type === 'RecordFeedback' ? { feedbackId: command.data.feedbackId } : {}),
};
