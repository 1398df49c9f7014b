// Service Connect metrics, control-plane side: each task's proxy counts what it carries to each discovery
// name since it started, and its agent sends those counters on the container metrics' beat. What grew since
// the previous report is published to AWS/ECS as ECS publishes Service Connect's metrics: per client service
// and target (ClusterName, ServiceName, TargetDiscoveryName), and per service that serves the discovery name
// (ClusterName, ServiceName, DiscoveryName). RequestCount and the HTTPCode_Target_nXX_Count counts for
// HTTP aliases (appProtocol http); NewConnectionCount, ActiveConnectionCount and ProcessedBytes for all;
// TargetResponseTime (ms) when requests were answered.
import type { ServiceConnectStats } from '../../core/agent-protocol.js';
import { lastSegment, serviceArnOfTask } from '../../core/arn.js';
import type { Dimension, MetricSample } from '../../core/cloudwatch.js';
import { taskHost } from '../../core/ecs.js';
import type { ControlContext } from '../context.js';
import { periodStart, sample } from './container-metrics.js';

const PUBLISH_DELAY_MS = 1_000;
const COUNTS = ['requests', 'connections', 'activeConnections', 'bytesIn', 'bytesOut', 'averageResponseMs'] as const;

/** What one client service sent to one Cloud Map service in a round. */
interface Carried {
  clientServiceArn: string;
  serviceId: string;
  requests: number;
  responses: ServiceConnectStats['responses'];
  connections: number;
  activeConnections: number;
  bytes: number;
  /** Response time summed over requests, for the average. */
  responseMsTotal: number;
}

export class ServiceConnectMetrics {
  /** Each proxy's last counters, by `<task ARN> <service id>`. */
  private readonly last = new Map<string, ServiceConnectStats>();
  private pending = new Map<string, Carried>();
  private publishing?: Promise<void>;

  constructor(private readonly ctx: ControlContext) {}

  /** Takes an agent's report of the proxies of tasks on its own instance. */
  record(containerInstanceArn: string, stats: unknown): void {
    if (!Array.isArray(stats)) return;
    for (const s of stats.filter(wellFormed)) {
      const task = this.ctx.state.get('task', s.taskArn);
      const clientServiceArn = task && taskHost(task) === containerInstanceArn ? serviceArnOfTask(task) : undefined;
      if (!clientServiceArn) continue;
      const key = `${s.taskArn} ${s.serviceId}`;
      const before = this.last.get(key);
      this.last.set(key, s);
      // Counters that went back: the proxy restarted (or reloaded), and counts from zero again.
      const restarted = before !== undefined && s.requests + s.connections < before.requests + before.connections;
      const since = (now: number, then: number | undefined) => (restarted || then === undefined ? now : Math.max(0, now - then));
      const requests = since(s.requests, before?.requests);
      const round = this.pending.get(`${clientServiceArn} ${s.serviceId}`) ?? {
        clientServiceArn,
        serviceId: s.serviceId,
        requests: 0,
        responses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        connections: 0,
        activeConnections: 0,
        bytes: 0,
        responseMsTotal: 0,
      };
      round.requests += requests;
      for (const code of ['2xx', '3xx', '4xx', '5xx'] as const) round.responses[code] += since(s.responses[code], before?.responses[code]);
      round.connections += since(s.connections, before?.connections);
      round.activeConnections += s.activeConnections;
      round.bytes += since(s.bytesIn, before?.bytesIn) + since(s.bytesOut, before?.bytesOut);
      round.responseMsTotal += s.averageResponseMs * requests;
      this.pending.set(`${clientServiceArn} ${s.serviceId}`, round);
    }
    for (const key of this.last.keys()) if (this.ctx.state.get('task', key.split(' ')[0]!)?.lastStatus === 'STOPPED') this.last.delete(key);
    this.publishing ??= new Promise<void>((resolve) => setTimeout(resolve, PUBLISH_DELAY_MS))
      .then(() => {
        this.publishing = undefined;
        return this.publish();
      })
      .catch((err: Error) => this.ctx.log.warn('service connect metrics not published', { err: err.message }));
  }

  /** Publishes what the reports since the last round added up to (a round runs a second after reports arrive). */
  async publish(): Promise<void> {
    const rounds = [...this.pending.values()];
    this.pending = new Map();
    if (!this.ctx.metrics) return;
    const at = periodStart(this.ctx.clock.now());
    const samples = rounds.flatMap((round) => this.samples(round, at));
    if (samples.length) await this.ctx.metrics.put(this.ctx.partition, samples);
  }

  private samples(round: Carried, at: Date): MetricSample[] {
    const client = this.ctx.state.get('service', round.clientServiceArn);
    const sdService = this.ctx.state.get('sdService', round.serviceId);
    if (!client || !sdService) return [];
    const discoveryName = sdService.Name;
    const dimensionSets: Dimension[][] = [
      [{ Name: 'ClusterName', Value: lastSegment(client.clusterArn) }, { Name: 'ServiceName', Value: client.serviceName! }, { Name: 'TargetDiscoveryName', Value: discoveryName }],
      ...this.servers(sdService.NamespaceId, discoveryName).map((s) => [
        { Name: 'ClusterName', Value: lastSegment(s.clusterArn) },
        { Name: 'ServiceName', Value: s.serviceName! },
        { Name: 'DiscoveryName', Value: discoveryName },
      ]),
    ];
    return dimensionSets.flatMap((dimensions) => [
      sample('AWS/ECS', 'RequestCount', dimensions, at, 'Count', round.requests),
      ...(['2xx', '3xx', '4xx', '5xx'] as const).map((code) => sample('AWS/ECS', `HTTPCode_Target_${code.toUpperCase()}_Count`, dimensions, at, 'Count', round.responses[code])),
      sample('AWS/ECS', 'NewConnectionCount', dimensions, at, 'Count', round.connections),
      sample('AWS/ECS', 'ActiveConnectionCount', dimensions, at, 'Count', round.activeConnections),
      sample('AWS/ECS', 'ProcessedBytes', dimensions, at, 'Bytes', round.bytes),
      ...(round.requests > 0 ? [sample('AWS/ECS', 'TargetResponseTime', dimensions, at, 'Milliseconds', round.responseMsTotal / round.requests)] : []),
    ]);
  }

  /** The ECS services whose Service Connect configuration serves `discoveryName` in the namespace. */
  private servers(namespaceId: string, discoveryName: string) {
    const namespace = this.ctx.state.get('sdNamespace', namespaceId);
    return [...this.ctx.state.all('service')].filter((s) => {
      const config = s.serviceConnectConfiguration;
      return (
        s.status === 'ACTIVE' &&
        config?.enabled &&
        (config.namespace === namespace?.Name || config.namespace === namespace?.Arn) &&
        config.services?.some((e) => (e.discoveryName ?? e.portName) === discoveryName)
      );
    });
  }
}

function wellFormed(s: unknown): s is ServiceConnectStats {
  if (typeof s !== 'object' || s === null) return false;
  const c = s as Record<string, unknown>;
  const figure = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const responses = c.responses as Record<string, unknown> | undefined;
  return (
    typeof c.taskArn === 'string' &&
    typeof c.serviceId === 'string' &&
    COUNTS.every((k) => figure(c[k])) &&
    typeof responses === 'object' &&
    responses !== null &&
    ['2xx', '3xx', '4xx', '5xx'].every((k) => figure(responses[k]))
  );
}
