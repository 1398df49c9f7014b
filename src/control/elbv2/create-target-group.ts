import type { CreateTargetGroupInput, CreateTargetGroupOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { targetGroupArn, targetGroupAttributeDefaults, type ListenerProtocol, type TargetGroupRecord, type TargetType } from '../../core/elbv2.js';
import { DuplicateTargetGroupName } from '../../core/elbv2-errors.js';
import { InvalidVpcIDNotFound } from '../../core/ec2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { elbId, validateName } from './lookups.js';
import { validateTags } from './tags.js';
import { describeTargetGroup, healthCheck } from './target-groups.js';
import { UNSERVED_PROTOCOLS, unservedProtocol } from './listeners.js';

const PROTOCOLS: readonly string[] = ['HTTP', 'HTTPS', 'TCP', 'TLS'];
const TARGET_TYPES: readonly string[] = ['instance', 'ip'];

/**
 * Creates a target group (instance or ip targets; HTTP, HTTPS, TCP or TLS). The same name with the same
 * settings answers with the existing group, as ELBv2 does. Without a VPC, the default VPC.
 */
export async function createTargetGroup(ctx: ControlContext, input: CreateTargetGroupInput): Promise<CreateTargetGroupOutput> {
  const name = input.Name!;
  validateName('Target group', name);
  const targetType = (input.TargetType ?? 'instance') as TargetType;
  if (!TARGET_TYPES.includes(targetType))
    throw new ValidationError(`Target type '${targetType}' is not supported by Wharf: use 'instance' or 'ip' (an 'alb' target is an ALB's listener, which Wharf's NLB cannot forward to; 'lambda' needs Lambda)`);
  const protocol = input.Protocol as ListenerProtocol | undefined;
  if (protocol === undefined) throw new ValidationError('A protocol must be specified');
  if (UNSERVED_PROTOCOLS.includes(protocol)) throw unservedProtocol(protocol);
  if (!PROTOCOLS.includes(protocol)) throw new ValidationError(`Protocol '${protocol}' is not supported by Wharf: use one of 'HTTP, HTTPS, TCP, TLS'`);
  if (input.Port === undefined) throw new ValidationError('A port must be specified');
  const tags = input.Tags ?? [];
  validateTags(tags);
  const checks = healthCheck(protocol, input);
  const vpcId = input.VpcId ?? (await ensureDefaultVpc(ctx)).VpcId;

  const { record, created } = await ctx.state.mutate((tx) => {
    if (!tx.get('vpc', vpcId)) throw new InvalidVpcIDNotFound(`The vpc ID '${vpcId}' does not exist`);
    const existing = [...ctx.state.all('targetGroup')].find((tg) => tg.TargetGroupName === name);
    if (existing) {
      const same = existing.Protocol === protocol && existing.Port === input.Port && existing.VpcId === vpcId && existing.TargetType === targetType;
      if (!same) throw new DuplicateTargetGroupName(`A target group with the same name '${name}' exists, but with different settings`);
      return { record: existing, created: false };
    }
    const arn = targetGroupArn(ctx.partition, name, elbId(ctx.ids));
    const fresh: TargetGroupRecord = {
      TargetGroupArn: arn,
      TargetGroupName: name,
      Protocol: protocol,
      ...(input.ProtocolVersion || protocol.startsWith('HTTP') ? { ProtocolVersion: input.ProtocolVersion ?? 'HTTP1' } : {}),
      Port: input.Port,
      VpcId: vpcId,
      TargetType: targetType,
      IpAddressType: input.IpAddressType ?? 'ipv4',
      ...checks,
      attributes: targetGroupAttributeDefaults(protocol),
      tags,
      targets: [],
    };
    return { record: tx.put('targetGroup', arn, fresh), created: true };
  });
  if (created) ctx.log.info('target group created', { targetGroupArn: record.TargetGroupArn });
  return { TargetGroups: [describeTargetGroup(ctx.state, record)] };
}
