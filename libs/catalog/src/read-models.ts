import { customersReadModel } from '@crm/customers';
import {
  IdempotencyKeyExpiry1732420001400,
  IdempotencyKeys1732420000050,
  IdempotencyRecordEntity,
} from '@crm/platform';
import {
  ProjectionCheckpointEntity,
  ProjectionCheckpoints1732420000000,
  ProjectorHeartbeatEntity,
  ProjectorHeartbeats1732420001410,
} from '@crm/projections';

/** Every table, migration and projection of the product's PostgreSQL database, in migration order. */
export const readModels = {
  entities: [
    ProjectionCheckpointEntity,
    ProjectorHeartbeatEntity,
    IdempotencyRecordEntity,
    ...customersReadModel.entities,
  ],
  migrations: [
    ProjectionCheckpoints1732420000000,
    IdempotencyKeys1732420000050,
    ...customersReadModel.migrations,
    IdempotencyKeyExpiry1732420001400,
    ProjectorHeartbeats1732420001410,
  ],
  projections: [...customersReadModel.projections],
};
