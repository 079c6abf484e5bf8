import { anyRoute, type AnyCommandRoute } from '../http/command-route';
import { assessComplaintRoute } from './assess-complaint/assess-complaint.route';
import { assignAccountManagerRoute } from './assign-account-manager/assign-account-manager.route';
import { closeComplaintRoute } from './close-complaint/close-complaint.route';
import { fileComplaintRoute } from './file-complaint/file-complaint.route';
import { followUpComplaintRoute } from './follow-up-complaint/follow-up-complaint.route';
import { logContactRoute } from './log-contact/log-contact.route';
import { proposeResolutionRoute } from './propose-resolution/propose-resolution.route';
import { reactivateCustomerRoute } from './reactivate-customer/reactivate-customer.route';
import { recordFeedbackRoute } from './record-feedback/record-feedback.route';
import { recordPurchaseRoute } from './record-purchase/record-purchase.route';
import { recordSurveyRoute } from './record-survey/record-survey.route';
import { refundPurchaseRoute } from './refund-purchase/refund-purchase.route';
import { registerCustomerRoute } from './register-customer/register-customer.route';
import { reopenComplaintRoute } from './reopen-complaint/reopen-complaint.route';
import { resolveComplaintRoute } from './resolve-complaint/resolve-complaint.route';
import { setContactPreferencesRoute } from './set-contact-preferences/set-contact-preferences.route';
import { terminateRelationshipRoute } from './terminate-relationship/terminate-relationship.route';
import { updateCustomerProfileRoute } from './update-customer-profile/update-customer-profile.route';

/** Every customer command the HTTP API accepts (one route each). */
export const COMMAND_ROUTES: readonly AnyCommandRoute[] = [
  anyRoute(registerCustomerRoute),
  anyRoute(updateCustomerProfileRoute),
  anyRoute(assignAccountManagerRoute),
  anyRoute(setContactPreferencesRoute),
  anyRoute(terminateRelationshipRoute),
  anyRoute(reactivateCustomerRoute),
  anyRoute(recordPurchaseRoute),
  anyRoute(refundPurchaseRoute),
  anyRoute(logContactRoute),
  anyRoute(fileComplaintRoute),
  anyRoute(assessComplaintRoute),
  anyRoute(proposeResolutionRoute),
  anyRoute(resolveComplaintRoute),
  anyRoute(followUpComplaintRoute),
  anyRoute(closeComplaintRoute),
  anyRoute(reopenComplaintRoute),
  anyRoute(recordSurveyRoute),
  anyRoute(recordFeedbackRoute),
];
