import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analytics facts (docs/read-models.md, "Analytics facts"): purchases
 * with their refunds, survey answers, and the history of each customer's
 * region and account manager; and two views that attribute the facts to the
 * region and account manager in force at their business time.
 */
export class AnalyticsFacts1732420000500 implements MigrationInterface {
  name = 'AnalyticsFacts1732420000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics_orders (
        key              text PRIMARY KEY,
        customer_id      text NOT NULL,
        order_id         text NOT NULL,
        occurred_at      timestamptz NOT NULL,
        day              date NOT NULL,
        region           text,
        channel          text NOT NULL,
        currency         text NOT NULL,
        gross_minor      bigint NOT NULL,
        refunds_minor    bigint NOT NULL,
        units            bigint NOT NULL,
        categories       jsonb NOT NULL,
        revision         integer NOT NULL,
        last_checkpoint  text NOT NULL
      )`);
    // Every revenue question is bounded by a day range (and usually one currency).
    await queryRunner.query('CREATE INDEX analytics_orders_by_day ON analytics_orders (day, currency)');
    await queryRunner.query('CREATE INDEX analytics_orders_by_customer ON analytics_orders (customer_id, day)');

    await queryRunner.query(`
      CREATE TABLE analytics_customer_attributes (
        key              text PRIMARY KEY,
        customer_id      text NOT NULL,
        revision         integer NOT NULL,
        attribute        text NOT NULL,
        value            text,
        occurred_at      timestamptz NOT NULL,
        last_checkpoint  text NOT NULL
      )`);
    // The as-of look-up: the latest value of one attribute at or before a business time.
    await queryRunner.query(
      `CREATE INDEX analytics_customer_attributes_as_of
         ON analytics_customer_attributes (customer_id, attribute, occurred_at DESC, revision DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE analytics_surveys (
        key              text PRIMARY KEY,
        customer_id      text NOT NULL,
        survey_id        text NOT NULL,
        occurred_at      timestamptz NOT NULL,
        day              date NOT NULL,
        csat             smallint,
        nps              smallint,
        ces              smallint,
        revision         integer NOT NULL,
        last_checkpoint  text NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX analytics_surveys_by_day ON analytics_surveys (day)');

    // One row per order and product category. Region: the purchase's; else the customer's region in force at the
    // purchase's business time; else (a purchase dated before anything the CRM knew of the customer) the first
    // region recorded. Account manager: the one in force at the purchase's business time. '' where unknown.
    await queryRunner.query(`
      CREATE VIEW analytics_revenue_facts AS
      SELECT o.customer_id,
             o.order_id,
             o.occurred_at,
             o.day,
             o.currency,
             o.channel,
             COALESCE(o.region, r.value, '') AS region,
             COALESCE(m.value, '') AS account_manager_id,
             c.category,
             c."grossMinor" AS gross_minor,
             c."refundsMinor" AS refunds_minor,
             c."grossMinor" - c."refundsMinor" AS net_minor,
             c.units
        FROM analytics_orders o
        CROSS JOIN LATERAL jsonb_to_recordset(o.categories)
             AS c(category text, "grossMinor" bigint, "refundsMinor" bigint, units bigint)
        LEFT JOIN LATERAL (
             SELECT a.value FROM analytics_customer_attributes a
              WHERE a.customer_id = o.customer_id AND a.attribute = 'region'
              ORDER BY (a.occurred_at <= o.occurred_at) DESC,
                       CASE WHEN a.occurred_at <= o.occurred_at THEN a.occurred_at END DESC,
                       a.occurred_at ASC, a.revision DESC
              LIMIT 1) r ON true
        LEFT JOIN LATERAL (
             SELECT a.value FROM analytics_customer_attributes a
              WHERE a.customer_id = o.customer_id AND a.attribute = 'accountManager' AND a.occurred_at <= o.occurred_at
              ORDER BY a.occurred_at DESC, a.revision DESC LIMIT 1) m ON true`);

    // One row per survey answer, with the customer's region and account manager at its business time (the same
    // rules as above).
    await queryRunner.query(`
      CREATE VIEW analytics_survey_facts AS
      SELECT s.customer_id,
             s.survey_id,
             s.occurred_at,
             s.day,
             COALESCE(r.value, '') AS region,
             COALESCE(m.value, '') AS account_manager_id,
             s.csat,
             s.nps,
             s.ces,
             (s.csat >= 4)::int AS csat_satisfied,
             (s.nps >= 9)::int AS nps_promoter,
             (s.nps BETWEEN 7 AND 8)::int AS nps_passive,
             (s.nps <= 6)::int AS nps_detractor
        FROM analytics_surveys s
        LEFT JOIN LATERAL (
             SELECT a.value FROM analytics_customer_attributes a
              WHERE a.customer_id = s.customer_id AND a.attribute = 'region'
              ORDER BY (a.occurred_at <= s.occurred_at) DESC,
                       CASE WHEN a.occurred_at <= s.occurred_at THEN a.occurred_at END DESC,
                       a.occurred_at ASC, a.revision DESC
              LIMIT 1) r ON true
        LEFT JOIN LATERAL (
             SELECT a.value FROM analytics_customer_attributes a
              WHERE a.customer_id = s.customer_id AND a.attribute = 'accountManager' AND a.occurred_at <= s.occurred_at
              ORDER BY a.occurred_at DESC, a.revision DESC LIMIT 1) m ON true`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW analytics_survey_facts');
    await queryRunner.query('DROP VIEW analytics_revenue_facts');
    await queryRunner.query('DROP TABLE analytics_surveys');
    await queryRunner.query('DROP TABLE analytics_customer_attributes');
    await queryRunner.query('DROP TABLE analytics_orders');
  }
}
