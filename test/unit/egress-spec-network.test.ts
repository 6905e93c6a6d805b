// Step specs can only be built on no network or on a skillwall step network: host networking,
// sharing another container's namespace, the default bridge and foreign networks are refused.

import { describe, expect, it } from "vitest";
import { sandboxDefaults } from "../../src/limits.js";
import { buildStepSpec, checkedNetworkMode } from "../../src/run/spec.js";

type SpecInput = Parameters<typeof buildStepSpec>[0];

function spec(networkMode: string | undefined, extra: Partial<SpecInput> = {}) {
  return buildStepSpec({
    image: "img",
    runId: "r1",
    stepLabel: "s",
    script: "true",
    env: new Map(),
    limits: { ...sandboxDefaults },
    seccompJson: "{}",
    user: { uid: 1000, gid: 1000 },
    ...(networkMode === undefined ? {} : { networkMode }),
    ...extra,
  });
}

describe("step network modes", () => {
  it.each([
    "host",
    "bridge",
    "default",
    "container:abc123",
    "container:skillwall-x",
    "mynet",
    "skillwall",
    "skillwall-",
  ])("refuses %s", (mode) => {
    expect(() => spec(mode)).toThrow(/network/);
  });

  it("uses none by default and disables networking", () => {
    const s = spec(undefined);
    expect(s.HostConfig.NetworkMode).toBe("none");
    expect(s.NetworkDisabled).toBe(true);
  });

  it("accepts a step's own internal network", () => {
    const s = spec("skillwall-run1-step0");
    expect(s.HostConfig.NetworkMode).toBe("skillwall-run1-step0");
    expect(s.NetworkDisabled).toBe(false);
    expect(checkedNetworkMode("none")).toBe("none");
  });

  it("refuses a writable extra mount", () => {
    expect(() =>
      spec(undefined, {
        readOnlyMounts: [{ Type: "bind", Source: "/tmp/x", Target: "/opt/x", ReadOnly: false }],
      }),
    ).toThrow(/read-only/);
  });
});
