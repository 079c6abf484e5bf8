import type { CommandRoute } from '../../http/command-route';
import { profileFields } from '../../http/profile.dto';
import { RegisterCustomerRequest } from './register-customer.request';

export const registerCustomerRoute: CommandRoute<RegisterCustomerRequest> = {
  operationId: 'registerCustomer',
  method: 'POST',
  path: '',
  request: RegisterCustomerRequest,
  summary: 'Register a customer (individual or organisation) with what is known of them.',
  successStatus: 201,
  customerId: (body, tools) => body.customerId ?? tools.derivedId('customer'),
  toCommand: (body, _params, tools) => ({
    type: 'RegisterCustomer',
    data: {
      customerId: body.customerId ?? tools.derivedId('customer'),
      kind: body.kind,
      profile: { ...profileFields(body, false), name: body.name },
      acquisitionSource: body.acquisitionSource,
      occurredAt: tools.occurredAt,
    },
  }),
};
