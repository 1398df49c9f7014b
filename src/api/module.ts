// What one AWS service brings to Wharf: its wire binding (model and handlers), the controllers it runs and
// the state it needs at every start, and its additions to the authorisation rule. `services.ts` lists the
// modules; nothing else names a service.
import type { CallContext } from '../core/caller.js';
import type { ServiceRules } from '../control/authorization/rules.js';
import type { Kind } from '../core/records.js';
import type { ControlContext } from '../control/context.js';
import type { ServiceBinding } from '../protocol/service.js';

export interface ServiceModule {
  /**
   * Services are regional unless they say otherwise: each call is served with its region's context (the
   * region of its credential scope). A global service (IAM, STS) has one set of records, its `kinds`,
   * whatever region a call is signed for.
   */
  global?: { kinds: readonly Kind[] };
  /** The service's model and a handler per operation it implements, bound to one region's context. */
  binding(ctx: ControlContext): ServiceBinding;
  /** A region's background controllers; each resolves once `signal` aborts (awaited on shutdown). */
  controllers?(ctx: ControlContext, signal: AbortSignal): Promise<void>[];
  /**
   * Controllers that run once for the whole server, over every region (ELBv2's data plane: one HAProxy
   * serves every region's listeners); given the default region's context.
   */
  hostControllers?(ctx: ControlContext, signal: AbortSignal): Promise<void>[];
  /**
   * What the service adds to the generic authorisation rule (AWS's Service Authorization Reference, read
   * from data): resolved names, its condition keys, implied actions (iam:PassRole), where its tags are.
   */
  authorization?: ServiceRules;
  /**
   * What must exist in a region (ECS's `default` cluster, EC2's default VPC), as `call`: in the default region
   * after every start and every reset, in any other on its first use.
   */
  ensureDefaults?(ctx: ControlContext, call: CallContext): Promise<void>;
}
