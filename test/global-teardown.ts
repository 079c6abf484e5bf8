import { stopEventStoreDb } from './support/eventstoredb';

export default async function globalTeardown(): Promise<void> {
  await stopEventStoreDb();
}
