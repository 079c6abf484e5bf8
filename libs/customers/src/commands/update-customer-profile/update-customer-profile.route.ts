import type { CommandRoute } from '../../http/command-route';
import { profileFields } from '../../http/profile.dto';
import { UpdateCustomerProfileRequest } from './update-customer-profile.request';

export const updateCustomerProfileRoute: CommandRoute<UpdateCustomerProfileRequest> = {
  operationId: 'updateCustomerProfile',
  method: 'PATCH',
  path: ':customerId/profile',
  request: UpdateCustomerProfileRequest,
  summary: "Correct or complete a customer's profile; the event records each changed field's old and new value.",
  successStatus: 200,
  toCommand: (body, _params, tools) => ({
    type: 'UpdateCustomerProfile',
    data: { changes: profileFields(body, true), occurredAt: tools.occurredAt },
  }),
};
