export class GetCustomerQuery {
  /** `asOf`: the instant the lifecycle is evaluated for. */
  constructor(
    readonly customerId: string,
    readonly asOf: Date,
  ) {}
}
