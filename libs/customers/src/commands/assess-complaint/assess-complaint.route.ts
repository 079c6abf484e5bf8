import type { CommandRoute } from '../../http/command-route';
import { AssessComplaintRequest } from './assess-complaint.request';

export const assessComplaintRoute: CommandRoute<AssessComplaintRequest> = {
  operationId: 'assessComplaint',
  method: 'POST',
  path: ':customerId/complaints/:complaintId/assessment',
  request: AssessComplaintRequest,
  summary: 'Judge whether a filed (or reopened) complaint is valid (step 2).',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'AssessComplaint',
    data: {
      complaintId: params.complaintId!,
      valid: body.valid,
      reason: body.reason,
      keyPoints: body.keyPoints,
      occurredAt: tools.occurredAt,
    },
  }),
};
