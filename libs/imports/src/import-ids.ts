/**
 * Deterministic ids: the same file gives the same order ids and command ids
 * on every run, and the write side recognises a command id already in the
 * customer's stream (it appends nothing), so re-running an import appends
 * nothing.
 */

/**
 * `cdnow-<customerId>-<yyyymmdd>-<n>`: n numbers the customer's rows of that
 * day in file order, from 1. CDNOW customer ids are letters and digits only,
 * so the parts never run into each other.
 */
export function cdnowOrderId(customerId: string, yyyymmdd: string, n: number): string {
  return `cdnow-${customerId}-${yyyymmdd}-${n}`;
}

export function cdnowRegisterCommandId(customerId: string): string {
  return `import:cdnow:register:${customerId}`;
}

export function cdnowPurchaseCommandId(orderId: string): string {
  return `import:cdnow:purchase:${orderId}`;
}

// Event ids derive from command ids and are unique across the whole store, so
// two different commands must never share an id. Customer and order ids may
// contain ":" but never "/", hence the "/" between them; and the registration
// prefix differs from the purchases' before the customer id starts.

export function purchasesRegisterCommandId(customerId: string): string {
  return `import:purchases-register:${customerId}`;
}

export function purchasesCommandId(customerId: string, orderId: string): string {
  return `import:purchases:${customerId}/${orderId}`;
}
