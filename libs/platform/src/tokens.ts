/** Injection tokens of the platform's shared resources. */
export const CRM_CONFIG = Symbol('CRM_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const DATABASE = Symbol('DATABASE');
