export { CRM_CONFIG, DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';

/** The row projections this process knows (an array of RowProjection). */
export const PROJECTIONS = Symbol('PROJECTIONS');

/** Which process hosts the projector service: 'api' or 'projector'. */
export const PROJECTOR_ROLE = Symbol('PROJECTOR_ROLE');
export type ProjectorRole = 'api' | 'projector';
