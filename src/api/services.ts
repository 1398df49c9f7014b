// Every AWS service Wharf serves, one line each: adding a service is adding its module here.
import { acm } from './acm.js';
import { cloudwatch } from './cloudwatch.js';
import { applicationAutoScaling } from './application-autoscaling.js';
import { autoscaling } from './autoscaling.js';
import { dynamodb } from './dynamodb.js';
import { ec2 } from './ec2.js';
import { ecr } from './ecr.js';
import { ecs } from './ecs.js';
import { efs } from './efs.js';
import { events } from './events.js';
import { elbv2 } from './elbv2.js';
import { iam } from './iam.js';
import { logs } from './logs.js';
import type { ServiceModule } from './module.js';
import type { RulesBySigningName } from '../control/authorization/authorizer.js';
import type { ControlContext } from '../control/context.js';
import { Regions } from '../control/regions.js';
import type { Kind } from '../core/records.js';
import type { Handler, ServiceBinding } from '../protocol/service.js';
import { s3 } from './s3.js';
import { scheduler } from './scheduler.js';
import { servicediscovery } from './servicediscovery.js';
import { sts } from './sts.js';

export const SERVICES: readonly ServiceModule[] = [ecs, elbv2, acm, ec2, iam, sts, cloudwatch, logs, ecr, events, applicationAutoScaling, autoscaling, efs, dynamodb, s3, scheduler, servicediscovery];

/** The kinds of the global services' records: one set whatever the region (State.open). */
export const GLOBAL_KINDS: readonly Kind[] = SERVICES.flatMap((service) => service.global?.kinds ?? []);

/**
 * The served services bound to `regions` (by default the regions of `ctx`, with no defaults to make):
 * each one's wire binding, and their authorisation rules by signing name. A regional service's call is
 * handled by its binding to the call's region, once that region's defaults exist.
 */
export function bindServices(ctx: ControlContext, regions = new Regions(ctx)): { bindings: ServiceBinding[]; rules: RulesBySigningName } {
  const bindings = SERVICES.map((service) => (service.global ? service.binding(ctx) : regionalBinding(service, regions)));
  const rules = Object.fromEntries(
    bindings.map(({ model: { metadata } }, i) => [metadata.signingName ?? metadata.endpointPrefix, SERVICES[i]!.authorization ?? {}]),
  );
  return { bindings, rules };
}

function regionalBinding(service: ServiceModule, regions: Regions): ServiceBinding {
  const byRegion = new Map<string, ServiceBinding>();
  const bindingIn = async (region: string) => {
    const ctx = await regions.ready(region);
    let binding = byRegion.get(region);
    if (!binding) byRegion.set(region, (binding = service.binding(ctx)));
    return binding;
  };
  const binding = service.binding(regions.base);
  byRegion.set(regions.base.partition.region, binding);
  const handlers = Object.fromEntries(
    Object.keys(binding.handlers).map((operation): [string, Handler] => [
      operation,
      async (input, call) => (await bindingIn(call.region)).handlers[operation]!(input, call),
    ]),
  );
  return { ...binding, handlers };
}
