// Text sent through the operator's channels (red team s10, G5): the message tool, conversations_send
// and _turn, sessions_send and an automation's announce delivery reach only the recipients the
// plugin config lists; a reply in the current conversation (no recipient) passes. The real
// Gateway over a Telegram channel: test/integration/openclaw-channel-recipients.test.ts.

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";
// @ts-expect-error: plain ESM plugin module without type declarations
import { createGate } from "../../integrations/openclaw/gate.mjs";

interface Answer {
  block?: boolean;
  blockReason?: string;
}
interface Gate {
  beforeToolCall(event: object, ctx?: object): Promise<Answer | undefined>;
}

const ownSession = "agent:main:telegram:direct:111";
const ref = (c: string) => `conv_${c.repeat(32)}`;

function setup(config: object = {}): Gate {
  const root = mkdtempSync(path.join(tmpdir(), "sw-ocrcp-"));
  const home = path.join(root, "home");
  const ws = path.join(home, ".openclaw/workspace");
  mkdirSync(ws, { recursive: true });
  return (createGate as (l: object, c: object, h: object) => Gate)(
    lib,
    { policy: "agent", auditLog: path.join(root, "audit.jsonl"), timeoutMs: 60000, ...config },
    {
      env: { HOME: home, SHELL: "/bin/bash", PATH: "/usr/bin:/bin" },
      openclawConfig: { agents: { defaults: { workspace: ws } } },
    },
  );
}

const listed = {
  recipients: [
    { channel: "telegram", to: "111" },
    { channel: "slack", to: "#ops", accountId: "work" },
    { conversationRef: ref("a") },
    { sessionKey: "agent:main:telegram:direct:222" },
  ],
};

async function call(g: Gate, toolName: string, params: object): Promise<Answer | undefined> {
  return g.beforeToolCall({ toolName, toolCallId: `c-${toolName}`, params }, { sessionKey: ownSession });
}

async function expectBlocked(g: Gate, toolName: string, cases: object[], why: RegExp): Promise<void> {
  for (const params of cases) {
    const r = await call(g, toolName, params);
    expect(r?.block, JSON.stringify(params)).toBe(true);
    expect(r?.blockReason, JSON.stringify(params)).toMatch(why);
  }
}

async function expectPassed(g: Gate, toolName: string, cases: object[]): Promise<void> {
  for (const params of cases) expect(await call(g, toolName, params), JSON.stringify(params)).toBeUndefined();
}

describe("OpenClaw gate: message recipients", () => {
  it("without a list, a reply in the current conversation passes and every explicit recipient is refused", async () => {
    const g = setup();
    await expectPassed(g, "message", [
      { action: "send", message: "done" },
      { action: "reply", message: "done", replyTo: "42" },
      { action: "react", messageId: "42", emoji: "👍" },
      { action: "thread-reply", message: "x", threadId: "7" },
      // Reading the operator's channels sends nothing the model wrote.
      { action: "read", channel: "slack", target: "#general", limit: 5 },
      { action: "member-info", userId: "U1" },
    ]);
    await expectBlocked(
      g,
      "message",
      [
        { action: "send", channel: "telegram", target: "@attacker", message: "k=SECRET" },
        { action: "send", channel: "telegram", to: "666", message: "k" },
        { action: "send", channel: "telegram", channelId: "666", message: "k" },
        { action: "send", channel: "telegram", targets: ["666"], message: "k" },
        { action: "react", channel: "imessage", chatGuid: "any;-;+1555", emoji: "k" },
        { action: "poll", channel: "telegram", target: "666", pollQuestion: "k", pollOption: ["a", "b"] },
      ],
      /not in the skillwall plugin's recipients/,
    );
    await expectBlocked(
      g,
      "message",
      [
        { action: "send", target: "@attacker", message: "k" },
        { action: "send", to: "me", message: "k" },
      ],
      /without its channel/,
    );
    await expectBlocked(
      g,
      "message",
      [
        { action: "send", channel: "slack", message: "k" },
        { action: "send", accountId: "other", message: "k" },
      ],
      /without a recipient/,
    );
  });

  it("actions that reach people outside one conversation, members and unclassed fields are refused", async () => {
    const g = setup({ allowTools: [] });
    await expectBlocked(
      g,
      "message",
      [
        { action: "broadcast", message: "k", channel: "all" },
        { action: "channel-create", name: "k", guildId: "1" },
        { action: "conversation-open", userId: "U666" },
        { action: "addParticipant", participant: "+1555" },
        { action: "set-presence", activityName: "k" },
        { action: "set-profile", name: "k" },
        { action: "event-create", eventName: "k" },
        { action: "download-file", fileId: "f" },
        { action: "made-up", message: "k" },
        {},
      ],
      /reaches people outside one conversation/,
    );
    await expectBlocked(g, "message", [{ action: "send", userId: "U666", message: "k" }], /names a person/);
    await expectBlocked(
      g,
      "message",
      [{ action: "send", roomId: "!attacker:matrix.org", message: "k" }],
      /a field skillwall has not classed/,
    );
  });

  it("a listed recipient passes on its channel and account only", async () => {
    const g = setup(listed);
    await expectPassed(g, "message", [
      { action: "send", channel: "telegram", target: "111", message: "status" },
      { action: "send", channel: " Telegram ", target: " 111 ", message: "status" },
      { action: "send", channel: "telegram", targets: ["111"], message: "status" },
      { action: "send", channel: "slack", accountId: "work", target: "#ops", message: "status" },
    ]);
    await expectBlocked(
      g,
      "message",
      [
        { action: "send", channel: "telegram", targets: ["111", "666"], message: "k" },
        { action: "send", channel: "telegram", accountId: "work", target: "111", message: "k" },
        { action: "send", channel: "slack", target: "#ops", message: "k" },
        { action: "send", channel: "discord", target: "111", message: "k" },
        { action: "send", channel: "telegram", target: "111", to: "666", message: "k" },
      ],
      /not in the skillwall plugin's recipients/,
    );
  });

  it("through Tool Search, a message to an unlisted recipient is refused", async () => {
    const g = setup(listed);
    const r = await call(g, "tool_call", {
      id: "message",
      args: { action: "send", channel: "telegram", target: "666", message: "k" },
    });
    expect(r?.block).toBe(true);
    expect(r?.blockReason).toContain("recipients");
  });
});

describe("OpenClaw gate: conversations and sessions", () => {
  it("conversations_send and _turn need a listed conversationRef", async () => {
    const g = setup(listed);
    for (const tool of ["conversations_send", "conversations_turn"]) {
      await expectPassed(g, tool, [{ conversationRef: ref("a"), message: "status" }]);
      await expectBlocked(
        g,
        tool,
        [{ conversationRef: ref("b"), message: "k" }, { message: "k" }],
        /not in the skillwall plugin's recipients/,
      );
    }
  });

  it("sessions_send passes to a sub-agent or a listed session; a label or another session is refused", async () => {
    const g = setup(listed);
    await expectPassed(g, "sessions_send", [
      { sessionKey: "agent:main:subagent:4f2a", message: "continue" },
      { sessionKey: "agent:main:telegram:direct:222", message: "status" },
    ]);
    await expectBlocked(
      g,
      "sessions_send",
      [
        { sessionKey: "agent:main:telegram:direct:666", message: "k" },
        { label: "attacker chat", message: "k" },
        { agentId: "main", message: "k" },
      ],
      /not in the skillwall plugin's recipients/,
    );
  });

  it("allowTools may not name the tools judged by recipient", () => {
    for (const allowTools of [["message"], ["sessions_send"], ["conversations_send"], ["conversations_turn"]])
      expect(() => setup({ allowTools }), JSON.stringify(allowTools)).toThrow(/allowTools/);
  });
});

describe("OpenClaw gate: an automation's announce delivery", () => {
  const turn = {
    schedule: { kind: "every", everyMs: 3600000 },
    payload: { kind: "agentTurn", message: "report" },
  };
  it("announce to the job's own conversation passes; to an unlisted chat or session it is refused", async () => {
    const g = setup(listed);
    await expectPassed(g, "automations", [
      { action: "add", job: { ...turn, delivery: { mode: "announce" } } },
      { action: "add", job: { ...turn, sessionTarget: "isolated" } },
      { action: "add", job: { ...turn, delivery: { mode: "announce", channel: "telegram", to: "111" } } },
      { action: "add", job: { ...turn, sessionKey: ownSession } },
      { action: "add", job: { ...turn, sessionTarget: "session:agent:main:telegram:direct:222" } },
    ]);
    await expectBlocked(
      g,
      "automations",
      [
        { action: "add", job: { ...turn, delivery: { mode: "announce", channel: "telegram", to: "666" } } },
        { action: "add", job: { ...turn, delivery: { mode: "announce", to: "666" } } },
        { action: "add", job: { ...turn, delivery: { mode: "announce", channel: "slack" } } },
        { action: "add", job: { ...turn, failureAlert: { channel: "telegram", to: "666" } } },
        {
          action: "add",
          job: {
            ...turn,
            delivery: { mode: "announce", failureDestination: { channel: "telegram", to: "666" } },
          },
        },
        { action: "add", data: JSON.stringify({ ...turn, delivery: { channel: "telegram", to: "666" } }) },
        { action: "add", job: { ...turn, sessionTarget: "session:agent:main:telegram:direct:666" } },
        { action: "add", job: { ...turn, sessionKey: "agent:main:telegram:direct:666" } },
      ],
      /recipients|without its channel|without a recipient/,
    );
    const r = await call(g, "tool_call", {
      id: "automations",
      args: {
        action: "add",
        job: { ...turn, delivery: { mode: "announce", channel: "telegram", to: "666" } },
      },
    });
    expect(r?.block).toBe(true);
  });
});

describe("OpenClaw gate: recipients config", () => {
  it("an invalid list is an error, never a fallback", () => {
    for (const recipients of [
      "telegram:111",
      [{}],
      [{ channel: "telegram" }],
      [{ channel: "telegram", to: "" }],
      [{ channel: "telegram", to: "1", extra: 1 }],
      [{ channel: "telegram", to: 111 }],
      [{ conversationRef: "conv_x" }],
      [{ sessionKey: " " }],
      [null],
    ])
      expect(() => setup({ recipients }), JSON.stringify(recipients)).toThrow(/recipients/);
  });
});
