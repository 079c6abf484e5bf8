import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomersModule } from '@crm/customers';
import { CustomerSchedulesModule } from '@crm/customers/customer-status/customer-schedules';
import { AuthModule, PlatformModule, type CrmConfig } from '@crm/platform';
import { ProjectionsModule } from '@crm/projections';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { EventsModule } from './events/events.module';
import { readModels } from '@crm/catalog';

@Module({})
export class AppModule {
  static forRoot(config?: CrmConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ entities: readModels.entities, migrations: readModels.migrations, config }),
        AuthModule,
        CqrsModule.forRoot(),
        ProjectionsModule.forRoot(readModels.projections, 'api'),
        CustomersModule,
        CustomerSchedulesModule.forRoot('api'),
        EventsModule,
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
