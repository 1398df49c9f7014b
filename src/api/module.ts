// What one AWS service brings to Wharf: its wire binding (model and handlers), the controllers it runs and
// the state it needs at every start, and its additions to the authorisation rule. `services.ts` lists the
// modules; nothing else names a service.
import type { CallContext } from '../core/caller.js';
import type { ServiceRules } from '../control/authorization/rules.js';
import type { ControlContext } from '../control/context.js';
import type { ServiceBinding } from '../protocol/service.js';

export interface ServiceModule {
  /** The service's model and a handler per operation it implements. */
  binding(ctx: ControlContext): ServiceBinding;
  /** The background controllers this service owns; each resolves once `signal` aborts (awaited on shutdown). */
  controllers?(ctx: ControlContext, signal: AbortSignal): Promise<void>[];
  /**
   * What the service adds to the generic authorisation rule (AWS's Service Authorization Reference, read
   * from data): resolved names, its condition keys, implied actions (iam:PassRole), where its tags are.
   */
  authorization?: ServiceRules;
  /** What must exist after every start and every reset (ECS's `default` cluster, EC2's default VPC), as `call`. */
  ensureDefaults?(ctx: ControlContext, call: CallContext): Promise<void>;
}
