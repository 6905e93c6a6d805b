// Preloaded by bench/cold-start.js (node --import): at exit, appends the CPU ms of the process's main
// thread and of all its threads (Linux /proc/self/task/*/schedstat) to $SKILLWALL_BENCH_THREAD_CPU.
// V8 compiles the shell parser's WebAssembly on background threads while the main thread loads
// the CLI: the main thread's CPU is what a free core leaves on the wall clock.
import fs from "node:fs";

process.on("exit", () => {
  const out = process.env.SKILLWALL_BENCH_THREAD_CPU;
  if (!out) return;
  const ms = (tid) => Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  try {
    let all = 0;
    for (const tid of fs.readdirSync("/proc/self/task")) {
      try {
        all += ms(tid);
      } catch {
        // a thread that ended meanwhile
      }
    }
    fs.appendFileSync(out, `${ms(process.pid).toFixed(1)} ${all.toFixed(1)}\n`);
  } catch {
    // no /proc (not Linux): the bench prints no thread figures
  }
});
