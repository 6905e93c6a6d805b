// The per-step allowlist the egress proxy enforces, and the events it reports.

import type { EgressEvent } from "../events.js";
import type { EgressLimits } from "./limits.js";

export interface AllowRule {
  /** Stable id for reports and 403 messages ("network.hosts[www.moltbook.com]:443/https"). */
  id: string;
  /** Exact canonical host or "*.suffix" wildcard. */
  host: string;
  ports: number[];
  /** "https" allows CONNECT tunnels; "http" allows plain absolute-form requests. */
  scheme: "https" | "http";
}

export interface StepAllowlist {
  /** Step id ("SKILL.md#12:1"), carried into every event. */
  step?: string;
  runId?: string;
  rules: AllowRule[];
  /** Addresses (IPs/CIDRs) that may be connected to although they are private/loopback/… */
  allowAddresses: string[];
  /** Hosts the step named that the policy does not grant, with why (for 403 messages). */
  refused: Array<{ host: string; port: number; scheme: string; reason: string }>;
  /** The policy's network.limits; the proxy combines them with its own (the smaller holds). */
  limits?: Partial<EgressLimits>;
}

/** What the proxy publishes for every decision (the contract fields plus what helps an audit). */
export interface ProxyEgressEvent extends EgressEvent {
  /** "connect" (HTTPS tunnel) or "http" (plain absolute-form request). */
  kind: "connect" | "http";
  /** The address connected to (or refused), when resolution got that far. */
  address?: string;
  /** How an allowed connection ended: "ok", "upstream-error", "limit-bytes-in", "idle-timeout" … */
  outcome: string;
  durationMs: number;
  /** Plain HTTP only: method and upstream status. */
  method?: string;
  status?: number;
  /** Summary records only (rule "audit-rate-limit"): refusals not recorded one by one. */
  suppressed?: number;
}
