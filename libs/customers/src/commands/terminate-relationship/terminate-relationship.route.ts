import type { CommandRoute } from '../../http/command-route';
import { TerminateRelationshipRequest } from './terminate-relationship.request';

export const terminateRelationshipRoute: CommandRoute<TerminateRelationshipRequest> = {
  operationId: 'terminateRelationship',
  method: 'POST',
  path: ':customerId/termination',
  request: TerminateRelationshipRequest,
  summary: 'End the relationship explicitly (the customer becomes churned).',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'TerminateRelationship',
    data: { reason: body.reason, occurredAt: tools.occurredAt },
  }),
};
