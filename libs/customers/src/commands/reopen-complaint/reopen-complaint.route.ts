import type { CommandRoute } from '../../http/command-route';
import { ReopenComplaintRequest } from './reopen-complaint.request';

export const reopenComplaintRoute: CommandRoute<ReopenComplaintRequest> = {
  operationId: 'reopenComplaint',
  method: 'POST',
  path: ':customerId/complaints/:complaintId/reopening',
  request: ReopenComplaintRequest,
  summary: 'Reopen a rejected, resolved, followed-up or closed complaint; it is assessed again.',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'ReopenComplaint',
    data: { complaintId: params.complaintId!, reason: body.reason, occurredAt: tools.occurredAt },
  }),
};
