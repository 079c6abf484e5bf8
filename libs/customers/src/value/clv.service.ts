import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import type { DataSource, EntityManager } from 'typeorm';
import type { CrmRules } from '../domain/rules/crm-rules';
import { fitBgNbd, fitGammaGamma } from '../domain/value-models';
import { analyticsOrdersProjection } from '../projections/analytics-facts/analytics-orders.projection';
import { CRM_RULES } from '../rules/rules.loader';
import { ClvFitEntity } from './clv-fit.entity';
import { type ClvModels, type CustomerValueScore, scoreCustomerValue } from './customer-value-score';
import {
  type CustomerOrders,
  type CustomerValueSummary,
  customerValueSummary,
  type OrderOfDay,
} from './customer-value-summary';

const DAY_MS = 86_400_000;

/** A recorded fit of the BG/NBD and Gamma-Gamma models (a row of clv_fits). */
export interface ClvFit extends ClvModels {
  readonly id: string;
  /**
   * The currency of the fit: its customers are those whose main currency
   * (customer_summary.currency) it is, and it scores only them. Null for fits
   * recorded before currencies were kept apart (no longer used).
   */
  readonly currency: string | null;
  readonly fittedAt: string;
  /** The last UTC day of the calibration period (inclusive), YYYY-MM-DD. */
  readonly calibrationEnd: string;
  /** The store's head checkpoint when the fit started (null for an empty store). */
  readonly storeCheckpoint: string | null;
  /** The analytics_orders projection's checkpoint in the data fitted: the events the fit saw. */
  readonly ordersCheckpoint: string | null;
  readonly rulesVersion: string;
  /** Customers of the fit's currency who bought up to the calibration end: the BG/NBD population. */
  readonly customers: number;
  /** Those of them with at least one repeat purchase day (x > 0). */
  readonly repeatCustomers: number;
  readonly bgNbdFit: { readonly logLikelihood: number; readonly converged: boolean };
  readonly gammaGammaFit: {
    /** Repeat customers with a positive mean repeat spend: the Gamma-Gamma population. */
    readonly customers: number;
    /** null when no customer could be fitted (then gammaGamma is null too). */
    readonly logLikelihood: number | null;
    readonly converged: boolean | null;
  };
  readonly excluded: {
    /** Repeat customers whose mean repeat spend z̄ is ≤ 0: kept in BG/NBD, left out of Gamma-Gamma. */
    readonly repeatCustomersWithoutSpend: number;
    /** Customers whose first purchase in their main currency is after the calibration end. */
    readonly firstPurchaseAfterEnd: number;
    /** Orders of the fit's customers up to the calibration end in another currency than their main one. */
    readonly ordersInOtherCurrencies: number;
  };
  readonly durationsMs: { readonly load: number; readonly bgNbdFit: number; readonly gammaGammaFit: number };
}

/** A customer's score as of a day, with the summary it was computed from. */
export interface ScoredCustomer extends CustomerValueScore {
  readonly customerId: string;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly zbar: number | null;
}

/** Why a fit cannot be made. */
export class ClvFitError extends Error {
  readonly code = 'CLV_NOTHING_TO_FIT';
}

type Queryable = Pick<EntityManager, 'query'>;

/** YYYY-MM-DD of a UTC day number. */
export function isoDayOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day number of an instant. */
export function utcDayNumber(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('not a valid instant');
  return Math.floor(ms / DAY_MS);
}

/**
 * Every order of the chosen customers (all when `customerIds` is null) in
 * their main currency (customer_summary.currency), up to `upToDay`
 * inclusive (all when null), with each of its refunds and the refund's own
 * day, read in one statement and grouped by customer (ascending id), each
 * customer's orders in day then order id order.
 */
export async function loadCustomerOrders(
  db: Queryable,
  upToDay: number | null,
  customerIds: readonly string[] | null,
  currency: string | null = null,
): Promise<CustomerOrders[]> {
  // Flat rows in one sort: cheaper than one ordered array_agg per column. Each refund comes with its own day (the
  // list is read only for refunded orders).
  const rows: Array<{
    customer_id: string;
    day: number;
    gross: string | number;
    refunds: Array<{ day: string; amountMinor: number }> | null;
  }> = await db.query(
    `SELECT o.customer_id, o.day - DATE '1970-01-01' AS day, o.gross_minor AS gross,
            CASE WHEN o.refunds_minor <> 0 THEN o.refunds END AS refunds
       FROM analytics_orders o
       JOIN customer_summary s ON s.customer_id = o.customer_id AND s.currency = o.currency
      WHERE ($1::integer IS NULL OR o.day <= DATE '1970-01-01' + $1::integer)
        AND ($2::text[] IS NULL OR o.customer_id = ANY ($2::text[]))
        AND ($3::text IS NULL OR s.currency = $3::text)
      ORDER BY o.customer_id, o.day, o.order_id`,
    [upToDay, customerIds === null ? null : [...customerIds], currency],
  );
  const customers: { customerId: string; orders: OrderOfDay[] }[] = [];
  let current: { customerId: string; orders: OrderOfDay[] } | undefined;
  for (const row of rows) {
    if (current?.customerId !== row.customer_id) {
      current = { customerId: row.customer_id, orders: [] };
      customers.push(current);
    }
    current.orders.push({
      day: Number(row.day),
      grossMinor: Number(row.gross),
      refunds: (row.refunds ?? []).map((refund) => ({
        day: Date.parse(`${refund.day}T00:00:00Z`) / DAY_MS,
        amountMinor: Number(refund.amountMinor),
      })),
    });
  }
  return customers;
}

/** The main currency (customer_summary.currency) of the most customers who bought up to `endDay`; null for none. */
async function mainCurrencyOfBuyers(db: Queryable, endDay: number): Promise<string | null> {
  const [row]: Array<{ currency: string }> = await db.query(
    `SELECT s.currency FROM customer_summary s
      WHERE s.currency IS NOT NULL
        AND EXISTS (SELECT 1 FROM unnest(s.purchase_days) AS p(d) WHERE p.d <= $1::integer)
      GROUP BY s.currency ORDER BY count(*) DESC, s.currency LIMIT 1`,
    [endDay],
  );
  return row?.currency ?? null;
}

/** The summaries of customers' orders as of `endDay` (customers without an order up to it left out). */
function summariesAsOf(customers: readonly CustomerOrders[], endDay: number): CustomerValueSummary[] {
  const summaries: CustomerValueSummary[] = [];
  for (const customer of customers) {
    const summary = customerValueSummary(customer, endDay);
    if (summary !== null) summaries.push(summary);
  }
  return summaries;
}

function fitOf(row: ClvFitEntity): ClvFit {
  const { p, q, gamma } = row;
  return {
    id: row.id,
    currency: row.currency,
    fittedAt: row.fittedAt.toISOString(),
    calibrationEnd: row.calibrationEnd,
    storeCheckpoint: row.storeCheckpoint,
    ordersCheckpoint: row.ordersCheckpoint,
    rulesVersion: row.rulesVersion,
    customers: row.customers,
    repeatCustomers: row.repeatCustomers,
    bgNbd: { r: row.r, alpha: row.alpha, a: row.a, b: row.b },
    bgNbdFit: { logLikelihood: row.bgnbdLogLikelihood, converged: row.bgnbdConverged },
    gammaGamma: p === null || q === null || gamma === null ? null : { p, q, gamma },
    gammaGammaFit: {
      customers: row.ggCustomers,
      logLikelihood: row.ggLogLikelihood,
      converged: row.ggConverged,
    },
    excluded: {
      repeatCustomersWithoutSpend: row.excludedNoRepeatSpend,
      firstPurchaseAfterEnd: row.excludedFirstAfterEnd,
      ordersInOtherCurrencies: row.excludedOtherCurrency,
    },
    durationsMs: { load: row.loadMs, bgNbdFit: row.bgnbdFitMs, gammaGammaFit: row.ggFitMs },
  };
}

/**
 * Customer lifetime value (docs/read-models.md, "Customer lifetime value"):
 * fits the BG/NBD and Gamma-Gamma models on the purchases the analytics
 * read model holds, records each fit, and scores customers with a fit.
 */
@Injectable()
export class ClvService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
  ) {}

  /**
   * Fits both models on the purchases, up to the UTC day of `calibrationEnd`
   * (inclusive), of the customers whose main currency is `currency` (default:
   * the currency with the most such buyers), and records the fit: amounts in
   * different currencies are never fitted together. The orders are read in
   * one REPEATABLE READ snapshot with the analytics_orders checkpoint they
   * reflect; throws ClvFitError when no customer bought by then.
   */
  async fit(calibrationEnd: Date, options: { now?: Date; id?: string; currency?: string } = {}): Promise<ClvFit> {
    const endDay = utcDayNumber(calibrationEnd);
    const id = options.id ?? randomUUID();
    const storeCheckpoint = await this.store.headCheckpoint();
    const loadStarted = performance.now();
    const { orders, ordersCheckpoint, otherCurrency, currency } = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (manager) => {
        const [checkpoint]: Array<{ checkpoint: string | null }> = await manager.query(
          'SELECT checkpoint FROM projection_checkpoints WHERE name = $1',
          [analyticsOrdersProjection.name],
        );
        const chosen = options.currency ?? (await mainCurrencyOfBuyers(manager, endDay));
        const [other]: Array<{ n: number }> = await manager.query(
          `SELECT count(*)::integer AS n
             FROM analytics_orders o JOIN customer_summary s ON s.customer_id = o.customer_id
            WHERE o.currency IS DISTINCT FROM s.currency AND s.currency = $2
              AND o.day <= DATE '1970-01-01' + $1::integer`,
          [endDay, chosen],
        );
        return {
          orders: chosen === null ? [] : await loadCustomerOrders(manager, null, null, chosen),
          ordersCheckpoint: checkpoint?.checkpoint ?? null,
          otherCurrency: other?.n ?? 0,
          currency: chosen,
        };
      },
    );
    const summaries = summariesAsOf(orders, endDay);
    const loadMs = performance.now() - loadStarted;
    if (summaries.length === 0) {
      throw new ClvFitError(
        `no customer${currency === null ? '' : ` buying in ${currency}`} bought up to ${isoDayOf(endDay)}: nothing to fit`,
      );
    }
    const bgStarted = performance.now();
    const bg = fitBgNbd(summaries);
    const bgMs = performance.now() - bgStarted;
    const repeat = summaries.filter((s) => s.x > 0);
    // z̄ ≤ 0 (repeat purchases of no value): no information on the spend distribution, and the model's density is
    // not defined there. Those customers stay in BG/NBD and are scored with the population's mean spend pulled
    // towards their own 0; the fit leaves them out and counts them.
    const spending = repeat.flatMap((s) => (s.zbar !== null && s.zbar > 0 ? [{ x: s.x, zbar: s.zbar }] : []));
    const ggStarted = performance.now();
    const gg = spending.length > 0 ? fitGammaGamma(spending) : null;
    const ggMs = gg === null ? 0 : performance.now() - ggStarted;
    const row: ClvFitEntity = {
      id,
      currency,
      fittedAt: options.now ?? new Date(),
      calibrationEnd: isoDayOf(endDay),
      storeCheckpoint,
      ordersCheckpoint,
      rulesVersion: this.rules.version,
      customers: summaries.length,
      repeatCustomers: repeat.length,
      ...bg.parameters,
      bgnbdLogLikelihood: bg.logLikelihood,
      bgnbdConverged: bg.converged,
      ggCustomers: spending.length,
      p: gg?.parameters.p ?? null,
      q: gg?.parameters.q ?? null,
      gamma: gg?.parameters.gamma ?? null,
      ggLogLikelihood: gg?.logLikelihood ?? null,
      ggConverged: gg?.converged ?? null,
      excludedNoRepeatSpend: repeat.length - spending.length,
      excludedFirstAfterEnd: orders.length - summaries.length,
      excludedOtherCurrency: otherCurrency,
      loadMs: Math.round(loadMs),
      bgnbdFitMs: Math.round(bgMs),
      ggFitMs: Math.round(ggMs),
    };
    await this.dataSource.manager.insert(ClvFitEntity, row);
    return fitOf(row);
  }

  /** The recorded fits, newest first. */
  async listFits(limit = 20): Promise<ClvFit[]> {
    const rows = await this.dataSource.manager.find(ClvFitEntity, {
      order: { fittedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map(fitOf);
  }

  /** The newest fit (of `currency`, when given), or null before the first. */
  async latestFit(currency?: string, manager?: EntityManager): Promise<ClvFit | null> {
    if (currency === undefined) return (await this.listFits(1))[0] ?? null;
    const row = await (manager ?? this.dataSource.manager).findOne(ClvFitEntity, {
      where: { currency },
      order: { fittedAt: 'DESC', id: 'DESC' },
    });
    return row ? fitOf(row) : null;
  }

  /**
   * The purchase summaries (x, t_x, T, z̄) of the chosen customers (all when
   * omitted) as of the UTC day `endDay`, inclusive, from what had happened by
   * then: orders dated up to it, less their refunds dated up to it. The
   * summaries a fit calibrated to that day fits, and a score as of it
   * scores; customers without an order up to it are left out; ordered by
   * customer id.
   */
  async summaries(
    endDay: number,
    customerIds?: readonly string[],
    manager?: EntityManager,
    currency: string | null = null,
  ): Promise<CustomerValueSummary[]> {
    if (!Number.isInteger(endDay)) throw new RangeError(`endDay must be a whole UTC day number, got ${endDay}`);
    if (customerIds !== undefined && customerIds.length === 0) return [];
    return summariesAsOf(
      await loadCustomerOrders(manager ?? this.dataSource, endDay, customerIds ?? null, currency),
      endDay,
    );
  }

  /**
   * Scores customers with a fit as of a UTC day: each customer's summary is
   * computed from their purchases up to `asOfDay` inclusive (T measured to
   * it), then P(alive), the purchases expected in the next 12 months, the
   * expected spend per purchase and the predicted value over the rules'
   * horizon (`clv.horizonMonths`, `clv.monthlyDiscountRate`). All customers
   * when `customerIds` is omitted; the orders of all of them are read in one
   * statement (pass `manager` to read inside a caller's transaction).
   * Customers without a purchase up to `asOfDay` are left out; the answer is
   * ordered by customer id.
   */
  async scoreCustomers(
    fit: ClvModels & { readonly currency?: string | null },
    asOfDay: number,
    customerIds?: readonly string[],
    manager?: EntityManager,
  ): Promise<ScoredCustomer[]> {
    if (!Number.isInteger(asOfDay)) throw new RangeError(`asOfDay must be a whole UTC day number, got ${asOfDay}`);
    // A fit of a currency scores only the customers whose main currency it is.
    const summaries = await this.summaries(asOfDay, customerIds, manager, fit.currency ?? null);
    const scored: ScoredCustomer[] = [];
    // Customers with the same summary get the same score (one-time buyers of one day, above all): computed once.
    const scores = new Map<string, CustomerValueScore>();
    for (const summary of summaries) {
      const { customerId, x, tx, T, zbar } = summary;
      const key = `${x}|${tx}|${T}|${zbar}`;
      let score = scores.get(key);
      if (score === undefined) {
        score = scoreCustomerValue(fit, summary, this.rules.clv);
        scores.set(key, score);
      }
      scored.push({ customerId, x, tx, T, zbar, ...score });
    }
    return scored;
  }
}
