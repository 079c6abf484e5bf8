import type { Response } from 'express';
import type { CommandResult } from '@crm/platform';

export interface CommandResponseBody {
  readonly customerId: string;
  /** Stream revision after the command; also sent as the ETag. */
  readonly revision: number | null;
  readonly eventIds: readonly string[];
  /** Global checkpoint of the events: pass it as minCheckpoint to read your own writes. */
  readonly checkpoint: string | null;
}

export function sendCommandResult(response: Response, customerId: string, result: CommandResult): CommandResponseBody {
  if (result.revision !== null) response.setHeader('ETag', `"${result.revision}"`);
  if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return { customerId, revision: result.revision, eventIds: result.eventIds, checkpoint: result.checkpoint };
}
