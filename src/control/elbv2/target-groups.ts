// What the target group operations share: health-check settings (defaults by protocol and their checks, as
// the ELBv2 API reference gives them), attribute ranges, and the described shape.
import type { Matcher, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { isHttpProtocol, type TargetGroupRecord } from '../../core/elbv2.js';
import { ValidationError } from '../../core/errors.js';
import type { State } from '../state.js';
import { shown } from './actions.js';
import { loadBalancersOf } from './lookups.js';

export function describeTargetGroup(state: Pick<State, 'all' | 'get'>, tg: TargetGroupRecord): TargetGroup {
  return { ...tg, LoadBalancerArns: loadBalancersOf(state, tg.TargetGroupArn) };
}

export interface HealthCheckInput {
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckEnabled?: boolean;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: Matcher;
}

type HealthCheck = Pick<
  TargetGroupRecord,
  | 'HealthCheckProtocol'
  | 'HealthCheckPort'
  | 'HealthCheckEnabled'
  | 'HealthCheckPath'
  | 'HealthCheckIntervalSeconds'
  | 'HealthCheckTimeoutSeconds'
  | 'HealthyThresholdCount'
  | 'UnhealthyThresholdCount'
  | 'Matcher'
>;

/** The health check of a target group of `protocol`: `base` (its current one, or the defaults) with `input` applied. */
export function healthCheck(protocol: string | undefined, input: HealthCheckInput, base?: HealthCheck): HealthCheck {
  const http = isHttpProtocol(protocol);
  const checkProtocol = (input.HealthCheckProtocol ?? base?.HealthCheckProtocol ?? (http ? protocol : 'TCP')) as HealthCheck['HealthCheckProtocol'];
  if (http && checkProtocol === 'TCP') throw new ValidationError(`Health check protocol 'TCP' is not supported for target groups with the protocol '${protocol}'`);
  const httpCheck = isHttpProtocol(checkProtocol);
  const keepOwn = base && base.HealthCheckProtocol === checkProtocol;
  const result: HealthCheck = {
    HealthCheckProtocol: checkProtocol,
    HealthCheckPort: input.HealthCheckPort ?? base?.HealthCheckPort ?? 'traffic-port',
    HealthCheckEnabled: input.HealthCheckEnabled ?? base?.HealthCheckEnabled ?? true,
    HealthCheckIntervalSeconds: input.HealthCheckIntervalSeconds ?? base?.HealthCheckIntervalSeconds ?? 30,
    // CreateTargetGroup's documented defaults go by the target group's protocol: HTTP 6 s, GENEVE 5 s, others 10 s.
    HealthCheckTimeoutSeconds: input.HealthCheckTimeoutSeconds ?? (keepOwn ? base.HealthCheckTimeoutSeconds : protocol === 'HTTP' ? 6 : protocol === 'GENEVE' ? 5 : 10),
    HealthyThresholdCount: input.HealthyThresholdCount ?? base?.HealthyThresholdCount ?? 5,
    UnhealthyThresholdCount: input.UnhealthyThresholdCount ?? base?.UnhealthyThresholdCount ?? 2,
  };
  if (httpCheck) {
    result.HealthCheckPath = input.HealthCheckPath ?? (keepOwn ? base.HealthCheckPath : undefined) ?? '/';
    result.Matcher = input.Matcher ?? (keepOwn ? base.Matcher : undefined) ?? { HttpCode: http ? '200' : '200-399' };
  } else if (input.HealthCheckPath !== undefined || input.Matcher !== undefined)
    throw new ValidationError('Health check path and matcher are only supported for HTTP and HTTPS health checks');
  const port = result.HealthCheckPort;
  if (port !== 'traffic-port' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    throw new ValidationError(`Health check port '${port}' must be 'traffic-port' or a port between 1 and 65535`);
  if (result.HealthCheckTimeoutSeconds >= result.HealthCheckIntervalSeconds)
    throw new ValidationError(`Health check timeout '${result.HealthCheckTimeoutSeconds}' must be smaller than the interval '${result.HealthCheckIntervalSeconds}'`);
  if (result.Matcher?.HttpCode !== undefined) checkMatcher(result.Matcher.HttpCode, http ? 499 : 599);
  if (result.HealthCheckPath !== undefined && !result.HealthCheckPath.startsWith('/'))
    throw new ValidationError(`Health check path '${shown(result.HealthCheckPath)}' must begin with a '/' character`);
  // The path is sent as the request line's target: no spaces or control characters.
  if (result.HealthCheckPath !== undefined && /[\x00-\x20\x7f]/.test(result.HealthCheckPath))
    throw new ValidationError(`Health check path '${shown(result.HealthCheckPath)}' cannot contain spaces or control characters`);
  return result;
}

/**
 * A matcher's HTTP codes: a code, a list of codes or a range (`200`, `200,202`, `200-299`), each between 200
 * and 499 for an application load balancer's target group and 599 for a network load balancer's.
 */
function checkMatcher(httpCode: string, highest: number): void {
  for (const part of httpCode.split(',')) {
    const bounds = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const [low, high] = bounds ? [Number(bounds[1]), Number(bounds[2] ?? bounds[1])] : [0, 0];
    if (!bounds) throw new ValidationError(`Health check matcher HTTP code '${shown(httpCode)}' must be a code, a list of codes or a range such as 200-299`);
    if (low < 200 || high > highest || low > high) throw new ValidationError(`Health check matcher HTTP code '${part}' must be between 200 and ${highest}`);
  }
}

export const TARGET_GROUP_RANGES: Record<string, [number, number]> = {
  'deregistration_delay.timeout_seconds': [0, 3600],
  'stickiness.lb_cookie.duration_seconds': [1, 604800],
  'stickiness.app_cookie.duration_seconds': [1, 604800],
  'slow_start.duration_seconds': [0, 900],
};

/** The attribute ELBv2 drains deregistered targets for, in milliseconds. */
export const deregistrationDelayMs = (tg: TargetGroupRecord) => Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? 300) * 1000;
