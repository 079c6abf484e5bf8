import type { CommandRoute } from '../../http/command-route';
import { LogContactRequest } from './log-contact.request';

export const logContactRoute: CommandRoute<LogContactRequest> = {
  operationId: 'logContact',
  method: 'POST',
  path: ':customerId/contacts',
  request: LogContactRequest,
  summary:
    'Log a contact (channel, direction, agent, topic, outcome, optional follow-up task); outbound contact on an opted-out channel is refused.',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'LogContact',
    data: {
      contactId: body.contactId ?? tools.derivedId('contact'),
      channel: body.channel,
      direction: body.direction,
      agent: body.agent,
      topic: body.topic,
      summary: body.summary,
      outcome: body.outcome,
      followUp: body.followUp ? { task: body.followUp.task, dueAt: new Date(body.followUp.dueAt) } : undefined,
      attachments: body.attachments,
      occurredAt: tools.occurredAt,
    },
  }),
  createdIds: (command) => (command.type === 'LogContact' ? { contactId: command.data.contactId } : {}),
};
