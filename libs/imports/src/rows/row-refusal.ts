/** A row of an import file that was not imported: its line number (1-based, the header is line 1), a code and why. */
export interface RowRefusal {
  readonly line: number;
  readonly code: string;
  readonly reason: string;
}

/** Joins several problems of one row into one refusal, coded after the first. */
export function refusal(line: number, problems: readonly { code: string; message: string }[]): RowRefusal {
  return { line, code: problems[0]!.code, reason: problems.map((p) => p.message).join('; ') };
}
