import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { uuidV5 } from '@crm/event-store';
import type { CommandResult } from '@crm/platform';
import { commandContextFrom } from '../../http/command-context';
import { sendCommandResult, type CommandResponseBody } from '../../http/command-response';
import { RegisterCustomerCommand } from './register-customer.command';
import { RegisterCustomerRequest } from './register-customer.request';

/** Namespace of customer ids derived from command ids. */
const CUSTOMER_ID_NAMESPACE = '0d9a1f4e-2b7c-4c55-8f61-93e2a7b4c0de';

@ApiTags('customers')
@Controller('customers')
export class RegisterCustomerController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ description: 'Registered: the new stream revision (also the ETag), event ids and checkpoint.' })
  async register(
    @Body() body: RegisterCustomerRequest,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommandResponseBody> {
    const now = new Date();
    const registeredAt = body.registeredAt ? new Date(body.registeredAt) : now;
    const context = commandContextFrom(request, registeredAt);
    // Without an id, one is derived from the idempotency key, so a retried registration names the same customer.
    const customerId = body.customerId ?? uuidV5(`customer:${context.commandId}`, CUSTOMER_ID_NAMESPACE);
    const result = await this.commands.execute<RegisterCustomerCommand, CommandResult>(
      new RegisterCustomerCommand(
        {
          type: 'RegisterCustomer',
          data: {
            customerId,
            kind: body.kind,
            name: body.name,
            email: body.email,
            phone: body.phone,
            region: body.region,
            acquisitionSource: body.acquisitionSource,
            registeredAt,
          },
        },
        context,
      ),
    );
    response.setHeader('Location', `/customers/${encodeURIComponent(customerId)}`);
    return sendCommandResult(response, customerId, result);
  }
}
