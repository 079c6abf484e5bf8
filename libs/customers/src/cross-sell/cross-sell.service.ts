import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import type { ProjectionSource } from '@crm/projections';
import type { DataSource, EntityManager } from 'typeorm';
import {
  compareText,
  mineCrossSell,
  purchaseDays,
  recommend,
  type BasketKind,
  type CrossSellModel,
  type CrossSellRules,
  type CustomerPurchases,
  type Recommendation,
} from '../domain/cross-sell';
import type { CrmRules } from '../domain/rules/crm-rules';
import { analyticsOrdersProjection } from '../projections/analytics-facts/analytics-orders.projection';
import { customerTimelineProjection } from '../projections/customer-timeline/customer-timeline.projection';
import { CRM_RULES } from '../rules/rules.loader';

/** What an item is: a product category, or a SKU. */
export const CROSS_SELL_LEVELS = ['category', 'sku'] as const;
export type CrossSellLevel = (typeof CROSS_SELL_LEVELS)[number];

/** Reasons listed per recommended item. */
const MAX_REASONS = 5;
/** Mined models kept per read-model checkpoint (one per level, basket and thresholds asked for). */
const MODELS_KEPT = 16;

/** The read models each level reads: categories come with the order; SKUs from the purchase's lines. */
const SOURCES: Readonly<Record<CrossSellLevel, readonly ProjectionSource[]>> = {
  category: [analyticsOrdersProjection],
  sku: [analyticsOrdersProjection, customerTimelineProjection],
};

/** The read models mining at this level reads (what `minCheckpoint` waits for). */
export function crossSellReadModels(level: CrossSellLevel): readonly ProjectionSource[] {
  return SOURCES[level];
}

/**
 * One row per counted order with its items. Fully refunded orders (refunds
 * reaching a positive gross) are left out: what was returned was not kept.
 * SKUs come from the PurchaseRecorded row of the customer's timeline.
 */
const ORDERS_SQL: Readonly<Record<CrossSellLevel, string>> = {
  category: `
    SELECT o.customer_id AS "customerId", o.day::text AS "day",
           ARRAY(SELECT DISTINCT c->>'category' FROM jsonb_array_elements(o.categories) c) AS "items"
      FROM analytics_orders o
     WHERE NOT (o.gross_minor > 0 AND o.refunds_minor >= o.gross_minor)`,
  sku: `
    SELECT o.customer_id AS "customerId", o.day::text AS "day", coalesce(s.skus, '{}') AS "items"
      FROM analytics_orders o
      LEFT JOIN (
           SELECT t.customer_id, t.data->>'orderId' AS order_id, array_agg(DISTINCT l->>'sku') AS skus
             FROM customer_timeline t
            CROSS JOIN LATERAL jsonb_array_elements(t.data->'lines') l
            WHERE t.event_type = 'PurchaseRecorded'
            GROUP BY 1, 2) s ON s.customer_id = o.customer_id AND s.order_id = o.order_id
     WHERE NOT (o.gross_minor > 0 AND o.refunds_minor >= o.gross_minor)`,
};

interface Purchases {
  /** The read models' checkpoints the purchases reflect, joined: the cache key. */
  readonly checkpoint: string;
  readonly byCustomer: ReadonlyMap<string, CustomerPurchases>;
}

export interface CrossSellRun {
  readonly level: CrossSellLevel;
  readonly rules: CrossSellRules;
  /** The read models' checkpoints, by projection name (null before their first event). */
  readonly checkpoints: Readonly<Record<string, string | null>>;
  readonly model: CrossSellModel;
}

export interface CustomerRecommendations extends CrossSellRun {
  /** The items the customer bought (at the level), sorted. */
  readonly bought: readonly string[];
  readonly items: readonly Recommendation[];
}

/**
 * Cross-selling (docs/read-models.md, "Cross-selling"): reads every counted
 * order's items from the analytics read models in one query, mines the
 * association rules and sequence patterns on demand, and keeps the results
 * while the read models stay at the same checkpoint.
 */
@Injectable()
export class CrossSellService {
  private readonly purchases = new Map<CrossSellLevel, Purchases>();
  private readonly models = new Map<string, CrossSellModel>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CRM_RULES) private readonly crmRules: CrmRules,
  ) {}

  /** The rules in force' thresholds with the query's own over them. */
  thresholds(overrides: Partial<CrossSellRules>): CrossSellRules {
    const defined = Object.entries(overrides).filter(([, value]) => value !== undefined);
    return { ...this.crmRules.crossSell, ...Object.fromEntries(defined) };
  }

  get rulesVersion(): string {
    return this.crmRules.version;
  }

  /** Rules and sequence patterns of the population at the level. */
  async mine(level: CrossSellLevel, basket: BasketKind, rules: CrossSellRules): Promise<CrossSellRun> {
    return (await this.mineWithPurchases(level, basket, rules)).run;
  }

  /**
   * What to offer one customer: rules mined over customer baskets, patterns
   * over their purchase days (see recommend for the score). The caller
   * checks that the customer exists.
   */
  async recommend(
    customerId: string,
    level: CrossSellLevel,
    rules: CrossSellRules,
    limit: number,
  ): Promise<CustomerRecommendations> {
    const { run, purchases } = await this.mineWithPurchases(level, 'customer', rules);
    const orders = purchases.byCustomer.get(customerId)?.orders ?? [];
    const days = purchaseDays(orders);
    return {
      ...run,
      bought: [...new Set(days.flat())].sort(compareText),
      items: recommend(days, run.model.rules, run.model.sequences, { limit, maxReasons: MAX_REASONS }),
    };
  }

  private async mineWithPurchases(
    level: CrossSellLevel,
    basket: BasketKind,
    rules: CrossSellRules,
  ): Promise<{ run: CrossSellRun; purchases: Purchases }> {
    const { purchases, checkpoints } = await this.load(level);
    const key = JSON.stringify([level, basket, rules, purchases.checkpoint]);
    let model = this.models.get(key);
    if (!model) {
      model = mineCrossSell([...purchases.byCustomer.values()], rules, basket);
      if (this.models.size >= MODELS_KEPT) this.models.delete(this.models.keys().next().value!);
      this.models.set(key, model);
    }
    return { run: { level, rules, checkpoints, model }, purchases };
  }

  /** The level's purchases, read again only when a read model has moved since the last read. */
  private async load(
    level: CrossSellLevel,
  ): Promise<{ purchases: Purchases; checkpoints: Record<string, string | null> }> {
    const names = SOURCES[level].map((source) => source.name);
    const readCheckpoints = async (runner: Pick<EntityManager, 'query'>): Promise<Record<string, string | null>> => {
      const rows: Array<{ name: string; checkpoint: string | null }> = await runner.query(
        'SELECT name, checkpoint FROM projection_checkpoints WHERE name = ANY($1)',
        [names],
      );
      return Object.fromEntries(names.map((name) => [name, rows.find((row) => row.name === name)?.checkpoint ?? null]));
    };
    const cached = this.purchases.get(level);
    const now = await readCheckpoints(this.dataSource.manager);
    if (cached && cached.checkpoint === JSON.stringify(now)) return { purchases: cached, checkpoints: now };

    // The rows and the checkpoints they reflect, in one snapshot.
    const { rows, checkpoints } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const checkpoints = await readCheckpoints(manager);
      const rows: Array<{ customerId: string; day: string; items: string[] }> = await manager.query(ORDERS_SQL[level]);
      return { rows, checkpoints };
    });
    const byCustomer = new Map<string, { customerId: string; orders: Array<{ day: string; items: string[] }> }>();
    for (const row of rows) {
      const customer = byCustomer.get(row.customerId) ?? { customerId: row.customerId, orders: [] };
      customer.orders.push({ day: row.day, items: row.items });
      byCustomer.set(row.customerId, customer);
    }
    const purchases: Purchases = { checkpoint: JSON.stringify(checkpoints), byCustomer };
    this.purchases.set(level, purchases);
    return { purchases, checkpoints };
  }
}
