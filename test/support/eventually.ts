/**
 * Polls `probe` until it stops throwing (typically because its expectations
 * hold) or the timeout passes; then rethrows the last failure. For results
 * that arrive asynchronously, such as projections: never sleep in tests.
 */
export async function expectEventually<T>(
  probe: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
