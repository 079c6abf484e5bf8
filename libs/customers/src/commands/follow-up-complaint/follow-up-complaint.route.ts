import type { CommandRoute } from '../../http/command-route';
import { FollowUpComplaintRequest } from './follow-up-complaint.request';

export const followUpComplaintRoute: CommandRoute<FollowUpComplaintRequest> = {
  operationId: 'followUpComplaint',
  method: 'POST',
  path: ':customerId/complaints/:complaintId/follow-up',
  request: FollowUpComplaintRequest,
  summary: 'Follow up with the customer and record their satisfaction (step 4).',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'FollowUpComplaint',
    data: {
      complaintId: params.complaintId!,
      satisfaction: body.satisfaction,
      note: body.note,
      occurredAt: tools.occurredAt,
    },
  }),
};
