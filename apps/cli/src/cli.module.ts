import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { readModels } from '@crm/catalog';
import { CustomerCommandHandler } from '@crm/customers/http/customer-command.handler';
import { PlatformModule, type CrmConfig } from '@crm/platform';

/**
 * The command-line interface's application context: the storage and the
 * customer command handler behind the command bus (the same write side as
 * the API). No HTTP and no projector: the read models catch up when the API
 * or the projector runs.
 */
@Module({})
export class CliModule {
  static forRoot(config?: CrmConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        PlatformModule.forRoot({ entities: readModels.entities, migrations: readModels.migrations, config }),
        CqrsModule.forRoot(),
      ],
      providers: [CustomerCommandHandler],
    };
  }
}
