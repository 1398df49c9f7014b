// The load-balancer controller: keeps the data plane serving what the ELBv2 records say, records what the
// data plane's health checks observe, and forgets deregistered targets once they have drained.
// Level-based: every pass derives the whole configuration from the state; the data plane is only handed
// a configuration that differs from the one it serves (it applies target changes without a reload).
// One data plane serves every region's load balancers, so the controller runs once, over every region.
import { lastSegment } from '../../core/arn.js';
import type { TargetHealthObservation, TargetRecord } from '../../core/elbv2.js';
import { targetHealthKey, type LoadBalancerDataPlane, type TargetHealthReport } from '../../core/load-balancer.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner } from '../runner.js';
import type { Change } from '../state.js';
import { inRegion } from '../regions.js';
import { dataPlaneConfig } from './data-plane-config.js';
import { recordRefusals } from './data-plane-refusals.js';
import { targetKey } from './targets.js';

export interface LoadBalancerControllerOptions {
  /** The address listeners bind on this host. */
  address: string;
  /** How often health is read from the data plane (and drained targets forgotten). */
  pollMs: number;
}

export const LOAD_BALANCER_CONTROLLER_DEFAULTS: LoadBalancerControllerOptions = { address: '127.0.0.1', pollMs: 250 };

/** Kinds whose changes can change what the data plane serves (security groups and their members: who may connect). */
const SERVED = new Set(['loadBalancer', 'listener', 'rule', 'targetGroup', 'certificate', 'containerInstance', 'securityGroup', 'networkInterface']);

/** Where the data plane reaches an instance target: its container instance's advertised address, else this host. */
const ADDRESS_ATTRIBUTE = 'wharf.host-address';

/** What the controller converges: the configuration the data plane serves, and the health recorded from it. */
type Concern = 'config' | 'health';

export class LoadBalancerController {
  private readonly options: LoadBalancerControllerOptions;
  private readonly runner: ControllerRunner<Concern>;
  private applied: string | undefined;

  constructor(
    private readonly ctx: ControlContext,
    private readonly dataPlane: LoadBalancerDataPlane,
    options: Partial<LoadBalancerControllerOptions> = {},
  ) {
    this.options = { ...LOAD_BALANCER_CONTROLLER_DEFAULTS, ...options };
    this.runner = new ControllerRunner<Concern>(ctx, (concern) => (concern === 'config' ? this.sync() : this.recordHealth()), {
      name: 'load balancer',
      triggers: (changes: Change[]) => (changes.some((c) => SERVED.has(c.kind)) ? ['config'] : []),
      everyRegion: true,
      resync: { everyMs: this.options.pollMs, keys: () => ['config', 'health'] },
      retryMs: this.options.pollMs,
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.runner.run(signal);
  }

  /** One pass: serve the state, record health, forget drained targets (public so tests drive it). */
  async tick(): Promise<void> {
    await this.sync();
    await this.recordHealth();
  }

  /** The contexts of the regions that have state (the default one always). */
  private regions(): ControlContext[] {
    return [...new Set([this.ctx.partition.region, ...this.ctx.state.regions()])].map((region) => inRegion(this.ctx, region));
  }

  /** Hands the data plane the configuration the state asks for, when it differs. */
  private async sync(): Promise<void> {
    const regions = this.regions();
    // Listener and target group ids are unique across regions: the regions' configurations side by side are one.
    const configs = regions.map((ctx) => dataPlaneConfig(ctx.state, { address: this.options.address, instanceAddress: (id) => this.instanceAddress(ctx, id) }));
    const config = { frontends: configs.flatMap((c) => c.frontends), backends: configs.flatMap((c) => c.backends) };
    const text = JSON.stringify(config);
    if (text === this.applied) return;
    try {
      const refusals = await this.dataPlane.apply(config);
      for (const ctx of regions) await recordRefusals(ctx, refusals);
      this.applied = text;
      this.ctx.log.debug('load balancers applied', { listeners: config.frontends.length, targetGroups: config.backends.length });
    } catch (err) {
      // The data plane keeps serving its last valid configuration; the next change tries again.
      this.applied = text;
      this.ctx.log.error('load balancer configuration refused', { err: (err as Error).message });
    }
  }

  private async recordHealth(): Promise<void> {
    const report = await this.dataPlane.targetHealth();
    for (const ctx of this.regions()) await this.observe(ctx, report);
  }

  /** Where the data plane reaches the instance `instanceId` of the region of `ctx`. */
  private instanceAddress(ctx: ControlContext, instanceId: string): string | undefined {
    for (const instance of ctx.state.all('containerInstance')) {
      if (instance.ec2InstanceId !== instanceId || instance.status === 'INACTIVE') continue;
      return instance.attributes.find((a) => a.name === ADDRESS_ATTRIBUTE)?.value ?? this.options.address;
    }
    return undefined;
  }

  /** Records health that changed (on targets and on the tasks they stand for) and forgets targets done draining. */
  private async observe(ctx: ControlContext, report: TargetHealthReport): Promise<void> {
    const now = ctx.clock.now().getTime();
    const stale = (tg: { TargetGroupArn: string; targets: TargetRecord[] }) =>
      tg.targets.some((t) => drained(t, now) || (!t.drainingUntil && differs(t.health, report.get(targetHealthKey(lastSegment(tg.TargetGroupArn), targetKey(t))))));
    if (![...ctx.state.all('targetGroup')].some(stale)) return;
    await ctx.state.mutate((tx) => {
      for (const tg of ctx.state.all('targetGroup')) {
        if (!stale(tg)) continue;
        const id = lastSegment(tg.TargetGroupArn);
        const targets = tg.targets
          .filter((t) => !drained(t, now))
          .map((t) => {
            const observed = report.get(targetHealthKey(id, targetKey(t)));
            return t.drainingUntil || !differs(t.health, observed) ? t : { ...t, health: observed! };
          });
        tx.put('targetGroup', tg.TargetGroupArn, { ...tg, targets });
        for (const t of tg.targets) if (drained(t, now)) ctx.log.info('target drained', { targetGroupArn: tg.TargetGroupArn, target: targetKey(t) });
      }
    });
  }
}

const drained = (t: TargetRecord, now: number) => t.drainingUntil !== undefined && new Date(t.drainingUntil).getTime() <= now;

const differs = (a: TargetHealthObservation | undefined, b: TargetHealthObservation | undefined) =>
  b !== undefined && (a?.State !== b.State || a?.Reason !== b.Reason || a?.Description !== b.Description);
