// Who produced a report. One place, so the JSON, SARIF and HTML outputs agree.

export const tool = {
  name: "skillwall",
  version: "0.1.0",
  informationUri: "https://github.com/skillwall/skillwall",
} as const;

/** What every renderer needs to know about the scan besides its results. */
export interface ReportMeta {
  /** The policy the verdicts came from: its name and the sha256 of its resolved form. */
  policy: { name: string; hash: string };
}
