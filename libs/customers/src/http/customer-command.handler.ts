import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandContext, type CommandResult } from '@crm/platform';
import { customerAggregate } from '../customer.aggregate';
import type { CustomerCommand } from '../domain/customer.commands';
import { customerStream } from '../domain/customer.events';

/** Bus message: one customer command with its metadata. */
export class CustomerCommandMessage {
  constructor(
    readonly customerId: string,
    readonly command: CustomerCommand,
    readonly context: CommandContext,
  ) {}
}

/** Runs every customer command the same way: load the stream, fold, decide, append. */
@CommandHandler(CustomerCommandMessage)
export class CustomerCommandHandler implements ICommandHandler<CustomerCommandMessage, CommandResult> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ customerId, command, context }: CustomerCommandMessage): Promise<CommandResult> {
    // Every event the decider makes carries the command's business time in its data; the metadata
    // (what the event store files it under: readStream's occurredUpTo) must name the same instant.
    return this.executor.execute(customerAggregate, customerStream(customerId), command, {
      ...context,
      occurredAt: command.data.occurredAt,
    });
  }
}
