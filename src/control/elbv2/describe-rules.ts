import type { DescribeRulesInput, DescribeRulesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveListener, resolveRule } from './lookups.js';
import { defaultRule, listenerRules } from './rules.js';

export function describeRules(ctx: ControlContext, input: DescribeRulesInput): DescribeRulesOutput {
  const { ListenerArn: listenerArn, RuleArns: arns } = input;
  if (!listenerArn && !arns?.length) throw new ValidationError('You must specify either listener ARN or rule ARNs');
  if (listenerArn && arns?.length) throw new ValidationError('Listener ARN and rule ARNs cannot be specified at the same time');
  const rules = listenerArn
    ? listenerRules(ctx.state, resolveListener(ctx.state, listenerArn))
    : arns!.map((arn) => {
        const found = resolveRule(ctx.state, arn);
        return 'default' in found ? defaultRule(found.default) : found;
      });
  // One page holds every rule of a listener (at most 100 by ELBv2's quota).
  const size = input.PageSize ?? 400;
  const start = input.Marker ? Number(Buffer.from(input.Marker, 'base64').toString('utf8')) : 0;
  const items = rules.slice(start, start + size);
  const next = start + size < rules.length ? { NextMarker: Buffer.from(String(start + size)).toString('base64') } : {};
  return { Rules: items, ...next };
}
