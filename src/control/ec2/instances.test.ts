import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { instanceCosts, type PriceTable } from '../../core/cost.js';
import { spotMetadata, type InstanceHost, type InstanceLauncher } from '../../core/ec2-instances.js';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { runInstances } from './run-instances.js';
import { describeInstances, describeInstanceStatus } from './describe-instances.js';
import { describeInstanceAttribute } from './instance-attributes.js';
import { instanceController } from './instance-controller.js';
import { launchInstances, startInstances, stopInstances, terminateInstances } from './instances.js';
import { createLaunchTemplate, createLaunchTemplateVersion, describeLaunchTemplateVersions, modifyLaunchTemplate } from './launch-templates.js';
import { interruptSpotInstances, selectSpotInstances } from './spot-instance-interruptions.js';
import { ensureDefaultVpc } from './vpcs.js';
import { busQueue } from '../events/bus-queue.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await ensureDefaultVpc(f.ctx);
});

const rejects = (p: Promise<unknown>, code: string, message?: string) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (message) assert.equal(err.message, message);
    return true;
  });

const AMI = 'ami-0123456789abcdef0';

/** A launcher that records what it was asked. */
function recordingLauncher(): InstanceLauncher & { started: InstanceHost[]; stopped: string[] } {
  const started: InstanceHost[] = [];
  const stopped: string[] = [];
  const up = new Set<string>();
  return {
    started,
    stopped,
    start: async (h) => void (started.push(h), up.add(h.instanceId)),
    stop: async (id, how) => void (stopped.push(`${id}:${how}`), up.delete(id)),
    hosts: (id) => up.has(id),
  };
}

/** Runs the controller until the instances settle. */
async function settle(): Promise<void> {
  const stop = new AbortController();
  const run = instanceController(f.ctx, stop.signal);
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  stop.abort();
  await run;
}

test('RunInstances: pending instances in the default subnet, one reservation, an address each', async () => {
  const r = await runInstances(f.ctx, { MinCount: 2, MaxCount: 2, ImageId: AMI, InstanceType: 'm5.large', UserData: Buffer.from('ECS_CLUSTER=x').toString('base64') });
  assert.equal(r.Instances?.length, 2);
  const [a, b] = r.Instances!;
  assert.match(a!.InstanceId!, /^i-[0-9a-f]{17}$/);
  assert.equal(a!.State?.Name, 'pending');
  assert.equal(a!.Placement?.AvailabilityZone, 'us-east-1a');
  assert.notEqual(a!.PrivateIpAddress, b!.PrivateIpAddress);
  const { Reservations = [] } = await describeInstances(f.ctx, { InstanceIds: [b!.InstanceId!, a!.InstanceId!], Filters: [{ Name: 'instance-type', Values: ['m5.*'] }] });
  assert.equal(Reservations.length, 1);
  assert.equal(Reservations[0]!.Instances?.length, 2);
});

test('RunInstances refuses what EC2 refuses, and leaves nothing behind', async () => {
  await rejects(runInstances(f.ctx, { MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 'm5.huge' as never }), 'InvalidParameterValue', "Invalid value 'm5.huge' for InstanceType.");
  await rejects(runInstances(f.ctx, { MinCount: 1, MaxCount: 1, ImageId: 'ami-xyz', InstanceType: 't3.micro' }), 'InvalidAMIID.Malformed');
  await rejects(runInstances(f.ctx, { MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 't3.micro', SubnetId: 'subnet-00000000000000000' }), 'InvalidSubnetID.NotFound');
  await rejects(runInstances(f.ctx, { MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 't3.micro', UserData: 'not base64!' }), 'InvalidParameterValue');
  await rejects(runInstances(f.ctx, { MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 't3.micro', IamInstanceProfile: { Name: 'nope' } }), 'InvalidParameterValue');
  await rejects(runInstances(f.ctx, { MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 't3.micro', KeyName: 'nope' }), 'InvalidKeyPair.NotFound');
  assert.equal([...f.ctx.state.all('instance')].length, 0);
  assert.equal([...f.ctx.state.all('networkInterface')].length, 0);
});

test('the controller starts hosts with the type\'s resources, stops and terminates them; terminated ones go after an hour', async () => {
  const launcher = recordingLauncher();
  f.ctx.instanceLauncher = launcher;
  const [i] = await launchInstances(f.ctx, { count: 1, instanceType: 'c5.xlarge', imageId: AMI, userData: Buffer.from('ECS_CLUSTER=x').toString('base64') });
  await settle();
  assert.equal(f.ctx.state.get('instance', i!.InstanceId)?.State.Name, 'running');
  assert.deepEqual([launcher.started[0]!.vcpus, launcher.started[0]!.memoryMiB, launcher.started[0]!.userData], [4, 8192, 'ECS_CLUSTER=x']);
  const statuses = await describeInstanceStatus(f.ctx, {});
  assert.equal(statuses.InstanceStatuses?.[0]?.InstanceStatus?.Status, 'ok');

  f.advance(90_500);
  const [stopping] = await stopInstances(f.ctx, [i!.InstanceId]);
  assert.deepEqual([stopping!.PreviousState?.Name, stopping!.CurrentState?.Name], ['running', 'stopping']);
  await settle();
  assert.equal(f.ctx.state.get('instance', i!.InstanceId)?.State.Name, 'stopped');
  // Billed per second from running to stopped, a minute at least: 90.5 s is 91 s at c5.xlarge's $0.17 an hour.
  const [usage] = [...f.ctx.state.all('instanceUsage')];
  assert.equal(usage!.billedSeconds, 91);
  const prices = { ec2: { 'c5.xlarge': { vcpu: 4, memoryGiB: 8, hour: 0.17 } } } as unknown as PriceTable;
  assert.deepEqual(instanceCosts([usage!], prices), [{ instanceType: 'c5.xlarge', market: 'on-demand', runs: 1, running: 0, hours: 91 / 3600, cost: (91 / 3600) * 0.17 }]);
  await rejects(stopInstances(f.ctx, ['i-00000000000000000']), 'InvalidInstanceID.NotFound', "The instance ID 'i-00000000000000000' does not exist");
  await startInstances(f.ctx, [i!.InstanceId]);
  await settle();
  assert.equal(launcher.started.length, 2);

  await terminateInstances(f.ctx, [i!.InstanceId]);
  await settle();
  assert.deepEqual(launcher.stopped, [`${i!.InstanceId}:stop`, `${i!.InstanceId}:terminate`]);
  assert.equal(f.ctx.state.get('instance', i!.InstanceId)?.State.Name, 'terminated');
  assert.equal([...f.ctx.state.all('networkInterface')].length, 0);
  await rejects(startInstances(f.ctx, [i!.InstanceId]), 'IncorrectInstanceState');
  f.advance(3_600_000);
  await settle();
  assert.equal(f.ctx.state.get('instance', i!.InstanceId), undefined);
});

test('launch templates: versions, $Latest and $Default, and instances launched from them', async () => {
  const { LaunchTemplate: lt } = await createLaunchTemplate(f.ctx, { LaunchTemplateName: 'ecs', LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.small' } }, f.call);
  await rejects(createLaunchTemplate(f.ctx, { LaunchTemplateName: 'ecs', LaunchTemplateData: {} }, f.call), 'InvalidLaunchTemplateName.AlreadyExistsException');
  await createLaunchTemplateVersion(f.ctx, { LaunchTemplateId: lt!.LaunchTemplateId, SourceVersion: '1', LaunchTemplateData: { InstanceType: 'm5.large' } }, f.call);
  const [fromDefault] = await launchInstances(f.ctx, { count: 1, launchTemplate: { id: lt!.LaunchTemplateId } });
  const [fromLatest] = await launchInstances(f.ctx, { count: 1, launchTemplate: { name: 'ecs', version: '$Latest' } });
  assert.deepEqual([fromDefault!.InstanceType, fromLatest!.InstanceType, fromLatest!.ImageId], ['t3.small', 'm5.large', AMI]);
  assert.deepEqual(fromLatest!.launchTemplate, { id: lt!.LaunchTemplateId, version: '2' });
  await modifyLaunchTemplate(f.ctx, { LaunchTemplateId: lt!.LaunchTemplateId, DefaultVersion: '2' });
  const { LaunchTemplateVersions = [] } = await describeLaunchTemplateVersions(f.ctx, { LaunchTemplateName: 'ecs' });
  assert.deepEqual(LaunchTemplateVersions.map((v) => [v.VersionNumber, v.DefaultVersion]), [[2, true], [1, false]]);
  await rejects(launchInstances(f.ctx, { count: 1, launchTemplate: { id: lt!.LaunchTemplateId, version: '7' } }), 'InvalidLaunchTemplateId.VersionNotFound');
});

test('empty user data is none, as EC2 keeps it: the template and its instance answer without a value', async () => {
  // Terraform's provider sends `LaunchTemplateData.UserData=` for a template without user data.
  await createLaunchTemplate(f.ctx, { LaunchTemplateName: 'bare', LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.small', UserData: '' } }, f.call);
  const { LaunchTemplateVersions = [] } = await describeLaunchTemplateVersions(f.ctx, { LaunchTemplateName: 'bare' });
  assert.equal(LaunchTemplateVersions[0]!.LaunchTemplateData!.UserData, undefined);
  const [instance] = (await runInstances(f.ctx, { MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'bare' }, UserData: '' })).Instances!;
  assert.deepEqual((await describeInstanceAttribute(f.ctx, { InstanceId: instance!.InstanceId, Attribute: 'userData' })).UserData, {});
});

test('a Spot interruption: the two-minute notice on running Spot instances only, once; EC2 terminates the instance when it ends', async () => {
  f.ctx.instanceLauncher = recordingLauncher();
  const [spot] = await launchInstances(f.ctx, { count: 1, instanceType: 'c5.large', imageId: AMI, market: 'spot' });
  const [onDemand] = await launchInstances(f.ctx, { count: 1, instanceType: 'c5.large', imageId: AMI });
  assert.deepEqual(await interruptSpotInstances(f.ctx, selectSpotInstances(undefined)), [], 'a pending instance is not interrupted');
  await settle();
  assert.deepEqual(await interruptSpotInstances(f.ctx, selectSpotInstances([spot!.InstanceId, onDemand!.InstanceId])), [spot!.InstanceId]);
  const notice = f.ctx.state.get('instance', spot!.InstanceId)!.spotInterruption!;
  assert.deepEqual(notice, { action: 'terminate', time: new Date(f.ctx.clock.now().getTime() + 120_000) });
  assert.deepEqual(spotMetadata(notice).terminationTime, '2026-01-01T00:02:00Z');
  assert.deepEqual(await interruptSpotInstances(f.ctx, selectSpotInstances(undefined)), [], 'one notice per instance');
  const [warning] = busQueue(f.ctx).take().map((q) => q.event);
  assert.deepEqual([warning!.source, warning!['detail-type'], warning!.resources, warning!.detail], [
    'aws.ec2',
    'EC2 Spot Instance Interruption Warning',
    [`arn:aws:ec2:us-east-1:${f.ctx.partition.accountId}:instance/${spot!.InstanceId}`],
    { 'instance-id': spot!.InstanceId, 'instance-action': 'terminate' },
  ]);

  f.advance(119_000);
  await settle();
  assert.equal(f.ctx.state.get('instance', spot!.InstanceId)!.State.Name, 'running');
  f.advance(1_000);
  await settle();
  const terminated = f.ctx.state.get('instance', spot!.InstanceId)!;
  assert.equal(terminated.State.Name, 'terminated');
  assert.deepEqual(terminated.StateReason, { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' });
  assert.match(terminated.StateTransitionReason, /^Service initiated \(2026-01-01 00:02:00 GMT\)$/);
  assert.equal(f.ctx.state.get('instance', onDemand!.InstanceId)!.State.Name, 'running');
});

test('a Spot instance of a persistent request with interruption behaviour stop is stopped at the end of its notice, and may start again', async () => {
  f.ctx.instanceLauncher = recordingLauncher();
  const spotOptions = { SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'stop' };
  const [spot] = await launchInstances(f.ctx, { count: 1, instanceType: 'c5.large', imageId: AMI, market: 'spot', spotOptions });
  await settle();
  assert.deepEqual(await interruptSpotInstances(f.ctx, selectSpotInstances(undefined)), [spot!.InstanceId]);
  assert.equal(f.ctx.state.get('instance', spot!.InstanceId)!.spotInterruption!.action, 'stop');
  assert.deepEqual(busQueue(f.ctx).take().map((q) => q.event.detail), [{ 'instance-id': spot!.InstanceId, 'instance-action': 'stop' }]);
  f.advance(120_000);
  await settle();
  const stopped = f.ctx.state.get('instance', spot!.InstanceId)!;
  assert.equal(stopped.State.Name, 'stopped');
  assert.deepEqual(stopped.StateReason, { Code: 'Server.SpotInstanceShutdown', Message: 'Server.SpotInstanceShutdown: Spot instance shutdown' });
  assert.equal(stopped.spotInterruption, undefined, 'the notice is over');

  // Hibernation configured means hibernate; EC2's combinations otherwise refused.
  const [hibernating] = await launchInstances(f.ctx, { count: 1, instanceType: 'c5.large', imageId: AMI, market: 'spot', spotOptions: { SpotInstanceType: 'persistent' }, hibernationConfigured: true });
  assert.equal(f.ctx.state.get('instance', hibernating!.InstanceId)!.spotInterruptionBehavior, 'hibernate');
  const refused = (spotOptions: Record<string, string>, hibernationConfigured?: boolean) =>
    assert.rejects(launchInstances(f.ctx, { count: 1, instanceType: 'c5.large', imageId: AMI, market: 'spot', spotOptions, ...(hibernationConfigured && { hibernationConfigured }) }), (err: Error & { code?: string }) => err.code === 'InvalidParameterCombination');
  await refused({ InstanceInterruptionBehavior: 'stop' });
  await refused({ SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'terminate' });
  await refused({ SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'stop' }, true);
});
