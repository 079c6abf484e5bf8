export class GetCustomerQuery {
  /**
   * `asOf`: the business instant every derived field is as of (null: now).
   * As of an instant, the answer is the customer's state then — facts,
   * satisfaction, lifecycle, loyalty, churn risk, current value and the
   * segmentation run in force — from the events dated by then.
   */
  constructor(
    readonly customerId: string,
    readonly asOf: Date | null,
  ) {}
}
