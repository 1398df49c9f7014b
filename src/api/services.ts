// Every AWS service Wharf serves, one line each: adding a service is adding its module here.
import { acm } from './acm.js';
import { ec2 } from './ec2.js';
import { ecs } from './ecs.js';
import { elbv2 } from './elbv2.js';
import { iam } from './iam.js';
import type { ServiceModule } from './module.js';
import type { RulesBySigningName } from '../control/authorization/authorizer.js';
import type { ControlContext } from '../control/context.js';
import type { ServiceBinding } from '../protocol/service.js';
import { sts } from './sts.js';

export const SERVICES: readonly ServiceModule[] = [ecs, elbv2, acm, ec2, iam, sts];

/** The served services bound to `ctx`: each one's wire binding, and their authorisation rules by signing name. */
export function bindServices(ctx: ControlContext): { bindings: ServiceBinding[]; rules: RulesBySigningName } {
  const bindings = SERVICES.map((service) => service.binding(ctx));
  const rules = Object.fromEntries(
    bindings.map(({ model: { metadata } }, i) => [metadata.signingName ?? metadata.endpointPrefix, SERVICES[i]!.authorization ?? {}]),
  );
  return { bindings, rules };
}
