import type { CommandRoute } from '../../http/command-route';
import { SetContactPreferencesRequest } from './set-contact-preferences.request';

export const setContactPreferencesRoute: CommandRoute<SetContactPreferencesRequest> = {
  operationId: 'setContactPreferences',
  method: 'PUT',
  path: ':customerId/contact-preferences',
  request: SetContactPreferencesRequest,
  summary: 'Opt the customer in or out of contact channels; outbound contact on an opted-out channel is refused.',
  successStatus: 200,
  toCommand: (body, _params, tools) => ({
    type: 'SetContactPreferences',
    data: { channels: { ...body.channels }, occurredAt: tools.occurredAt },
  }),
};
