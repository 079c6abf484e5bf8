import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@crm/platform';
import { customerAggregate } from '../../customer.aggregate';
import { customerStream } from '../../domain/customer.events';
import { RegisterCustomerCommand } from './register-customer.command';

@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand, CommandResult> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ command, context }: RegisterCustomerCommand): Promise<CommandResult> {
    return this.executor.execute(customerAggregate, customerStream(command.data.customerId), command, context);
  }
}
