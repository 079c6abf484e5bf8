import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { COMMAND_ROUTES } from './commands/command-routes';
import { commandController } from './http/command-route';
import { CustomerCommandHandler } from './http/customer-command.handler';
import { CustomerSummary1732420000100 } from './migrations/1732420000100-customer-summary';
import { CustomerSummaryAccountManager1732420000200 } from './migrations/1732420000200-customer-summary-account-manager';
import { CustomerTimeline1732420000300 } from './migrations/1732420000300-customer-timeline';
import { Complaints1732420000400 } from './migrations/1732420000400-complaints';
import { CustomerSummaryFacts1732420000600 } from './migrations/1732420000600-customer-summary-facts';
import { AnalyticsFacts1732420000500 } from './migrations/1732420000500-analytics-facts';
import { Segmentation1732420000700 } from './migrations/1732420000700-segmentation';
import { CustomerStatus1732420000800 } from './migrations/1732420000800-customer-status';
import { ClvFits1732420000900 } from './migrations/1732420000900-clv-fits';
import { CustomerStateSnapshots1732420001000 } from './migrations/1732420001000-customer-state-snapshots';
import { SegmentValueScores1732420001100 } from './migrations/1732420001100-segment-value-scores';
import { LifecycleStageHistory1732420001200 } from './migrations/1732420001200-lifecycle-stage-history';
import { AnalyticsOrderRefunds1732420001300 } from './migrations/1732420001300-analytics-order-refunds';
import { CustomerStateSnapshotDigests1732420001340 } from './migrations/1732420001340-customer-state-snapshot-digests';
import { CustomerSummaryRefundOrdersAndProfile1732420001500 } from './migrations/1732420001500-customer-summary-refunds-and-profile';
import { SegmentationCurrencies1732420001510 } from './migrations/1732420001510-segmentation-currencies';
import { ListClvFitsController } from './queries/list-clv-fits/list-clv-fits.controller';
import { ListClvFitsHandler } from './queries/list-clv-fits/list-clv-fits.handler';
import { ClvService } from './value/clv.service';
import { ClvFitEntity } from './value/clv-fit.entity';
import { CustomerStateSnapshotEntity } from './audit/customer-state-snapshot.entity';
import { CustomerStatusEntity } from './customer-status/customer-status.entity';
import { LifecycleStageHistoryEntity } from './customer-status/lifecycle-stage-history.entity';
import { CustomerSegmentEntity } from './segmentation/customer-segment.entity';
import { SegmentationRunEntity } from './segmentation/segmentation-run.entity';
import { CustomerAuditController } from './audit/customer-audit.controller';
import { CustomerAuditService } from './audit/customer-audit.service';
import { CustomerStatusService } from './customer-status/customer-status.service';
import { ChurnAlertsController, ListCustomersController } from './queries/list-customers/list-customers.controller';
import { ListCustomersHandler } from './queries/list-customers/list-customers.handler';
import { AnalyticsSummaryController } from './queries/analytics-summary/analytics-summary.controller';
import { AnalyticsSummaryHandler } from './queries/analytics-summary/analytics-summary.handler';
import { CustomerSummaryEntity } from './projections/customer-summary/customer-summary.entity';
import { customerSummaryProjection } from './projections/customer-summary/customer-summary.projection';
import { CustomerTimelineEntity } from './projections/customer-timeline/customer-timeline.entity';
import { customerTimelineProjection } from './projections/customer-timeline/customer-timeline.projection';
import { ComplaintEntity } from './projections/complaints/complaint.entity';
import { complaintsProjection } from './projections/complaints/complaints.projection';
import { GetCustomerController } from './queries/get-customer/get-customer.controller';
import { GetCustomerHandler } from './queries/get-customer/get-customer.handler';
import { GetCustomerTimelineController } from './queries/get-customer-timeline/get-customer-timeline.controller';
import { GetCustomerTimelineHandler } from './queries/get-customer-timeline/get-customer-timeline.handler';
import { ListComplaintsController } from './queries/list-complaints/list-complaints.controller';
import { ListComplaintsHandler } from './queries/list-complaints/list-complaints.handler';
import { GetCustomerLifecycleHistoryController } from './queries/get-customer-lifecycle-history/get-customer-lifecycle-history.controller';
import { GetCustomerLifecycleHistoryHandler } from './queries/get-customer-lifecycle-history/get-customer-lifecycle-history.handler';
import { crmRulesProvider } from './rules/rules.loader';
import { SegmentationService } from './segmentation/segmentation.service';
import { AnalyticsCustomerAttributeEntity } from './projections/analytics-facts/analytics-customer-attribute.entity';
import { analyticsCustomerAttributesProjection } from './projections/analytics-facts/analytics-customer-attributes.projection';
import { AnalyticsOrderEntity } from './projections/analytics-facts/analytics-order.entity';
import { analyticsOrdersProjection } from './projections/analytics-facts/analytics-orders.projection';
import { AnalyticsSurveyEntity } from './projections/analytics-facts/analytics-survey.entity';
import { analyticsSurveysProjection } from './projections/analytics-facts/analytics-surveys.projection';
import { RevenueAnalyticsController } from './queries/revenue-analytics/revenue-analytics.controller';
import { RevenueAnalyticsHandler } from './queries/revenue-analytics/revenue-analytics.handler';
import { CrossSellService } from './cross-sell/cross-sell.service';
import { ReadYourWrites } from './queries/await-read-model';
import { ListAssociationRulesController } from './queries/list-association-rules/list-association-rules.controller';
import { ListAssociationRulesHandler } from './queries/list-association-rules/list-association-rules.handler';
import { GetCustomerRecommendationsController } from './queries/get-customer-recommendations/get-customer-recommendations.controller';
import { GetCustomerRecommendationsHandler } from './queries/get-customer-recommendations/get-customer-recommendations.handler';

/**
 * The customer context's read-model tables and migrations, for the platform's
 * data source: an entity for every table the migrations create, those the
 * projector folds and those written beside it (statuses, segmentation runs,
 * lifetime-value fits, state snapshots).
 */
export const customersReadModel = {
  entities: [
    CustomerSummaryEntity,
    CustomerTimelineEntity,
    ComplaintEntity,
    AnalyticsOrderEntity,
    AnalyticsCustomerAttributeEntity,
    AnalyticsSurveyEntity,
    SegmentationRunEntity,
    CustomerSegmentEntity,
    CustomerStatusEntity,
    ClvFitEntity,
    CustomerStateSnapshotEntity,
    LifecycleStageHistoryEntity,
  ],
  migrations: [
    CustomerSummary1732420000100,
    CustomerSummaryAccountManager1732420000200,
    CustomerTimeline1732420000300,
    Complaints1732420000400,
    AnalyticsFacts1732420000500,
    CustomerSummaryFacts1732420000600,
    Segmentation1732420000700,
    CustomerStatus1732420000800,
    ClvFits1732420000900,
    CustomerStateSnapshots1732420001000,
    SegmentValueScores1732420001100,
    LifecycleStageHistory1732420001200,
    AnalyticsOrderRefunds1732420001300,
    CustomerStateSnapshotDigests1732420001340,
    CustomerSummaryRefundOrdersAndProfile1732420001500,
    SegmentationCurrencies1732420001510,
  ],
  projections: [
    customerSummaryProjection,
    customerTimelineProjection,
    complaintsProjection,
    analyticsOrdersProjection,
    analyticsCustomerAttributesProjection,
    analyticsSurveysProjection,
  ],
};

@Module({
  imports: [CqrsModule],
  controllers: [
    ...COMMAND_ROUTES.map((route) => commandController(route)),
    ListCustomersController,
    ChurnAlertsController,
    AnalyticsSummaryController,
    CustomerAuditController,
    GetCustomerController,
    GetCustomerTimelineController,
    ListComplaintsController,
    RevenueAnalyticsController,
    GetCustomerLifecycleHistoryController,
    ListClvFitsController,
    ListAssociationRulesController,
    GetCustomerRecommendationsController,
  ],
  providers: [
    CustomerCommandHandler,
    GetCustomerHandler,
    ListCustomersHandler,
    AnalyticsSummaryHandler,
    CustomerAuditService,
    GetCustomerTimelineHandler,
    ListComplaintsHandler,
    RevenueAnalyticsHandler,
    GetCustomerLifecycleHistoryHandler,
    crmRulesProvider,
    SegmentationService,
    CustomerStatusService,
    ClvService,
    ListClvFitsHandler,
    CrossSellService,
    ListAssociationRulesHandler,
    GetCustomerRecommendationsHandler,
    ReadYourWrites,
  ],
  exports: [crmRulesProvider, SegmentationService, ClvService],
})
export class CustomersModule {}
