import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type CrmConfig } from '@crm/platform';
import { ProjectionsModule } from '@crm/projections';
import { readModels } from '@crm/catalog';
import { CustomerSchedulesModule } from '@crm/customers/customer-status/customer-schedules';

/** The projection worker alone: no HTTP, only the projector and the scheduled customer work. */
@Module({})
export class ProjectorModule {
  static forRoot(config?: CrmConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        PlatformModule.forRoot({ entities: readModels.entities, migrations: readModels.migrations, config }),
        ProjectionsModule.forRoot(readModels.projections, 'projector'),
        CustomerSchedulesModule.forRoot('projector'),
      ],
    };
  }
}
