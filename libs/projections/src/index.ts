export * from './projection';
export * from './projection-checkpoint.entity';
export * from './projection-runner';
export * from './projection-rebuild';
export * from './read-your-writes';
export * from './projector.service';
export * from './projections.module';
export { PROJECTIONS, PROJECTOR_ROLE, type ProjectorRole } from './tokens';
export { ProjectionCheckpoints1732420000000 } from './migrations/1732420000000-projection-checkpoints';
