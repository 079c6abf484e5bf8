export * from './event-log-record';
export * from './read-event-log';
export * from './import-event-log';
