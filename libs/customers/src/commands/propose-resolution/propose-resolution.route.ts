import type { CommandRoute } from '../../http/command-route';
import { ProposeResolutionRequest } from './propose-resolution.request';

export const proposeResolutionRoute: CommandRoute<ProposeResolutionRequest> = {
  operationId: 'proposeResolution',
  method: 'POST',
  path: ':customerId/complaints/:complaintId/resolution-proposals',
  request: ProposeResolutionRequest,
  summary: 'Propose a resolution for a valid complaint (step 3).',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'ProposeResolution',
    data: { complaintId: params.complaintId!, proposal: body.proposal, occurredAt: tools.occurredAt },
  }),
};
