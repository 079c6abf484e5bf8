import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RegisterCustomerController } from './commands/register-customer/register-customer.controller';
import { RegisterCustomerHandler } from './commands/register-customer/register-customer.handler';
import { CustomerSummary1732420000100 } from './migrations/1732420000100-customer-summary';
import { CustomerSummaryEntity } from './projections/customer-summary/customer-summary.entity';
import { customerSummaryProjection } from './projections/customer-summary/customer-summary.projection';
import { GetCustomerController } from './queries/get-customer/get-customer.controller';
import { GetCustomerHandler } from './queries/get-customer/get-customer.handler';

/** The customer context's read-model tables and migrations, for the platform's data source. */
export const customersReadModel = {
  entities: [CustomerSummaryEntity],
  migrations: [CustomerSummary1732420000100],
  projections: [customerSummaryProjection],
};

@Module({
  imports: [CqrsModule],
  controllers: [RegisterCustomerController, GetCustomerController],
  providers: [RegisterCustomerHandler, GetCustomerHandler],
})
export class CustomersModule {}
