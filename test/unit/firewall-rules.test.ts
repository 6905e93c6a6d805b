// Which `iptables -S` lines the reaper may delete: skillwall's own rules on step bridges, never
// Docker's rules for the same bridge (deleting Docker's `-i b -o b -j DROP` would open a hole).

import { describe, expect, it } from "vitest";
import { gatewayFirewallRules } from "../../src/egress/network.js";
import { ourRule } from "../../src/run/firewall.js";

const words = (line: string): string[] => line.split(" ");

describe("ourRule", () => {
  it("recognises every rule gatewayFirewallRules adds, as iptables -S prints it", () => {
    // Copied from `iptables -S` after a real apply (it reorders matches and adds /32, -m tcp).
    const printed = [
      "-A INPUT -d 172.30.0.1/32 -i swlabc1 -p tcp -m tcp --dport 4711 -j ACCEPT",
      "-A INPUT -i swlabc1 -j DROP",
      "-A INPUT -d 172.30.0.1/32 ! -i swlabc1 -p tcp -m tcp --dport 4711 -j DROP",
      "-A FORWARD -i swlabc1 -j DROP",
      "-A FORWARD -o swlabc1 -j DROP",
    ];
    expect(printed).toHaveLength(gatewayFirewallRules("swlabc1", "172.30.0.1", 4711).add.length);
    for (const line of printed)
      expect(ourRule(line.split(" ")[1]!, words(line)), line).toEqual({
        bridge: "swlabc1",
        spec: words(line).slice(1),
      });
  });

  it("leaves Docker's rules and other interfaces alone", () => {
    expect(ourRule("FORWARD", words("-A FORWARD -i swlabc1 -o swlabc1 -j DROP"))).toBeUndefined();
    expect(ourRule("FORWARD", words("-A FORWARD -i swlabc1 -j ACCEPT"))).toBeUndefined();
    expect(ourRule("FORWARD", words("-A FORWARD -o docker0 -j DOCKER"))).toBeUndefined();
    expect(ourRule("INPUT", words("-A INPUT -i eth0 -j DROP"))).toBeUndefined();
    expect(ourRule("INPUT", words("-A FORWARD -i swlabc1 -j DROP"))).toBeUndefined();
  });
});
