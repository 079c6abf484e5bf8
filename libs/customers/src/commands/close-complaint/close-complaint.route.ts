import type { CommandRoute } from '../../http/command-route';
import { CloseComplaintRequest } from './close-complaint.request';

export const closeComplaintRoute: CommandRoute<CloseComplaintRequest> = {
  operationId: 'closeComplaint',
  method: 'POST',
  path: ':customerId/complaints/:complaintId/closure',
  request: CloseComplaintRequest,
  summary: 'Close a followed-up (or rejected) complaint.',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'CloseComplaint',
    data: { complaintId: params.complaintId!, note: body.note, occurredAt: tools.occurredAt },
  }),
};
