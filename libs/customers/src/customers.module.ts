import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { COMMAND_ROUTES } from './commands/command-routes';
import { commandController } from './http/command-route';
import { CustomerCommandHandler } from './http/customer-command.handler';
import { CustomerSummary1732420000100 } from './migrations/1732420000100-customer-summary';
import { CustomerSummaryAccountManager1732420000200 } from './migrations/1732420000200-customer-summary-account-manager';
import { CustomerSummaryEntity } from './projections/customer-summary/customer-summary.entity';
import { customerSummaryProjection } from './projections/customer-summary/customer-summary.projection';
import { GetCustomerController } from './queries/get-customer/get-customer.controller';
import { GetCustomerHandler } from './queries/get-customer/get-customer.handler';

/** The customer context's read-model tables and migrations, for the platform's data source. */
export const customersReadModel = {
  entities: [CustomerSummaryEntity],
  migrations: [CustomerSummary1732420000100, CustomerSummaryAccountManager1732420000200],
  projections: [customerSummaryProjection],
};

@Module({
  imports: [CqrsModule],
  controllers: [...COMMAND_ROUTES.map((route) => commandController(route)), GetCustomerController],
  providers: [CustomerCommandHandler, GetCustomerHandler],
})
export class CustomersModule {}
