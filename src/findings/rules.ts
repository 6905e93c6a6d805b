// Metadata for every finding id: the category, the default severity and the help text shown in
// SARIF rule metadata and reports. A detector may raise or lower the severity of one finding
// (a vendor host lowers it, a paste site raises it); the default is the typical case.

import type { FindingCategory, Severity } from "../model.js";

export interface FindingRule {
  id: string;
  name: string;
  category: FindingCategory;
  severity: Severity;
  short: string;
  help: string;
}

const r = (id: string, name: string, category: FindingCategory, severity: Severity, short: string, help: string): FindingRule => ({ id, name, category, severity, short, help });

const table = [
  r("rce.pipe-to-interpreter", "DownloadPipedToInterpreter", "remote-code-execution", "high", "Downloaded content is piped into a shell or interpreter.", "The command downloads text and feeds it straight to a shell or language interpreter, so whoever controls the URL runs code on the machine. Critical when the host is a raw IP, paste site, shortener or throw-away release; medium when it is the vendor of the tool the skill installs. Prefer a pinned package manager install or a checksum-verified download."),
  r("rce.process-substitution", "DownloadInProcessSubstitution", "remote-code-execution", "high", "A download is executed through process substitution.", "`bash <(curl …)` or `source <(curl …)` runs remote content without it ever touching the disk. Same severity rules as a pipe into a shell."),
  r("rce.substitution-exec", "DownloadInCommandSubstitution", "remote-code-execution", "high", "A download is executed through command substitution.", "`bash -c \"$(curl …)\"` or `eval \"$(wget -O- …)\"` runs whatever the server returns."),
  r("rce.download-then-execute", "DownloadThenExecute", "remote-code-execution", "high", "A file is downloaded and then executed.", "A file fetched from the network is later made executable, run, sourced or passed to an interpreter (in the same step or a later one). Verify the file with a checksum or use a package manager."),
  r("rce.decoded-exec", "DecodedPayloadExecuted", "remote-code-execution", "critical", "An encoded payload is decoded and executed.", "Base64, hex, reversed or otherwise encoded text is decoded and handed to a shell or eval. Legitimate instructions have no reason to hide the command they run; the decoded text is shown with the finding."),
  r("rce.reverse-shell", "ReverseShell", "remote-code-execution", "critical", "A reverse or bind shell is opened.", "The command connects a shell to a network socket (/dev/tcp, nc -e, socat exec, bash -i >&), giving a remote party interactive control."),
  r("rce.remote-package", "PackageFromUntrustedSource", "remote-code-execution", "high", "A package is installed from a direct URL or a non-default index.", "pip/npm/gem installs from an arbitrary URL or a custom index bypass the registry the user trusts; the package's install hooks run code."),
  r("rce.eval-dynamic", "EvalOfAssembledText", "obfuscation", "high", "A command is assembled from pieces and evaluated.", "eval or sh -c of text built from variables or decoding hides what actually runs."),
  r("obfuscation.encoded-payload", "EncodedCommand", "obfuscation", "high", "An encoded literal decodes to a command.", "A base64/hex/base85 literal decodes to shell or code that contacts the network or touches sensitive files. The decoded text is analysed like any other command."),
  r("lure.password-archive", "PasswordProtectedArchive", "lure", "critical", "An archive is offered together with its password.", "Password-protected archives defeat malware scanners; malware campaigns link a release archive and print the password next to it."),
  r("lure.paste-site", "PasteSiteLink", "lure", "high", "The skill points to a paste site.", "Paste sites (glot.io, rentry, pastebin …) are edited at will and serve as the hidden stage of droppers: the skill says 'open this page and run what it shows'."),
  r("lure.raw-ip", "RawIpUrl", "lure", "high", "A URL uses a raw public IP address.", "Legitimate vendors publish under a domain name; raw-IP URLs are typical for command-and-control and payload servers."),
  r("lure.shortener", "UrlShortener", "lure", "medium", "A URL shortener hides the real destination.", "A shortened link can be re-pointed at any time and hides where the agent is sent."),
  r("lure.release-executable", "ReleaseExecutable", "lure", "high", "An executable or archive is downloaded from a GitHub release for manual execution.", "Throw-away GitHub releases host the binaries of malware campaigns; the skill asks the user or agent to run a downloaded executable outside any package manager."),
  r("lure.fake-prerequisite", "FakePrerequisite", "lure", "high", "A coercive 'required prerequisite' banner points to an external download.", "Lures claim the skill will not work unless some helper is installed first from a link or command; real dependencies are declared in metadata and installed by a package manager."),
  r("lure.decoy-echo", "DecoyEcho", "lure", "high", "A command prints a decoy installer URL before doing something else.", "`echo \"Installer-Package: https://…\" && …` shows a harmless-looking URL while the rest of the line runs a different payload."),
  r("lure.run-in-terminal", "RunInTerminal", "lure", "medium", "The reader is told to run something in a terminal from an external page.", "Instructions to paste a command shown on another page into Terminal move the real payload out of the reviewed text."),
  r("cred.sensitive-file", "CredentialFileAccess", "credential-access", "medium", "Credential or secret files are read.", "SSH keys, cloud credentials, token files, .env files, keychains, browser profiles and wallets hold secrets; reading them is only expected from tools whose purpose is managing them."),
  r("cred.env-dump", "EnvironmentDump", "credential-access", "medium", "The whole environment is dumped.", "`env`, `printenv`, /proc/*/environ or os.environ contain every API key the agent holds."),
  r("exfil.send-data", "DataSentToHost", "exfiltration", "high", "Secrets or files are sent to a remote host.", "The command uploads a file, the environment or a secret variable to a host. Sending credentials to a host other than the service they belong to is exfiltration."),
  r("exfil.dns", "DnsExfiltration", "exfiltration", "high", "Data is encoded into DNS lookups.", "A lookup of a name built from command output or secrets leaks the data to whoever runs that DNS zone."),
  r("persist.crontab", "CronPersistence", "persistence", "medium", "A cron job is installed.", "Cron jobs keep running after the skill finishes; high when the job downloads or runs remote content."),
  r("persist.shell-rc", "ShellRcModification", "persistence", "medium", "A shell start-up file is modified.", "Lines appended to ~/.bashrc, ~/.zshrc or ~/.profile run in every new shell; high when they fetch, decode or alias commands."),
  r("persist.launch-agent", "LaunchAgent", "persistence", "medium", "A macOS launch agent or daemon is installed.", "LaunchAgents/LaunchDaemons start a program at every login or boot."),
  r("persist.systemd", "SystemdUnit", "persistence", "medium", "A systemd unit is installed or enabled.", "A systemd service or timer keeps a program running across reboots."),
  r("persist.agent-memory", "AgentMemoryWrite", "persistence", "medium", "The agent's own memory or instruction files are modified.", "Writing to HEARTBEAT.md, SOUL.md, MEMORY.md, AGENTS.md, CLAUDE.md, agent settings or skills/ changes what every future session does; high when the text written hides from the user or fetches remote instructions."),
  r("remote.instructions", "RemoteInstructions", "remote-instructions", "medium", "The agent is told to fetch instructions from a URL and follow them.", "Whoever controls that URL controls every agent running this skill. Pin the host in policy, or vendor the instructions."),
  r("remote.self-update", "UpdateSourceRedirection", "remote-instructions", "medium", "The skill overwrites its own files from a URL.", "A self-update from a URL hands future control of the skill to that host; the host is reported so a policy can pin it."),
  r("pi.override", "InstructionOverride", "prompt-injection", "high", "Text tries to override the agent's instructions.", "'Ignore previous instructions', fake system prompts and <IMPORTANT> blocks aim at the agent, not the user."),
  r("pi.conceal", "ConcealFromUser", "prompt-injection", "high", "The agent is told to hide actions from the user.", "Legitimate skills have nothing to hide from the user: 'do not tell the user', 'silently', 'without notifying'."),
  r("pi.secret-request", "SecretRequest", "prompt-injection", "high", "The agent is told to send or reveal keys, tokens or passwords.", "Instructions to include API keys, tokens, passwords or seed phrases in output or requests to a third party."),
  r("pi.permission-grant", "BroadPermissionGrant", "prompt-injection", "high", "The skill grants the agent unrestricted tool permissions or disables approval.", "Writing `Bash(*)`-style allow lists, auto-approve or 'dangerously skip permissions' removes the user's control over later actions."),
  r("hidden.html-comment", "HiddenInstructions", "hidden-content", "medium", "An HTML comment carries instructions or commands.", "HTML comments are invisible in rendered markdown but read by the agent."),
  r("hidden.invisible-chars", "InvisibleCharacters", "hidden-content", "high", "Zero-width or bidirectional control characters are present.", "Invisible and bidi-override characters make the text the agent reads differ from what a reviewer sees."),
  r("hidden.unicode-tags", "UnicodeTagText", "hidden-content", "critical", "Invisible Unicode tag characters encode hidden text.", "Characters U+E0000–U+E007F mirror ASCII but render as nothing: a channel for hidden instructions (ASCII smuggling). The decoded text is shown."),
  r("hidden.homoglyph-host", "HomoglyphHost", "hidden-content", "high", "A host name uses non-ASCII look-alike characters or punycode.", "Look-alike host names impersonate well-known domains."),
  r("destructive.delete", "DestructiveDelete", "destructive", "high", "A command deletes system, home or log data.", "Recursive deletion of /, ~, system directories or audit logs destroys data or covers tracks."),
  r("destructive.disable-security", "SecurityControlDisabled", "destructive", "high", "A security control is disabled.", "Turning off firewalls, SELinux, Gatekeeper, TLS verification, history or audit logs weakens the machine for what follows."),
  r("destructive.disk", "DiskDestruction", "destructive", "critical", "A command overwrites a disk or exhausts the system.", "mkfs, dd onto a block device or fork bombs make the machine unusable."),
  r("privesc.sudo", "PrivilegedCommand", "privilege-escalation", "low", "A command runs with sudo.", "Steps that need root deserve a closer look; high when root runs downloaded or decoded content."),
  r("privesc.setuid", "SetuidOrWorldWritable", "privilege-escalation", "high", "Permissions are widened (setuid, world-writable system paths, sudoers).", "setuid bits, chmod 777 on shared or system paths and sudoers edits give any local process root or write access."),
  r("undeclared.bin", "UndeclaredBinary", "undeclared-capability", "info", "Steps use binaries the metadata does not declare.", "metadata.openclaw.requires.bins should list every binary the steps rely on, so installers and reviewers see them."),
  r("undeclared.env", "UndeclaredEnv", "undeclared-capability", "info", "Steps read environment variables the metadata does not declare.", "metadata.openclaw.requires.env should list the secrets and settings the skill reads."),
  r("undeclared.host", "UndeclaredHost", "undeclared-capability", "info", "Steps contact hosts the skill does not name in its metadata.", "Hosts contacted by steps, for an egress allowlist."),
  r("bundled.process-exec", "BundledProcessExecution", "bundled-code", "low", "Bundled code starts processes or evaluates code.", "subprocess/os.system/child_process/eval in bundled code runs commands the markdown never shows."),
  r("bundled.network-hostile", "BundledHostileNetwork", "bundled-code", "critical", "Bundled code contacts a raw IP, paste site or shortener.", "Bundled code talking to hosts no vendor uses is the typical second stage of a malicious skill."),
  r("bundled.credential-read", "BundledCredentialRead", "bundled-code", "medium", "Bundled code reads credential files or the environment.", "Reading SSH keys, cloud credentials, wallets or the full environment from bundled code; high when the same file also sends data over the network."),
  r("bundled.exfil", "BundledExfiltration", "exfiltration", "high", "Bundled code sends collected secrets or files to a host.", "The file reads secrets (credential files, environment) and posts data to a remote host."),
  r("bundled.decoded-exec", "BundledDecodedExec", "obfuscation", "critical", "Bundled code decodes a payload and executes it.", "exec/eval/subprocess of base64/hex/base85-decoded text hides the real behaviour."),
  r("bundled.reverse-shell", "BundledReverseShell", "remote-code-execution", "critical", "Bundled code opens a reverse shell.", "A socket connected to a shell process gives a remote party control."),
] as const;

export type RuleId = (typeof table)[number]["id"];

const byId = new Map<string, FindingRule>(table.map((x) => [x.id, x]));

export const findingRules: readonly FindingRule[] = table;

export function ruleById(id: RuleId): FindingRule {
  const rule = byId.get(id);
  if (!rule) throw new Error(`unknown finding rule ${id}`);
  return rule;
}
