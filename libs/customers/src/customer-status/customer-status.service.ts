import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@crm/platform/tokens';
import { In, type DataSource } from 'typeorm';
import { epochDay, lifecycleHistory } from '../domain/lifecycle';
import type { CrmRules } from '../domain/rules/crm-rules';
import { CustomerSummaryEntity } from '../projections/customer-summary/customer-summary.entity';
import { CRM_RULES } from '../rules/rules.loader';
import { CustomerSegmentEntity } from '../segmentation/customer-segment.entity';
import { SegmentationRunEntity } from '../segmentation/segmentation-run.entity';
import type { AbcClass, PyramidTier } from '../segmentation/segmentation.service';
import {
  evaluateCustomerStatus,
  lifecycleFactsOf,
  type CustomerStatus,
  type RunScores,
  type ValueQuadrant,
} from './customer-status';
import { LifecycleStageHistoryEntity } from './lifecycle-stage-history.entity';

/** Customers evaluated per statement. */
const BATCH = 2_000;

/**
 * Which customers' status is due: no status yet, or one evaluated for an
 * older summary revision, another UTC day, other rules or another
 * segmentation run. $1 today, $2 rules version, $3 latest run id, $4 limit.
 */
const DUE = `
  SELECT s.customer_id
    FROM customer_summary s
    LEFT JOIN customer_status st ON st.customer_id = s.customer_id
   WHERE st.customer_id IS NULL
      OR st.summary_revision <> s.revision
      OR st.evaluated_day <> $1
      OR st.rules_version <> $2
      OR st.segmentation_run_id IS DISTINCT FROM $3
   LIMIT $4`;

const UPSERT = `
  INSERT INTO customer_status AS st
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    customer_id text, summary_revision integer, evaluated_day integer, evaluated_at timestamptz,
    rules_version text, segmentation_run_id text, stage text, stage_since timestamptz, stage_reason text,
    loyalty_score smallint, loyalty_tier text, churn_risk boolean, churn_signals text[], churn_reasons text[],
    current_value_minor bigint, rfm_segment text, abc_class text, pyramid_tier text, value_quadrant text,
    probability_alive double precision, predicted_value_minor bigint, segment text)
  ON CONFLICT (customer_id) DO UPDATE SET
    summary_revision = EXCLUDED.summary_revision, evaluated_day = EXCLUDED.evaluated_day,
    evaluated_at = EXCLUDED.evaluated_at, rules_version = EXCLUDED.rules_version,
    segmentation_run_id = EXCLUDED.segmentation_run_id, stage = EXCLUDED.stage,
    stage_since = EXCLUDED.stage_since, stage_reason = EXCLUDED.stage_reason,
    loyalty_score = EXCLUDED.loyalty_score, loyalty_tier = EXCLUDED.loyalty_tier,
    churn_risk = EXCLUDED.churn_risk, churn_signals = EXCLUDED.churn_signals,
    churn_reasons = EXCLUDED.churn_reasons, current_value_minor = EXCLUDED.current_value_minor,
    rfm_segment = EXCLUDED.rfm_segment, abc_class = EXCLUDED.abc_class, pyramid_tier = EXCLUDED.pyramid_tier,
    value_quadrant = EXCLUDED.value_quadrant, probability_alive = EXCLUDED.probability_alive,
    predicted_value_minor = EXCLUDED.predicted_value_minor, segment = EXCLUDED.segment
  WHERE st.summary_revision <= EXCLUDED.summary_revision`;

const INSERT_HISTORY = `
  INSERT INTO lifecycle_stage_history
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    customer_id text, entered_at timestamptz, stage text, left_at timestamptz, reason text,
    evaluated_day integer, rules_version text)`;

function rowOf(status: CustomerStatus): Record<string, unknown> {
  return {
    customer_id: status.customerId,
    summary_revision: status.summaryRevision,
    evaluated_day: status.evaluatedDay,
    evaluated_at: status.evaluatedAt.toISOString(),
    rules_version: status.rulesVersion,
    segmentation_run_id: status.segmentationRunId,
    stage: status.stage,
    stage_since: status.stageSince.toISOString(),
    stage_reason: status.stageReason,
    loyalty_score: status.loyaltyScore,
    loyalty_tier: status.loyaltyTier,
    churn_risk: status.churnRisk,
    churn_signals: status.churnSignals,
    churn_reasons: status.churnReasons,
    current_value_minor: status.currentValueMinor,
    rfm_segment: status.rfmSegment,
    abc_class: status.abcClass,
    pyramid_tier: status.pyramidTier,
    value_quadrant: status.valueQuadrant,
    probability_alive: status.probabilityAlive,
    predicted_value_minor: status.predictedValueMinor,
    segment: status.segment,
  };
}

/** The id of the latest segmentation run, or null. */
/** The latest run that live views read: historical runs (as of an earlier day than they were made) never are. */
export async function latestSegmentationRunId(dataSource: DataSource): Promise<string | null> {
  const [latest] = await dataSource.manager.find(SegmentationRunEntity, {
    select: { id: true },
    where: { historical: false },
    order: { runAt: 'DESC', id: 'DESC' },
    take: 1,
  });
  return latest?.id ?? null;
}

/**
 * Keeps customer_status (docs/read-models.md) equal to an evaluation of every
 * customer as of the current UTC day: the rules read purchases by day, so a
 * status evaluated today for the customer's current summary revision, under
 * the rules and segmentation run in force, is exact until midnight. Lists
 * refresh what is due before reading; a timer keeps it warm.
 */
@Injectable()
export class CustomerStatusService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
  ) {}

  /** Re-evaluates every due customer as of `now`; returns how many were evaluated. */
  async refresh(now: Date = new Date()): Promise<number> {
    const today = epochDay(now.getTime());
    const runId = await latestSegmentationRunId(this.dataSource);
    let evaluated = 0;
    for (;;) {
      const due: Array<{ customer_id: string }> = await this.dataSource.query(DUE, [
        today,
        this.rules.version,
        runId,
        BATCH,
      ]);
      if (due.length === 0) break;
      const ids = due.map((row) => row.customer_id);
      const rows = await this.dataSource.manager.findBy(CustomerSummaryEntity, { customerId: In(ids) });
      const scores = runId ? await this.scoresOf(runId, ids) : new Map<string, RunScores>();
      const statuses = rows.map((row) =>
        evaluateCustomerStatus(row, scores.get(row.customerId) ?? null, runId, now, this.rules),
      );
      if (statuses.length > 0) {
        const histories = rows.flatMap((row) =>
          lifecycleHistory(lifecycleFactsOf(row), now.getTime(), this.rules.lifecycle).map((segment) => ({
            customer_id: row.customerId,
            entered_at: new Date(segment.enteredAtMs).toISOString(),
            stage: segment.stage,
            left_at: segment.leftAtMs === null ? null : new Date(segment.leftAtMs).toISOString(),
            reason: segment.reason,
            evaluated_day: today,
            rules_version: this.rules.version,
          })),
        );
        // A customer's status and stage history change together.
        await this.dataSource.transaction(async (manager) => {
          await manager.query(UPSERT, [JSON.stringify(statuses.map(rowOf))]);
          await manager.delete(LifecycleStageHistoryEntity, { customerId: In(rows.map((row) => row.customerId)) });
          await manager.query(INSERT_HISTORY, [JSON.stringify(histories)]);
        });
      }
      evaluated += statuses.length;
      if (due.length < BATCH) break;
    }
    await this.dataSource.query(
      `DELETE FROM customer_status st
        WHERE NOT EXISTS (SELECT 1 FROM customer_summary s WHERE s.customer_id = st.customer_id)`,
    );
    await this.dataSource.query(
      `DELETE FROM lifecycle_stage_history h
        WHERE NOT EXISTS (SELECT 1 FROM customer_summary s WHERE s.customer_id = h.customer_id)`,
    );
    return evaluated;
  }

  private async scoresOf(runId: string, customerIds: readonly string[]): Promise<Map<string, RunScores>> {
    const rows = await this.dataSource.manager.find(CustomerSegmentEntity, {
      select: {
        customerId: true,
        rfmSegment: true,
        abcClass: true,
        pyramidTier: true,
        valueQuadrant: true,
        probabilityAlive: true,
        predictedValueMinor: true,
      },
      where: { runId, customerId: In([...customerIds]) },
    });
    return new Map(
      rows.map((row) => [
        row.customerId,
        {
          runId,
          rfmSegment: row.rfmSegment,
          abcClass: row.abcClass as AbcClass,
          pyramidTier: row.pyramidTier as PyramidTier,
          valueQuadrant: row.valueQuadrant as ValueQuadrant | null,
          probabilityAlive: row.probabilityAlive,
          predictedValueMinor: row.predictedValueMinor,
        },
      ]),
    );
  }
}
