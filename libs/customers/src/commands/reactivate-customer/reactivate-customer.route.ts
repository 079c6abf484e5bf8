import type { CommandRoute } from '../../http/command-route';
import { ReactivateCustomerRequest } from './reactivate-customer.request';

export const reactivateCustomerRoute: CommandRoute<ReactivateCustomerRequest> = {
  operationId: 'reactivateCustomer',
  method: 'POST',
  path: ':customerId/reactivation',
  request: ReactivateCustomerRequest,
  summary: 'Win a terminated customer back (a purchase by a terminated customer reactivates it too).',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'ReactivateCustomer',
    data: { reason: body.reason, occurredAt: tools.occurredAt },
  }),
};
