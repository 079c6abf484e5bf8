import { Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { CustomerSummaryEntity } from '../../projections/customer-summary/customer-summary.entity';
import { GetCustomerQuery } from './get-customer.query';

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery, CustomerSummaryEntity> {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerSummaryEntity> {
    const row = await this.dataSource.manager.findOneBy(CustomerSummaryEntity, { customerId });
    if (!row) {
      throw new NotFoundException({
        code: 'CUSTOMER_NOT_FOUND',
        message: `customer ${customerId} not found`,
        customerId,
      });
    }
    return row;
  }
}
