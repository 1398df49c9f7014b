import type { DescribeListenerAttributesInput, DescribeListenerAttributesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { attributeList } from './load-balancers.js';
import { listenerAttributes } from './listeners.js';
import { resolveListener } from './lookups.js';

export function describeListenerAttributes(ctx: ControlContext, input: DescribeListenerAttributesInput): DescribeListenerAttributesOutput {
  return { Attributes: attributeList(listenerAttributes(resolveListener(ctx.state, input.ListenerArn!))) };
}
