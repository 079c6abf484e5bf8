import { customersReadModel } from '@crm/customers';
import { ProjectionCheckpointEntity, ProjectionCheckpoints1732420000000 } from '@crm/projections';

/** Every read-model table, migration and projection of the product, in migration order. */
export const readModels = {
  entities: [ProjectionCheckpointEntity, ...customersReadModel.entities],
  migrations: [ProjectionCheckpoints1732420000000, ...customersReadModel.migrations],
  projections: [...customersReadModel.projections],
};
