import { stopEventStoreForRun } from './support/eventstore-server';

export default async function globalTeardown(): Promise<void> {
  await stopEventStoreForRun();
}
