// What every Learn track is made of: steps, each with a sentence or two, the docker commands it
// equals (or why there is none), and a status read from the live cluster. A step unlocks once
// every step above it holds, so a track resumes wherever the cluster is.

export interface StepStatus {
  done: boolean;
  /** What is missing, in words, while not done. */
  waiting?: string;
}

export interface StepView {
  id: string;
  title: string;
  explain: string;
  status: StepStatus;
  /** The docker commands the step equals, shown before it runs. */
  cli: string[];
  /** Why there is no command, when `cli` is empty (never an empty box). */
  noCli?: string;
}

/** The first step not done: everything before it is done, everything after it locked. */
export function firstOpen(steps: Pick<StepView, 'status'>[]): number {
  const i = steps.findIndex((s) => !s.status.done);
  return i === -1 ? steps.length : i;
}

/** The lines a step's command box shows: its commands, or the reason it has none. */
export function cliLines(step: Pick<StepView, 'cli' | 'noCli'>): string[] {
  if (step.cli.length) return step.cli;
  return [`# ${step.noCli ?? 'Nothing to type: this step only reads what the cluster already shows.'}`];
}
