// Preloaded into the measured process (`node --import`): prints its peak RSS (workers included) at exit.
process.on("exit", () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nBENCH_MAX_RSS_KB=${usage.maxRSS} BENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
