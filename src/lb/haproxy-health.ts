// HAProxy's view of a server (`show stat`: status, check_status, check_code) as ELBv2's target health.
// A target is `initial` until its checks first bring it up, `healthy` while HAProxy has it UP (including
// "UP 1/3", on its way down but still serving), `unhealthy` when down with a failing check, and
// `draining` once deregistered, whatever its checks say (as ELBv2 reports it).
import { responseCodeMismatch, TARGET_HEALTH, type TargetHealthObservation } from '../core/elbv2.js';

export interface ServerStat {
  status: string;
  check_status: string;
  check_code: string;
}

const TIMEOUTS = new Set(['L4TOUT', 'L6TOUT', 'L7TOUT']);
const PASSING = new Set(['', 'INI', 'L4OK', 'L6OK', 'L7OK', 'L7OKC']);

export function targetHealth(stat: ServerStat | undefined, o: { draining: boolean; everUp: boolean }): TargetHealthObservation {
  if (o.draining) return TARGET_HEALTH.draining;
  // Not (yet) in the running process, or still in maintenance: the registration is on its way.
  if (!stat || stat.status === 'MAINT') return TARGET_HEALTH.registering;
  if (stat.status === 'no check' || stat.status.startsWith('UP')) return TARGET_HEALTH.healthy;
  const check = stat.check_status.replace(/^\* /, '');
  if (PASSING.has(check)) return o.everUp ? TARGET_HEALTH.failed : TARGET_HEALTH.initial;
  if (check === 'L7STS') return responseCodeMismatch(stat.check_code);
  if (TIMEOUTS.has(check)) return TARGET_HEALTH.timeout;
  return TARGET_HEALTH.failed;
}
