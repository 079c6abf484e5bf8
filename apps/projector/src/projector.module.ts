import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type CrmConfig } from '@crm/platform';
import { ProjectionsModule } from '@crm/projections';
import { readModels } from '@crm/catalog';

/** The projection worker alone: no HTTP, only the projector. */
@Module({})
export class ProjectorModule {
  static forRoot(config?: CrmConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        PlatformModule.forRoot({ entities: readModels.entities, migrations: readModels.migrations, config }),
        ProjectionsModule.forRoot(readModels.projections, 'projector'),
      ],
    };
  }
}
