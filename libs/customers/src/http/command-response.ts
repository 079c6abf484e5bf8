/** What every accepted command answers. */
export interface CommandResponseBody {
  readonly customerId: string;
  /** Ids generated for the command (e.g. complaintId), when the client left them out. */
  readonly [id: string]: unknown;
  /** Stream revision after the command; also sent as the ETag. */
  readonly revision: number | null;
  readonly eventIds: readonly string[];
  /** Global checkpoint of the events: pass it as minCheckpoint to read your own writes. */
  readonly checkpoint: string | null;
}
