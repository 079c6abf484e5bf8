export * from './customers.module';
export * from './customer.aggregate';
export * from './domain/customer.commands';
export * from './domain/customer.decider';
export * from './domain/customer.events';
export * from './projections/customer-summary/customer-summary.entity';
export * from './projections/customer-summary/customer-summary.projection';
