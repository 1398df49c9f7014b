import { execFileSync } from 'node:child_process';
import { createGateway } from '../src/protocol/gateway.js';
import { loadModel } from '../src/protocol/model.js';
import { ClusterNotFoundException } from '../src/core/errors.js';
const log = { debug() {}, info() {}, warn() {}, error(m: string, f: unknown) { console.error(m, f); }, child() { return log; } } as any;
const gw = createGateway({
  services: [{ model: loadModel('ecs'), handlers: {
    ListClusters: () => ({ clusterArns: ['arn:aws:ecs:us-east-1:0:cluster/default'] }),
    DescribeClusters: () => { throw new ClusterNotFoundException('Cluster not found.'); },
    DescribeTasks: () => ({ tasks: [{ taskArn: 't', createdAt: new Date(1714564800500) }], failures: [] }),
  } }],
  credentials: { resolve: (id) => id === 'AKIAX' ? { secretAccessKey: 'sec/ret+', caller: { accessKeyId: id, accountId: '0', arn: 'r' } } : undefined },
  auth: 'sigv4', accountId: '0', region: 'us-east-1', log,
});
const { port } = await gw.listen(0, '127.0.0.1');
const py = `
import boto3, botocore
c = boto3.client('ecs', endpoint_url='http://127.0.0.1:${port}', region_name='us-east-1', aws_access_key_id='AKIAX', aws_secret_access_key='sec/ret+')
print(c.list_clusters()['clusterArns'])
print(c.describe_tasks(tasks=['t'])['tasks'][0]['createdAt'])
for call in [lambda: c.describe_clusters(clusters=['x']), lambda: c.list_tasks(desiredStatus='NOPE'),
             lambda: boto3.client('ecs', endpoint_url='http://127.0.0.1:${port}', region_name='us-east-1', aws_access_key_id='AKIAX', aws_secret_access_key='wrong').list_clusters()]:
    try: call()
    except botocore.exceptions.ClientError as e: print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Message'][:90])
`;
// botocore validates client-side; turn it off to see the server's answer for the bad enum (it is not an enum client-side anyway).
console.log(execFileSync('python3', ['-c', py], { encoding: 'utf8' }));
console.log(execFileSync('aws', ['ecs', 'list-clusters', '--endpoint-url', `http://127.0.0.1:${port}`], { encoding: 'utf8', env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 'sec/ret+', AWS_DEFAULT_REGION: 'us-east-1' } }));
await gw.close();
