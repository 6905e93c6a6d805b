#!/usr/bin/env node
// Rebuilds test/fixtures/agent-commands/*.tsv from public sources (run by hand; the fixtures are
// committed). Usage:
//   node scripts/agent-commands/extract.mjs transcripts GIT_DIR COMMIT > codex-transcripts.tsv
//   node scripts/agent-commands/extract.mjs skills DIR... > openclaw-skills.tsv
//
// transcripts: Codex session logs in github.com/yinkev/praDeep (.automaker/features/*/agent-output.md,
// each tool call logged as `Input: { "command": "/bin/zsh -lc '…'" }`). The harness's zsh -lc
// wrapper (one or two layers) is removed the way zsh would; multi-line commands are skipped; duplicates are dropped; every
// 12th remaining command is kept (a uniform sample that keeps the real mix of programs). The
// project root /Users/kyin/Projects/praDeep is moved to the agent workspace
// (/home/agent/.openclaw/workspace/praDeep), which is also the working directory.
//
// skills: lines of shell code blocks in SKILL.md/markdown files whose first word is an everyday
// program (git ls cat head tail wc sed grep rg find jq node npm curl mkdir touch cp mv echo printf
// pwd date diff sort uniq cut which uname sleep); comments, continued lines and duplicates dropped.

import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const [mode, ...rest] = process.argv.slice(2);

if (mode === "transcripts") {
  const [gitDir, commit] = rest;
  const git = (...a) =>
    execFileSync("git", ["--git-dir", gitDir, ...a], { encoding: "utf8", maxBuffer: 1e9 });
  const files = git("ls-tree", "-r", "--name-only", commit)
    .split("\n")
    .filter((f) => f.endsWith("agent-output.md"))
    .sort();
  const seen = new Set();
  const rows = [];
  for (const f of files) {
    const text = git("show", `${commit}:${f}`);
    const re = /Input: \{\s*"command": ("(?:[^"\\]|\\.)*")/g;
    let m;
    while ((m = re.exec(text))) {
      let cmd = JSON.parse(m[1]);
      // The harness wraps the model's command in zsh -lc (sometimes twice): unwrap each layer.
      for (let layer = 0; layer < 2; layer++) {
        const w = /^\/bin\/(?:zsh|bash) -lc (['"])([\s\S]*)\1$/.exec(cmd);
        if (!w) break;
        cmd = w[1] === "'" ? w[2].replace(/'\\''/g, "'") : w[2].replace(/\\(["\\$`])/g, "$1");
      }
      if (cmd.includes("\n") || cmd.includes("\t") || seen.has(cmd)) continue;
      seen.add(cmd);
      const line = text.slice(0, m.index).split("\n").length;
      rows.push(
        `${cmd.replaceAll("/Users/kyin/Projects/praDeep", "/home/agent/.openclaw/workspace/praDeep")}\tgithub:yinkev/praDeep@${commit.slice(0, 12)}:${f}:${line}`,
      );
    }
  }
  console.log(
    `# Codex session logs of a real coding agent (${rows.length} distinct one-line commands; every 12th kept)`,
  );
  console.log("# workdir: ~/.openclaw/workspace/praDeep");
  console.log(rows.filter((_, i) => i % 12 === 0).join("\n"));
} else if (mode === "skills") {
  const progs = new Set(
    "git ls cat head tail wc sed grep rg find jq node npm curl mkdir touch cp mv echo printf pwd date diff sort uniq cut which uname sleep".split(
      " ",
    ),
  );
  const walk = function* (d) {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== "node_modules") yield* walk(p);
      } else if (/\.md$/.test(n)) yield p;
    }
  };
  const seen = new Set();
  console.log(
    "# Shell lines from skills that agents are told to run (OpenClaw bundled skills, public ClawHub skills)",
  );
  for (const root of rest) {
    for (const f of walk(root)) {
      let fence = false;
      let lang = "";
      readFileSync(f, "utf8")
        .split("\n")
        .forEach((l, i) => {
          const m = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(l);
          if (m) {
            fence = !fence;
            lang = m[2];
            return;
          }
          if (!fence || !["bash", "sh", "shell", "console", "zsh", ""].includes(lang)) return;
          const t = l.trim().replace(/^\$ /, "");
          if (!t || t.startsWith("#") || t.endsWith("\\") || t.includes("\t") || seen.has(t)) return;
          if (!progs.has(t.split(/\s+/)[0])) return;
          seen.add(t);
          console.log(
            `${t}\t${f.replace(/^.*node_modules\/openclaw\//, "npm:openclaw@2026.9.6/").replace(/^.*\/corpus\//, "corpus:")}:${i + 1}`,
          );
        });
    }
  }
} else {
  console.error("usage: extract.mjs transcripts GIT_DIR COMMIT | skills DIR...");
  process.exit(2);
}
