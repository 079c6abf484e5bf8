import type { LifecycleStage } from '../../domain/lifecycle';

export class GetCustomerLifecycleHistoryQuery {
  /** `asOf`: the end of the period (the request time unless given). */
  constructor(
    readonly customerId: string,
    readonly asOf: Date,
  ) {}
}

export interface LifecycleHistoryItem {
  readonly stage: LifecycleStage;
  readonly enteredAt: string;
  /** null for the stage the customer is in at `asOf`. */
  readonly leftAt: string | null;
  readonly reason: string;
}

export interface CustomerLifecycleHistory {
  readonly customerId: string;
  readonly asOf: string;
  readonly rulesVersion: string;
  /** Oldest first. */
  readonly items: LifecycleHistoryItem[];
}
