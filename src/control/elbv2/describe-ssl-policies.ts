import type { DescribeSSLPoliciesInput, DescribeSSLPoliciesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SSL_POLICIES, sslPolicy } from '../../core/elbv2-ssl-policies.js';
import { SSLPolicyNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { page } from './lookups.js';

/** The predefined policies (core/elbv2-ssl-policies.ts), each for both load balancer types; an unknown name is SSLPolicyNotFound. */
export function describeSSLPolicies(_ctx: ControlContext, input: DescribeSSLPoliciesInput): DescribeSSLPoliciesOutput {
  const names = input.Names ?? [];
  const missing = names.filter((n) => !sslPolicy(n));
  if (missing.length) throw new SSLPolicyNotFound(`SSL policies '[${missing.join(', ')}]' not found`);
  const chosen = names.length ? SSL_POLICIES.filter((p) => names.includes(p.name)) : SSL_POLICIES;
  const { items, NextMarker } = page(chosen, (p) => p.name, input);
  return {
    SslPolicies: items.map((p) => ({
      Name: p.name,
      SslProtocols: p.protocols,
      Ciphers: [...p.suites, ...p.ciphers].map((Name, i) => ({ Name, Priority: i + 1 })),
      SupportedLoadBalancerTypes: ['application', 'network'],
    })),
    ...(NextMarker && { NextMarker }),
  };
}
