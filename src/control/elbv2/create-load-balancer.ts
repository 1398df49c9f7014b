import type { CreateLoadBalancerInput, CreateLoadBalancerOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { loadBalancerArn, loadBalancerDnsName, type LoadBalancerRecord, type LoadBalancerType } from '../../core/elbv2.js';
import { DuplicateLoadBalancerName } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { attributeDefaults, availabilityZones, checkSecurityGroups, checkSubnets, HOSTED_ZONE_ID } from './load-balancers.js';
import { elbId, validateName } from './lookups.js';
import { validateTags } from './tags.js';
import { securityGroupsByVpc, subnetsByVpc } from '../ec2/indexes.js';

const TYPES: readonly string[] = ['application', 'network'];

/**
 * Creates an application or network load balancer. As ELBv2 does, creating one that exists with the same
 * settings answers with it; the same name with other settings is DuplicateLoadBalancerName. Without subnets,
 * the default VPC's are used (ELBv2 requires them; Wharf's listeners all bind on this host anyway).
 */
export async function createLoadBalancer(ctx: ControlContext, input: CreateLoadBalancerInput): Promise<CreateLoadBalancerOutput> {
  const name = input.Name!;
  validateName('Load balancer', name);
  const type = (input.Type ?? 'application') as LoadBalancerType;
  if (!TYPES.includes(type)) throw new ValidationError(`Load balancer type '${type}' is not supported by Wharf: use 'application' or 'network'`);
  const scheme = input.Scheme ?? 'internet-facing';
  const tags = input.Tags ?? [];
  validateTags(tags);
  const requested = [...(input.Subnets ?? []), ...(input.SubnetMappings ?? []).map((m) => m.SubnetId ?? '')];
  const defaultVpc = requested.length === 0 ? await ensureDefaultVpc(ctx) : undefined;

  const { record, created } = await ctx.state.mutate((tx) => {
    const subnets = checkSubnets(tx, type, defaultVpc ? ctx.state.where(subnetsByVpc, defaultVpc.VpcId).map((s) => s.SubnetId) : requested);
    const vpcId = subnets[0]!.VpcId;
    const given = input.SecurityGroups?.length ? checkSecurityGroups(tx, vpcId, input.SecurityGroups) : undefined;
    const securityGroups = type === 'application' ? (given ?? ctx.state.where(securityGroupsByVpc, vpcId).filter((g) => g.GroupName === 'default').map((g) => g.GroupId)) : given;

    const existing = [...ctx.state.all('loadBalancer')].find((lb) => lb.LoadBalancerName === name);
    if (existing) {
      const same = existing.Type === type && existing.Scheme === scheme && existing.VpcId === vpcId;
      if (!same) throw new DuplicateLoadBalancerName(`A load balancer with the same name '${name}' exists, but with different settings`);
      return { record: existing, created: false };
    }
    const id = elbId(ctx.ids);
    const arn = loadBalancerArn(ctx.partition, type, name, id);
    const fresh: LoadBalancerRecord = {
      LoadBalancerArn: arn,
      LoadBalancerName: name,
      DNSName: loadBalancerDnsName(name, id, ctx.partition.region),
      CanonicalHostedZoneId: HOSTED_ZONE_ID,
      CreatedTime: ctx.clock.now(),
      Scheme: scheme,
      VpcId: vpcId,
      State: { Code: 'active' },
      Type: type,
      AvailabilityZones: availabilityZones(subnets),
      ...(securityGroups ? { SecurityGroups: securityGroups } : {}),
      IpAddressType: input.IpAddressType ?? 'ipv4',
      attributes: attributeDefaults(type),
      tags,
    };
    return { record: tx.put('loadBalancer', arn, fresh), created: true };
  });
  if (created) ctx.log.info('load balancer created', { loadBalancerArn: record.LoadBalancerArn, type });
  return { LoadBalancers: [record] };
}
