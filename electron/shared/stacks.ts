// What the stack, secret and config methods return. Plain data; never a secret's or config's
// content (that goes in once, in a create, and never comes back).
import type { CliCommand } from './model';

/** Something wrong in a compose file, where it is (1-based line and column). */
export interface ComposeProblem {
  message: string;
  line: number;
  col: number;
  /** The dotted path in the file, e.g. services.web.deploy.replicas. */
  path?: string;
  hint?: string;
}

/** A key the stack deploy leaves out, named with its service. */
export interface ComposeWarning {
  service?: string;
  key: string;
  message: string;
}

export interface ComposeVariables {
  /** Given in the .env text and used. */
  used: string[];
  /** Not given; the file's default stood in. */
  defaulted: string[];
  /** Not given and no default: an empty string (or an error, for ${VAR:?}). */
  missing: string[];
}

/** The outcome of checking a compose file without touching the swarm. */
export interface ComposeCheck {
  ok: boolean;
  problems: ComposeProblem[];
  warnings: ComposeWarning[];
  variables: ComposeVariables;
  /** Short names of the services the file defines. */
  services: string[];
}

export type PlanAction = 'create' | 'update' | 'unchanged' | 'remove' | 'external';
export interface StackPlanItem {
  kind: 'service' | 'network' | 'secret' | 'config' | 'volume';
  name: string;
  action: PlanAction;
  /** For an update: the spec fields that differ (dotted paths). */
  changes?: string[];
}

export interface StackDeployResult {
  stack: string;
  preview: boolean;
  plan: StackPlanItem[];
  warnings: ComposeWarning[];
  variables: ComposeVariables;
  message: string;
  commands: CliCommand[];
}

export interface StackServiceView {
  id: string;
  name: string;
  /** The name in the compose file (without the `<stack>_` prefix). */
  shortName: string;
  image: string;
  mode: 'replicated' | 'global';
  /** Tasks that should run (replicas, or one per eligible node for global). */
  desired: number;
  running: number;
}

export interface StackView {
  name: string;
  services: StackServiceView[];
  networks: { id: string; name: string }[];
  secrets: { id: string; name: string }[];
  configs: { id: string; name: string }[];
}

/** How a stack's services are doing after a deploy: converged, still rolling, or failing (and why). */
export interface StackServiceStatus {
  name: string;
  shortName: string;
  desired: number;
  running: number;
  state: 'converged' | 'progressing' | 'failing';
  /** Why tasks are not running: the latest task error or scheduler message ("no suitable node …"). */
  reason?: string;
  /** The update's state when one is under way or stopped (updating, paused, rollback_…). */
  updateState?: string;
}

export interface StackStatus {
  stack: string;
  converged: boolean;
  services: StackServiceStatus[];
  commands: CliCommand[];
}

export interface StackList {
  stacks: StackView[];
  commands: CliCommand[];
}

export interface SwarmObjectList {
  items: SwarmObjectView[];
  commands: CliCommand[];
}

export interface SwarmObjectUser {
  serviceId: string;
  serviceName: string;
  /** The path (file name) the object appears at in the service's tasks. */
  target: string;
}

export interface SwarmObjectView {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** The stack that created it, from its com.docker.stack.namespace label. */
  stack?: string;
  createdAt: string;
  updatedAt: string;
  usedBy: SwarmObjectUser[];
}

export interface RotateResult {
  message: string;
  /** The new object's name. */
  name: string;
  /** Each step in order: create, update each service, remove the old one. */
  steps: { step: string; ok: boolean; message: string; commands: CliCommand[] }[];
  commands: CliCommand[];
}
