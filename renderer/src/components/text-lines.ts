// Multi-line form fields: one entry per non-empty line, trimmed. Arguments and variables go to
// the engine as a list, never through a shell, so nothing is split or expanded.
export const textLines = (v: string): string[] =>
  v
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
