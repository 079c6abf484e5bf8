import { associationRules, compareText, mineItemsets, type AssociationRule } from './itemsets';
import { mineSequences, type PurchaseDays, type SequencePattern } from './sequences';

/** Cross-selling thresholds (docs/rules.md, "Cross-selling"); shares are fractions of 1. */
export interface CrossSellRules {
  /** Least share of baskets an itemset (hence a rule's X ∪ Y) must be in: above 0, at most 1. */
  readonly minSupport: number;
  /** Least confidence P(Y | X) of a rule: 0 to 1. */
  readonly minConfidence: number;
  /** Least share of customers who followed a sequence pattern: above 0, at most 1. */
  readonly minSequenceSupport: number;
  /** Most items in an itemset, hence in a rule, and in a sequence pattern: 2 to 4. */
  readonly maxItemsetSize: number;
}

/**
 * What a basket is: `customer`, every item a customer ever bought (what
 * goes with what over a customer's life, the usual base for offers);
 * `order`, the items of one order ("bought together").
 */
export const BASKET_KINDS = ['customer', 'order'] as const;
export type BasketKind = (typeof BASKET_KINDS)[number];

export interface CustomerOrder {
  /** UTC business day, YYYY-MM-DD. */
  readonly day: string;
  /** The order's items (categories or SKUs). */
  readonly items: readonly string[];
}

export interface CustomerPurchases {
  readonly customerId: string;
  readonly orders: readonly CustomerOrder[];
}

/** A customer's purchase days, earliest first: the items of each day's orders together; days without items left out. */
export function purchaseDays(orders: readonly CustomerOrder[]): string[][] {
  const byDay = new Map<string, Set<string>>();
  for (const order of orders) {
    if (order.items.length === 0) continue;
    const items = byDay.get(order.day) ?? new Set<string>();
    for (const item of order.items) items.add(item);
    byDay.set(order.day, items);
  }
  return [...byDay.keys()].sort(compareText).map((day) => [...byDay.get(day)!].sort(compareText));
}

/** The baskets of the population: one per customer, or one per order. */
export function basketsOf(customers: readonly CustomerPurchases[], kind: BasketKind): string[][] {
  return kind === 'customer'
    ? customers.map((customer) => customer.orders.flatMap((order) => order.items))
    : customers.flatMap((customer) => customer.orders.map((order) => [...order.items]));
}

export interface CrossSellModel {
  readonly basket: BasketKind;
  /** Non-empty baskets the rules were mined from. */
  readonly baskets: number;
  /** Customers with at least one item: the population of the sequence patterns. */
  readonly customers: number;
  /** Rules at minSupport and minConfidence, strongest first. */
  readonly rules: readonly AssociationRule[];
  /** Sequence patterns at minSequenceSupport, strongest first. */
  readonly sequences: readonly SequencePattern[];
}

/** Mines the rules (over the chosen baskets) and the sequence patterns (over each customer's purchase days). */
export function mineCrossSell(
  customers: readonly CustomerPurchases[],
  rules: CrossSellRules,
  basket: BasketKind,
): CrossSellModel {
  const itemsets = mineItemsets(basketsOf(customers, basket), {
    minSupport: rules.minSupport,
    maxSize: rules.maxItemsetSize,
  });
  const histories: PurchaseDays[] = customers.map((customer) => purchaseDays(customer.orders));
  const sequences = mineSequences(histories, {
    minSupport: rules.minSequenceSupport,
    maxLength: rules.maxItemsetSize,
  });
  return {
    basket,
    baskets: itemsets.baskets,
    customers: sequences.customers,
    rules: associationRules(itemsets, rules.minConfidence),
    sequences: sequences.patterns,
  };
}
