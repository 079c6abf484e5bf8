import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One survey answer's scores at its business day. Region and account
 * manager are attributed as of its business time by the
 * `analytics_survey_facts` view.
 */
export interface AnalyticsSurveyRow {
  /** `<customerId>|<surveyId>`. */
  key: string;
  customerId: string;
  surveyId: string;
  occurredAt: Date;
  /** UTC date of the business time, YYYY-MM-DD. */
  day: string;
  /** 1–5. */
  csat: number | null;
  /** 0–10. */
  nps: number | null;
  /** 1–7. */
  ces: number | null;
  revision: number;
  lastCheckpoint: string;
}

@Entity({ name: 'analytics_surveys' })
@Index('analytics_surveys_by_day', ['day'])
export class AnalyticsSurveyEntity implements AnalyticsSurveyRow {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'survey_id', type: 'text' })
  surveyId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'date' })
  day!: string;

  @Column({ type: 'smallint', nullable: true })
  csat!: number | null;

  @Column({ type: 'smallint', nullable: true })
  nps!: number | null;

  @Column({ type: 'smallint', nullable: true })
  ces!: number | null;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'last_checkpoint', type: 'text' })
  lastCheckpoint!: string;
}
