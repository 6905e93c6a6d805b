// What the runner needs of the daemon for egress steps, beyond containers: per-step internal
// networks (created, listed for the reaper, removed). docker.ts implements it.

import type { NetworkClient } from "../egress/network.js";

export interface NetworkSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Driver options; "com.docker.network.bridge.name" is the host interface. */
  options: Record<string, string>;
  internal: boolean;
}

export interface StepNetworkClient extends NetworkClient {
  /** Networks that carry every given label (value or presence). */
  list(labels: Record<string, string | true>): Promise<NetworkSummary[]>;
}

export const bridgeOption = "com.docker.network.bridge.name";
