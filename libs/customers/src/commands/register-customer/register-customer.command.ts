import type { CommandContext } from '@crm/platform';
import type { RegisterCustomer } from '../../domain/customer.commands';

/** Bus message: a RegisterCustomer command with its metadata. */
export class RegisterCustomerCommand {
  constructor(
    readonly command: RegisterCustomer,
    readonly context: CommandContext,
  ) {}
}
