// Terraform's AWS provider (5.x) against a real `wharf up`: the VPC stack (test/terraform/vpc: the default
// VPC and its subnets as data sources; a new VPC with subnets, an internet gateway, route tables, a NAT
// gateway on an Elastic IP, gateway and interface endpoints, security groups with inline and standalone
// rules) applies, plans again with no changes and destroys, leaving only the default VPC. Terraform and the
// provider are the machine's (test/terraform-harness.ts); without them the test is skipped and says so.
import { DescribeAddressesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('vpc', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('a VPC stack applies, plans again with no changes, and destroys', { skip, timeout: 600_000 }, async () => {
  await stack.init();
  await stack.apply();
  const outputs = await stack.outputs();
  assert.match(String(outputs.default_vpc), /^vpc-[0-9a-f]{17}$/);
  assert.equal(outputs.default_subnets, 3);
  assert.equal(outputs.s3_prefix_list, 'com.amazonaws.us-east-1.s3');
  assert.match(String(outputs.nat_public_ip), /^198\.51\.100\.\d+$/);

  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['app'] }] }));
  assert.deepEqual(Vpcs.map((v) => [v.VpcId, v.CidrBlock]), [[outputs.vpc, '10.20.0.0/16']]);

  assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

  await stack.destroy();
  assert.deepEqual(await stack.stateList(), []);
  const left = await ec2.send(new DescribeVpcsCommand({}));
  assert.deepEqual(left.Vpcs?.map((v) => v.IsDefault), [true], 'only the default VPC is left');
  assert.deepEqual((await ec2.send(new DescribeAddressesCommand({}))).Addresses, []);
});
