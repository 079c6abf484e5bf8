import type { CommandRoute } from '../../http/command-route';
import { ResolveComplaintRequest } from './resolve-complaint.request';

export const resolveComplaintRoute: CommandRoute<ResolveComplaintRequest> = {
  operationId: 'resolveComplaint',
  method: 'POST',
  path: ':customerId/complaints/:complaintId/resolution',
  request: ResolveComplaintRequest,
  summary: 'Record that the proposed resolution was carried out.',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'ResolveComplaint',
    data: { complaintId: params.complaintId!, resolution: body.resolution, occurredAt: tools.occurredAt },
  }),
};
