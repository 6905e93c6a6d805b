// Preloaded by bench/cold-start.js (node --import): at exit, appends the CPU ms of the process's main
// thread and of all its threads (Linux /proc/self/task/*/schedstat), and its page faults, to
// $SKILLWALL_BENCH_THREAD_CPU.
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
    // Minor page faults of the whole process (field 10 of /proc/self/stat): a count that does not
    // depend on the machine's load, and each costs ~10 µs in a VM (measured 12.6 µs on the dev VM).
    const stat = fs.readFileSync("/proc/self/stat", "latin1");
    const faults = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
    fs.appendFileSync(out, `${ms(process.pid).toFixed(1)} ${all.toFixed(1)} ${faults}\n`);
  } catch {
    // no /proc (not Linux): the bench prints no thread figures
  }
});
