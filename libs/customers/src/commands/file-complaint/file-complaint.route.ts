import type { CommandRoute } from '../../http/command-route';
import { FileComplaintRequest } from './file-complaint.request';

export const fileComplaintRoute: CommandRoute<FileComplaintRequest> = {
  operationId: 'fileComplaint',
  method: 'POST',
  path: ':customerId/complaints',
  request: FileComplaintRequest,
  summary: 'File a complaint (step 1 of 4: listen and record).',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'FileComplaint',
    data: {
      complaintId: body.complaintId ?? tools.derivedId('complaint'),
      category: body.category,
      severity: body.severity,
      channel: body.channel,
      description: body.description,
      occurredAt: tools.occurredAt,
    },
  }),
  createdIds: (command) => (command.type === 'FileComplaint' ? { complaintId: command.data.complaintId } : {}),
};
