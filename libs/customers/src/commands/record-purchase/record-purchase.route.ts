import type { CommandRoute } from '../../http/command-route';
import { RecordPurchaseRequest } from './record-purchase.request';

export const recordPurchaseRoute: CommandRoute<RecordPurchaseRequest> = {
  operationId: 'recordPurchase',
  method: 'POST',
  path: ':customerId/purchases',
  request: RecordPurchaseRequest,
  summary:
    'Record a purchase (money in integer minor units; zero-value purchases are valid; occurredAt may be in the past).',
  successStatus: 201,
  toCommand: (body, _params, tools) => ({
    type: 'RecordPurchase',
    data: {
      orderId: body.orderId,
      currency: body.currency,
      channel: body.channel,
      region: body.region,
      lines: body.lines.map((line) => ({
        sku: line.sku,
        category: line.category,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        discountMinor: line.discountMinor,
      })),
      occurredAt: tools.occurredAt,
    },
  }),
  createdIds: (command) => (command.type === 'RecordPurchase' ? { orderId: command.data.orderId } : {}),
};
