// ELBv2's secondary indexes over the control plane's state (see `defineIndex`).
import { defineIndex } from '../state.js';

export const listenersByLoadBalancer = defineIndex('listener', (l) => l.LoadBalancerArn);
export const rulesByListener = defineIndex('rule', (r) => r.ListenerArn);
