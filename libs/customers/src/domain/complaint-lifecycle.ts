import type { CustomerCommandType } from './customer.commands';

/**
 * The four-step complaint process (domain.md): listen and record (filed),
 * judge validity (valid / rejected), propose a resolution, resolve, follow up
 * with the customer, close; a complaint can be reopened and is then assessed
 * again.
 */
export type ComplaintStatus =
  'filed' | 'valid' | 'rejected' | 'resolution-proposed' | 'resolved' | 'followed-up' | 'closed' | 'reopened';

export type ComplaintCommandType = Extract<
  CustomerCommandType,
  | 'AssessComplaint'
  | 'ProposeResolution'
  | 'ResolveComplaint'
  | 'FollowUpComplaint'
  | 'CloseComplaint'
  | 'ReopenComplaint'
>;

/** From which statuses each complaint command may run. */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintCommandType, readonly ComplaintStatus[]>> = {
  AssessComplaint: ['filed', 'reopened'],
  // A new proposal may replace one the customer did not accept.
  ProposeResolution: ['valid', 'resolution-proposed'],
  ResolveComplaint: ['resolution-proposed'],
  FollowUpComplaint: ['resolved', 'rejected'],
  CloseComplaint: ['followed-up', 'rejected'],
  ReopenComplaint: ['rejected', 'resolved', 'followed-up', 'closed'],
};

export function complaintCommandAllowed(command: ComplaintCommandType, status: ComplaintStatus): boolean {
  return COMPLAINT_TRANSITIONS[command].includes(status);
}
