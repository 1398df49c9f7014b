import type { DescribeListenerCertificatesInput, DescribeListenerCertificatesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { page, resolveListener } from './lookups.js';

/** A listener's certificates: its default one (IsDefault) and those added for SNI. */
export function describeListenerCertificates(ctx: ControlContext, input: DescribeListenerCertificatesInput): DescribeListenerCertificatesOutput {
  const listener = resolveListener(ctx.state, input.ListenerArn!);
  const all = [
    ...(listener.Certificates ?? []).map((c) => ({ CertificateArn: c.CertificateArn!, IsDefault: true })),
    ...(listener.extraCertificates ?? []).map((arn) => ({ CertificateArn: arn, IsDefault: false })),
  ];
  const { items, NextMarker } = page(all, (c) => `${c.IsDefault ? 0 : 1}${c.CertificateArn}`, input);
  return { Certificates: items, ...(NextMarker ? { NextMarker } : {}) };
}
