import { Module, type DynamicModule } from '@nestjs/common';
import type { ObjectLiteral } from 'typeorm';
import type { RowProjection } from './projection';
import { ProjectorService } from './projector.service';
import { PROJECTIONS, PROJECTOR_ROLE, type ProjectorRole } from './tokens';

@Module({})
export class ProjectionsModule {
  /**
   * `role: 'api'` runs the projections in the API process unless
   * CRM_PROJECTOR=external; `role: 'projector'` (apps/projector) always runs them.
   */
  static forRoot(projections: readonly RowProjection<ObjectLiteral>[], role: ProjectorRole): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: PROJECTIONS, useValue: projections },
        { provide: PROJECTOR_ROLE, useValue: role },
        ProjectorService,
      ],
      exports: [ProjectorService],
    };
  }
}
