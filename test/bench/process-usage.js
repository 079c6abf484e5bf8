'use strict';
/**
 * Preloaded into a benchmarked process (`node --require …`): on exit, it
 * writes the process's own peak RSS and CPU time to standard error as
 * `process-usage max-rss-kb <n> user-ms <n> system-ms <n>`.
 */
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(
    `process-usage max-rss-kb ${usage.maxRSS} user-ms ${Math.round(usage.userCPUTime / 1000)} ` +
      `system-ms ${Math.round(usage.systemCPUTime / 1000)}\n`,
  );
});
