// Calls as an agent on its instance profile's credentials makes them, for the tests of the instance
// binding (instance-binding.ts). Not a test itself, imported by them.
import type { CallContext } from '../../core/caller.js';
import type { Fixture } from './fixtures.js';

/** A call signed with the `ecsInstanceRole` session the join step issued to EC2 instance `instanceId`. */
export function instanceCall(f: Fixture, instanceId: string): CallContext {
  const { accountId } = f.ctx.partition;
  return {
    ...f.call,
    caller: {
      accessKeyId: 'ASIAEXAMPLE',
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/ecsInstanceRole/${instanceId}`,
      type: 'assumed-role',
      identityArn: `arn:aws:iam::${accountId}:role/ecsInstanceRole`,
      session: { expiration: new Date(f.ctx.clock.now().getTime() + 3_600_000), instanceId },
    },
  };
}
