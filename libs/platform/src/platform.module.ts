import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventStore } from '@crm/event-store';
import type { DataSource } from 'typeorm';
import { describeConfig, loadCrmConfig, type CrmConfig } from './config/crm-config';
import { Database } from './database/database';
import { openEventStore } from './database/open-event-store';
import { openReadModelDataSource, type ReadModelSchema } from './database/read-model-data-source';
import { CRM_CONFIG, DATA_SOURCE, DATABASE, EVENT_STORE } from './tokens';
import { CommandExecutor } from './write-side/command-executor';
import { IdempotencyStore } from './idempotency/idempotency.store';

@Injectable()
class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  private readonly logger = new Logger('Platform');

  async onApplicationShutdown(): Promise<void> {
    this.logger.log('closing the event store');
    await this.store.close();
    this.logger.log('closing the read-model connection');
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.database.close();
    this.logger.log('closed');
  }
}

export interface PlatformModuleOptions extends ReadModelSchema {
  /** Configuration to use instead of the process environment (tests). */
  readonly config?: CrmConfig;
}

/**
 * Configuration (validated at boot), the database, the event store and the
 * read-model connection, shared by every module of an app.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        {
          provide: CRM_CONFIG,
          useFactory: (): CrmConfig => {
            const config = options.config ?? loadCrmConfig();
            new Logger('Config').log(JSON.stringify(describeConfig(config)));
            return config;
          },
        },
        { provide: DATABASE, inject: [CRM_CONFIG], useFactory: (config: CrmConfig) => Database.open(config) },
        {
          provide: EVENT_STORE,
          inject: [CRM_CONFIG, DATABASE],
          useFactory: (config: CrmConfig, database: Database) => openEventStore(config, database),
        },
        {
          provide: DATA_SOURCE,
          inject: [DATABASE, EVENT_STORE],
          useFactory: (database: Database) => openReadModelDataSource(database, options),
        },
        {
          provide: CommandExecutor,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) => new CommandExecutor(store),
        },
        IdempotencyStore,
        PlatformLifecycle,
      ],
      exports: [CRM_CONFIG, DATABASE, EVENT_STORE, DATA_SOURCE, CommandExecutor, IdempotencyStore],
    };
  }
}
