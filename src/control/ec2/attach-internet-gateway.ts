import type { AttachInternetGatewayRequest } from '@aws-sdk/client-ec2';
import { ResourceAlreadyAssociated } from '../../core/ec2-errors.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveInternetGateway, resolveVpc } from './lookups.js';

/** Attaches a gateway to a VPC: one gateway per VPC, one VPC per gateway. */
export async function attachInternetGateway(ctx: ControlContext, input: AttachInternetGatewayRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const gateway = resolveInternetGateway(tx, input.InternetGatewayId!);
    const vpc = resolveVpc(tx, input.VpcId!);
    const attached = gateway.Attachments[0];
    if (attached) throw new ResourceAlreadyAssociated(`resource ${gateway.InternetGatewayId} is already attached to network ${attached.VpcId}`);
    const other = [...ctx.state.all('internetGateway')].find((g) => g.Attachments.some((a) => a.VpcId === vpc.VpcId));
    if (other) throw new InvalidParameterValue(`Network ${vpc.VpcId} already has an internet gateway attached`);
    tx.put('internetGateway', gateway.InternetGatewayId, { ...gateway, Attachments: [{ State: 'available', VpcId: vpc.VpcId }] });
  });
  ctx.log.info('internet gateway attached', { internetGatewayId: input.InternetGatewayId, vpcId: input.VpcId });
}
