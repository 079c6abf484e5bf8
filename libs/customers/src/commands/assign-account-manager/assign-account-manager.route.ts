import type { CommandRoute } from '../../http/command-route';
import { AssignAccountManagerRequest } from './assign-account-manager.request';

export const assignAccountManagerRoute: CommandRoute<AssignAccountManagerRequest> = {
  operationId: 'assignAccountManager',
  method: 'PUT',
  path: ':customerId/account-manager',
  request: AssignAccountManagerRequest,
  summary: 'Assign the customer a dedicated account manager (the previous one is recorded).',
  successStatus: 200,
  toCommand: (body, _params, tools) => ({
    type: 'AssignAccountManager',
    data: { accountManagerId: body.accountManagerId, occurredAt: tools.occurredAt },
  }),
};
