// The seccomp profile as data: deny by default, the dangerous syscalls never allowed, no
// duplicates, the shape Docker accepts. (test/integration/sandbox-*.test.ts checks its effect.)

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { allowedSyscalls, loadSeccompProfile, type SeccompProfile } from "../../src/run/seccomp.js";

const raw = readFileSync(fileURLToPath(new URL("../../seccomp/step.json", import.meta.url)), "utf8");
const profile = JSON.parse(raw) as SeccompProfile;

const mustDeny = [
  "ptrace",
  "keyctl",
  "add_key",
  "request_key",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
  "mount",
  "umount2",
  "pivot_root",
  "unshare",
  "setns",
  "kexec_load",
  "kexec_file_load",
  "init_module",
  "finit_module",
  "delete_module",
  "open_by_handle_at",
  "name_to_handle_at",
  "process_vm_readv",
  "process_vm_writev",
  "chroot",
  "fsopen",
  "fsmount",
  "move_mount",
  "open_tree",
  "swapon",
  "reboot",
  "syslog",
  "acct",
  "iopl",
  "ioperm",
  "quotactl",
  "lookup_dcookie",
  "kcmp",
  "settimeofday",
  "clock_settime",
  "sethostname",
  "setdomainname",
];

describe("seccomp/step.json", () => {
  it("denies by default with EPERM", () => {
    expect(profile.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(profile.defaultErrnoRet).toBe(1);
  });

  it("never allows a dangerous syscall, with or without argument conditions", () => {
    const everAllowed = new Set(
      profile.syscalls.filter((r) => r.action === "SCMP_ACT_ALLOW").flatMap((r) => r.names),
    );
    for (const name of mustDeny) expect(everAllowed.has(name), name).toBe(false);
  });

  it("names every dangerous syscall in an explicit deny or kill rule", () => {
    const denied = new Set(
      profile.syscalls.filter((r) => r.action !== "SCMP_ACT_ALLOW").flatMap((r) => r.names),
    );
    for (const name of mustDeny) expect(denied.has(name), name).toBe(true);
  });

  it("has no syscall in two unconditional rules", () => {
    const seen = new Map<string, number>();
    for (const r of profile.syscalls.filter((r) => !r.args || r.args.length === 0)) {
      for (const n of r.names) seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    expect([...seen].filter(([, count]) => count > 1)).toEqual([]);
  });

  it("allows clone only without namespace flags, and makes clone3 fall back with ENOSYS", () => {
    const clone = profile.syscalls.filter((r) => r.names.includes("clone"));
    expect(clone).toHaveLength(1);
    const arg = clone[0]?.args?.[0];
    expect(arg?.op).toBe("SCMP_CMP_MASKED_EQ");
    expect(arg?.valueTwo).toBe(0);
    // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET are all in the mask.
    for (const flag of [0x20000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000]) {
      expect((arg?.value ?? 0) & flag).toBe(flag);
    }
    const clone3 = profile.syscalls.find((r) => r.names.includes("clone3"));
    expect(clone3).toMatchObject({ action: "SCMP_ACT_ERRNO", errnoRet: 38 });
  });

  it("allows sockets only for unix, inet, inet6 and netlink", () => {
    const domains = profile.syscalls
      .filter((r) => r.names.includes("socket") && r.action === "SCMP_ACT_ALLOW")
      .map((r) => r.args?.[0]?.value);
    expect(domains.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 10, 16]);
    // Netlink: NETLINK_ROUTE (protocol 0) only.
    const netlink = profile.syscalls.find((r) => r.names.includes("socket") && r.args?.[0]?.value === 16);
    expect(netlink?.args?.[1]).toMatchObject({ index: 2, value: 0, op: "SCMP_CMP_EQ" });
  });

  it("has the shape Docker reads, and is not tied to 32-bit sub-architectures", () => {
    const actions = new Set(["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL_PROCESS"]);
    for (const r of profile.syscalls) {
      expect(Array.isArray(r.names) && r.names.length > 0).toBe(true);
      expect(actions.has(r.action), r.action).toBe(true);
      for (const n of r.names) expect(n).toMatch(/^[a-z0-9_]+$/);
      for (const a of r.args ?? [])
        expect(Object.keys(a).sort()).toEqual(["index", "op", "value", "valueTwo"]);
    }
    expect(profile.archMap.map((a) => a.architecture)).toEqual(["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"]);
    expect(profile.archMap.every((a) => a.subArchitectures.length === 0)).toBe(true);
  });

  it("allows what a shell, curl, git and tar need", () => {
    const allowed = allowedSyscalls(profile);
    for (const n of [
      "execve",
      "read",
      "write",
      "openat",
      "mmap",
      "rt_sigaction",
      "wait4",
      "pipe2",
      "connect",
      "getdents64",
      "statx",
      "rseq",
      "faccessat2",
    ]) {
      expect(allowed.has(n), n).toBe(true);
    }
  });

  it("loads as minified JSON for Docker's security option", () => {
    const loaded = loadSeccompProfile();
    expect(JSON.parse(loaded.json)).toEqual(profile);
    expect(loaded.json).not.toContain("\n");
  });
});
