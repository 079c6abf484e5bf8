import type { CommandRoute } from '../../http/command-route';
import { RefundPurchaseRequest } from './refund-purchase.request';

export const refundPurchaseRoute: CommandRoute<RefundPurchaseRequest> = {
  operationId: 'refundPurchase',
  method: 'POST',
  path: ':customerId/purchases/:orderId/refunds',
  request: RefundPurchaseRequest,
  summary: 'Refund (part of) a recorded order, in the order’s currency.',
  successStatus: 201,
  toCommand: (body, params, tools) => ({
    type: 'RefundPurchase',
    data: {
      refundId: body.refundId ?? tools.derivedId('refund'),
      orderId: params.orderId!,
      amountMinor: body.amountMinor,
      reason: body.reason,
      occurredAt: tools.occurredAt,
    },
  }),
  createdIds: (command) => (command.type === 'RefundPurchase' ? { refundId: command.data.refundId } : {}),
};
