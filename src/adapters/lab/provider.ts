// The lab port types belong to the engine (engine/ports.ts); re-exported here for the providers.
export type {
  Availability,
  CreateOptions,
  ExecOptions,
  LabNode,
  LabProvider,
  LabStatus,
  LifecycleResult,
  NodeRole,
  NodeStatus,
  ProviderKind,
  StepEvent,
} from '../../engine/ports.js';
