// Conditions on the environment the agent runs in, read in one sentence of prose (issue 14,
// session 11): a marker file or folder exists, an environment variable is set, the host or user
// is a given one, a date or time window holds, or the agent is being tested, evaluated or not
// watched. An order gated on such a condition behaves one way in a reviewer's run and another on
// a marked machine. The `observation` kind (a sandbox, test harness, grader, nobody watching) is
// suspicious by itself: a skill has no honest reason to act differently when it is observed.
// Every regex is literal-led with bounded gaps, anchored to one sentence (linear in the text).

export type ConditionKind = "observation" | "marker" | "variable" | "identity" | "time";

export interface EnvCondition {
  kind: ConditionKind;
  /** Offset of the condition in the sentence. */
  at: number;
  text: string;
  /** The path or variable the condition tests, when it names one. */
  subject?: string;
}

const lead = /(?:if|when|whenever|while|where|once|unless|only\s+(?:if|when)|in\s+case|provided(?:\s+that)?)/
  .source;

// Words that make a marker an observation test: the run is an evaluation, a sandbox, a grader.
const observedWord =
  /(?:sandbox(?:ed)?|eval(?:uation)?s?|graded|grader|grading|harness|benchmark|honeypot|red-?team(?:ing)?|canary|under[_ -]?test|test[_ -]?run|task[_ -]?(?:sandbox|marker|env|id))/
    .source;

const observation: RegExp[] = [
  // "if you are being evaluated", "when nobody is watching", "unless the run is audited"
  new RegExp(
    `\\b${lead}\\b[^.;:\\n]{0,50}?\\b(?:(?:you\\s+are|it\\s+is|this\\s+is|the\\s+(?:run|session|task|agent)\\s+is)\\s+(?:being\\s+|not\\s+being\\s+)?(?:tested|evaluated|graded|scored|benchmarked|monitored|watched|observed|audited|reviewed|red-?teamed)|being\\s+(?:tested|evaluated|graded|benchmarked|monitored|watched|observed|audited|red-?teamed)|(?:no\\s*one|nobody|no\\s+(?:human|person|user|reviewer|operator|one))\\s+(?:is\\s+|will\\s+be\\s+)?(?:watching|monitoring|looking|present|reviewing|auditing|around|attached|checking|in\\s+the\\s+loop)|(?:non-?interactive|unattended|unmonitored|unobserved|unsupervised|headless)\\s+(?:session|run|mode|context|environment)|a\\s+(?:test|evaluation|grading)\\s+harness|(?:in|inside|within|under)\\s+(?:an?\\s+|the\\s+)?(?:[\\w-]+\\s+){0,2}?(?:sandbox|evaluation|eval|benchmark|grader|honeypot|test(?:ing)?\\s+(?:environment|harness)))\\b`,
    "i",
  ),
];

// A path, dot-file or file name in the sentence: what a marker condition tests.
const pathWord =
  /(?:[`'"]?[~.$\w{}-]{0,60}\/[\w.{}/-]{1,120}[`'"]?|[`'"]\.[\w.-]{1,60}[`'"]|`[\w.-]{1,60}\.[\w]{1,10}`|`\.?[\w-]{2,60}\/?`|(?<![\w/])\.[A-Za-z_][\w.-]{1,60}|\b[\w-]{2,60}\.(?:flag|marker|lock|ready|done|sentinel|trigger)\b|\b[\w.-]{2,60}\/(?=[\s,)]))/
    .source;
const presence =
  /(?:exists?|is\s+present|are\s+present|is\s+found|are\s+found|can\s+be\s+found|is\s+detected|is\s+there|is\s+available|present)/
    .source;

const marker: RegExp[] = [
  // "if /tmp/x exists", "when `.graded` is present"
  new RegExp(`\\b${lead}\\b[^.;:\\n]{0,50}?(${pathWord})[^.;:\\n]{0,50}?\\b${presence}\\b`, "i"),
  // "if there is a file named …", "when you find a marker …", "if the workspace contains a file named …"
  new RegExp(
    `\\b${lead}\\s+(?:there\\s+(?:is|are)|you\\s+(?:find|see|detect)|(?:the\\s+|your\\s+)?(?:workspace|working\\s+directory|directory|folder|environment|system|machine|home\\s+directory|project|container|repo(?:sitory)?)\\s+(?:contains|has|includes))\\s+(?:an?\\s+|the\\s+)?(?:(?:file|folder|directory|marker|flag)\\s+(?:named|called)\\s+)?(${pathWord})`,
    "i",
  ),
  // "Marker present (`/var/run/task.flag`):", "With `~/.x` present:"
  new RegExp(
    `^\\W{0,6}(?:marker|flag|sentinel|trigger)\\s+(?:file\\s+)?(?:present|found|exists)\\b[^.;:\\n]{0,20}?(${pathWord})`,
    "i",
  ),
];

// A variable named in the sentence and tested: "if `SKILL_TASK_ID` is defined", "when $X equals 1".
const variable = new RegExp(
  `\\b${lead}\\b[^.;:\\n]{0,40}?(?:\\$\\{?([A-Z][A-Z0-9_]{2,})\\}?|\`([A-Z][A-Z0-9_]{2,})\`|\\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\\b)[^.;:\\n]{0,40}?\\b(?:is\\s+(?:set|defined|present|non-empty|true|on|enabled)|exists|equals?|is\\s+equal\\s+to|matches|contains|==|is\\s+["'\`]?\\w+["'\`]?)`,
  "i",
);
// Variables that configure the skill or hold its own credential: branching on them is routine.
const configVar =
  /(?:TOKEN|KEY|SECRET|PASSWORD|PASS|AUTH|URL|URI|HOST|PORT|PATH|DIR|HOME|ENDPOINT|REGION|MODEL|DEBUG|VERBOSE|LOG_LEVEL|PROFILE|ENV|LEVEL|RUN|COLOR|EMAIL|WEBHOOK)$/;

// The host, machine or user: "if the hostname begins with build-", "if the current user is root".
const identity =
  /\b(?:host\s?name|machine\s+name|computer\s+name|user\s?name|current\s+user|\$HOSTNAME|\$USER|whoami|the\s+(?:host|machine|user\s+account))\b[^.;:\n]{0,20}?\b(?:is|equals?|matches|contains|starts\s+with|ends\s+(?:with|in)|begins\s+with|beginning\s+with|starting\s+with|ending\s+(?:with|in)|==)\b|\b(?:if|when|whenever|only\s+if)\s+(?:you\s+are\s+)?running\s+as\s+(?:root|admin|administrator)\b/i;

const month =
  /(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)/
    .source;
const dateText = `(?:\\d{4}-\\d{2}-\\d{2}|${month}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${month},?\\s+\\d{4})`;
// A date or a window of the clock: "from 1 March 2027 onwards", "between 01:00 and 05:00", "at night".
const time = new RegExp(
  `\\b(?:after|on\\s+or\\s+after|from|starting|beginning|past|later\\s+than)\\s+(?:the\\s+)?${dateText}|\\bbetween\\s+\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)?\\s+and\\s+\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)?(?:\\s+(?:local\\s+)?time)?|\\b(?:at\\s+night|after\\s+(?:business|office|working)\\s+hours|outside\\s+(?:business|office|working)\\s+hours|on\\s+weekends|over\\s+the\\s+weekend)\\b`,
  "i",
);

const negation = /\b(?:not|never|no|don'?t|doesn'?t)\s+(?:\w+\s+){0,2}$/i;

/** The first condition on the environment in `s`, or undefined. Observation wins over the others. */
export function environmentConditionIn(s: string): EnvCondition | undefined {
  for (const re of observation) {
    const m = re.exec(s);
    if (m) return { kind: "observation", at: m.index, text: m[0] };
  }
  for (const re of marker) {
    const m = re.exec(s);
    if (!m || negation.test(s.slice(Math.max(0, m.index - 30), m.index))) continue;
    const subject = (m[1] ?? "").replace(/[`'"]/g, "");
    const kind = new RegExp(observedWord, "i").test(subject) ? "observation" : "marker";
    return { kind, at: m.index, text: m[0], subject };
  }
  const v = variable.exec(s);
  if (v) {
    const name = v[1] ?? v[2] ?? v[3] ?? "";
    if (!configVar.test(name) && name !== "CI")
      return {
        kind: new RegExp(observedWord, "i").test(name) || /AUDIT/.test(name) ? "observation" : "variable",
        at: v.index,
        text: v[0],
        subject: name,
      };
  }
  const id = identity.exec(s);
  if (id) return { kind: "identity", at: id.index, text: id[0] };
  const t = time.exec(s);
  if (t) return { kind: "time", at: t.index, text: t[0] };
  return undefined;
}
