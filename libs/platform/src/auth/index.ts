export * from './api-authentication';
export * from './api-key.guard';
export * from './api-keys';
export * from './auth.module';
export * from './embedded-admin-key';
export * from './require-role.decorator';
