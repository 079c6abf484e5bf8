import { Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import type { CrmRules } from '../../domain/rules/crm-rules';
import { CustomerSummaryEntity } from '../../projections/customer-summary/customer-summary.entity';
import { CRM_RULES } from '../../rules/rules.loader';
import { latestCustomerSegmentation } from '../../segmentation/segmentation.service';
import { CustomerAuditService } from '../../audit/customer-audit.service';
import { customerView, type CustomerView } from './customer-view';
import { GetCustomerQuery } from './get-customer.query';

/** The summary row of a customer, or 404 CUSTOMER_NOT_FOUND. */
export async function findCustomerSummary(dataSource: DataSource, customerId: string): Promise<CustomerSummaryEntity> {
  const row = await dataSource.manager.findOneBy(CustomerSummaryEntity, { customerId });
  if (!row) {
    throw new NotFoundException({
      code: 'CUSTOMER_NOT_FOUND',
      message: `customer ${customerId} not found`,
      customerId,
    });
  }
  return row;
}

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery, CustomerView> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
    private readonly audit: CustomerAuditService,
  ) {}

  async execute({ customerId, asOf }: GetCustomerQuery): Promise<CustomerView> {
    // One "as of" everywhere: as of an instant, the whole answer is the customer's state then.
    if (asOf !== null) return this.audit.stateAsOf(customerId, asOf, null);
    const row = await findCustomerSummary(this.dataSource, customerId);
    return customerView(row, new Date(), this.rules, await latestCustomerSegmentation(this.dataSource, customerId));
  }
}
