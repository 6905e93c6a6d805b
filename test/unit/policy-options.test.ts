// Option parsing and rule matching on hand-built commands (no shell parser involved).
import { describe, expect, it } from "vitest";
import { judgeCommand } from "../../src/policy/index.js";
import { mergePolicy } from "../../src/policy/merge.js";
import { command, word } from "./policy-helpers.js";

const policy = mergePolicy(
  {
    name: "options-test",
    env: { API_KEY: { secret: true } },
    commands: [
      {
        id: "curl-api",
        program: "curl",
        options: [
          { names: ["-s", "--silent"] },
          { names: ["-S"] },
          { names: ["-X", "--request"], value: { type: "enum", values: ["GET", "POST"] }, max: 1 },
          {
            names: ["-H", "--header"],
            value: {
              type: "string",
              match: ["Authorization: Bearer ${API_KEY}", "Accept: *"],
              env: ["API_KEY"],
            },
          },
          { names: ["-d"], value: { type: "json" } },
        ],
        positionals: [{ value: { type: "url", hosts: ["api.example.com"] } }],
      },
      {
        id: "rm-files",
        program: "rm",
        endOfOptions: true,
        options: [{ names: ["-f"] }],
        positionals: [{ value: { type: "path", allow: ["~/work/**"] }, min: 1, max: 8 }],
      },
      {
        id: "find-names",
        program: "find",
        options: [
          { names: ["-name"], value: { type: "string" } },
          { names: ["-type"], value: { type: "enum", values: ["f", "d"] } },
        ],
        positionals: [{ value: { type: "path", allow: ["~/work/**"] }, min: 0, max: 4 }],
      },
      {
        id: "timeout",
        program: "timeout",
        unwrap: true,
        positionals: [{ value: { type: "integer", max: 600 } }],
      },
    ],
  },
  [],
  [],
);
const withWorkdir = { ...policy, workdir: "~/work" };

const verdict = (argv: string[]) => judgeCommand(command(argv), withWorkdir);

describe("option parsing", () => {
  it("accepts bundled flags and rejects a bundle with an unknown letter", () => {
    expect(verdict(["curl", "-sS", "https://api.example.com/x"]).verdict).toBe("allow");
    const j = verdict(["curl", "-sSk", "https://api.example.com/x"]);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain("-k");
    expect(j.fix).toContain("add '-k' to commands[curl-api].options");
  });
  it("takes a valued short option's value from the rest of the bundle or the next argument", () => {
    expect(verdict(["curl", "-XPOST", "https://api.example.com/x"]).verdict).toBe("allow");
    expect(verdict(["curl", "-sXPOST", "https://api.example.com/x"]).verdict).toBe("allow");
    expect(verdict(["curl", "-X", "POST", "https://api.example.com/x"]).verdict).toBe("allow");
    expect(verdict(["curl", "-XDELETE", "https://api.example.com/x"]).verdict).toBe("deny");
    // -X consumes "https://…" as its value, leaving no URL: not an allowed method.
    expect(verdict(["curl", "-X", "https://api.example.com/x"]).verdict).toBe("deny");
  });
  it("accepts --opt=value and --opt value, and rejects values on flags", () => {
    expect(verdict(["curl", "--request=GET", "https://api.example.com/x"]).verdict).toBe("allow");
    expect(verdict(["curl", "--request", "GET", "https://api.example.com/x"]).verdict).toBe("allow");
    expect(verdict(["curl", "--request=PUT", "https://api.example.com/x"]).reason).toContain("'PUT'");
    expect(verdict(["curl", "--silent=yes", "https://api.example.com/x"]).reason).toContain("takes no value");
  });
  it("permutes options after positionals", () => {
    expect(verdict(["curl", "https://api.example.com/x", "-s"]).verdict).toBe("allow");
  });
  it("enforces max counts", () => {
    const j = verdict(["curl", "-X", "GET", "-X", "POST", "https://api.example.com/x"]);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toMatch(/appears 2 times/);
  });
  it("only honours -- when the rule allows it", () => {
    expect(verdict(["rm", "-f", "--", "-x"]).verdict).toBe("allow");
    expect(verdict(["rm", "-f", "-x"]).verdict).toBe("deny");
    const j = verdict(["curl", "--", "https://api.example.com/x"]);
    expect(j.verdict).toBe("deny");
    expect(j.fix).toContain("endOfOptions");
  });
  it("matches single-dash long options whole, and unknown ones fail as bundles", () => {
    expect(verdict(["find", ".", "-name", "*.md", "-type", "f"]).verdict).toBe("allow");
    const j = verdict(["find", ".", "-exec", "sh", ";"]);
    expect(j.verdict).toBe("deny");
  });
  it("names the argument position and the closest rule's fix for an unknown option", () => {
    const j = verdict(["curl", "-s", "--proxy", "http://x", "https://api.example.com/x"]);
    expect(j.verdict).toBe("deny");
    expect(j.rule).toBe("curl-api");
    expect(j.reason).toContain("--proxy (argument 2)");
  });
  it("asks for a missing required option, never to drop the requirement that bounds the command", () => {
    const bounded = mergePolicy(
      {
        name: "required-test",
        commands: [
          {
            id: "wget-get",
            program: "wget",
            options: [
              { names: ["--max-redirect"], value: { type: "enum", values: ["0"] }, required: true },
              { names: ["-O"], value: { type: "path", allow: ["~/work/**"], write: true }, required: true },
            ],
            positionals: [{ value: { type: "url", hosts: ["api.example.com"] } }],
          },
        ],
      },
      [],
      [],
    );
    const j = judgeCommand(command(["wget", "-O", "out", "https://api.example.com/x"]), {
      ...bounded,
      workdir: "~/work",
    });
    expect(j.verdict).toBe("deny");
    expect(j.fix).toContain("add --max-redirect to the command");
    expect(j.fix).not.toMatch(/drop required/);
  });
  it("denies a program no rule names, with the fix", () => {
    const j = verdict(["wget", "https://api.example.com"]);
    expect(j.rule).toBe("default-deny");
    expect(j.fix).toContain("program wget");
  });
});

describe("env expansions", () => {
  it("allows a declared env var only where the value spec lists it", () => {
    const ok = judgeCommand(
      command(["curl", "-H", "Authorization: Bearer $API_KEY", "https://api.example.com/x"]),
      withWorkdir,
    );
    expect(ok.verdict).toBe("allow");
    expect(ok.env).toEqual(["API_KEY"]);
    expect(ok.hosts).toEqual([{ host: "api.example.com", port: 443, scheme: "https" }]);
    const inUrl = judgeCommand(command(["curl", "https://api.example.com/$API_KEY"]), withWorkdir);
    expect(inUrl.verdict).toBe("deny");
    const inBody = judgeCommand(
      command(["curl", "-d", '{"k":"$API_KEY"}', "https://api.example.com/x"]),
      withWorkdir,
    );
    expect(inBody.verdict).toBe("deny");
    expect(inBody.reason).toContain("API_KEY");
  });
  it("denies an unquoted expansion (split and globbed by the shell)", () => {
    const cmd = command(["curl", "-H", "x", "https://api.example.com/x"]);
    cmd.argv[2] = word("Authorization: Bearer $API_KEY", "Authorization:\\ Bearer\\ $API_KEY");
    const j = judgeCommand(cmd, withWorkdir);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain("without double quotes");
  });
  it("denies an option name built from a variable", () => {
    const j = judgeCommand(command(["curl", "-$API_KEY", "https://api.example.com/x"]), withWorkdir);
    expect(j.verdict).toBe("deny");
  });
});

describe("wrappers, assignments and contexts", () => {
  it("unwraps only with unwrap: true and judges the inner command", () => {
    expect(verdict(["timeout", "10", "curl", "-s", "https://api.example.com/x"]).verdict).toBe("allow");
    const j = verdict(["timeout", "10", "curl", "-k", "https://api.example.com/x"]);
    expect(j.verdict).toBe("deny");
    expect(j.reason).toContain("wraps a denied command");
    expect(verdict(["timeout", "10", "sh", "-c", "id"]).verdict).toBe("deny");
  });
  it("denies assignment prefixes and nested contexts", () => {
    const assigned = command(["curl", "https://api.example.com/x"], {
      assignments: [{ name: "LD_PRELOAD", value: word("/tmp/x.so"), span: command([]).span }],
    });
    expect(judgeCommand(assigned, withWorkdir).rule).toBe("assignment");
    const nested = command(["curl", "https://api.example.com/x"], { context: "command-substitution" });
    expect(judgeCommand(nested, withWorkdir).rule).toBe("construct");
  });
  it("denies a dynamic word naming the construct", () => {
    const cmd = command(["curl", "x"]);
    cmd.argv[1] = { ...word(""), raw: "$(id)", dynamic: "command substitution $(…)" };
    const j = judgeCommand(cmd, withWorkdir);
    expect(j.rule).toBe("dynamic");
    expect(j.fix).toContain("cannot be allowed by policy");
    expect(j.reason).toContain("command substitution");
  });
});
