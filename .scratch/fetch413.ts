import { createGateway } from '../src/protocol/gateway.js';
import { loadModel } from '../src/protocol/model.js';
const log = { debug() {}, info() {}, warn() {}, error(m: string, f: unknown) { console.error(m, f); }, child() { return log; } } as any;
const gw = createGateway({ services: [{ model: loadModel('ecs'), handlers: {} }], credentials: { resolve: () => undefined }, auth: 'sigv4', accountId: '0', region: 'us-east-1', log });
const { port } = await gw.listen(0, '127.0.0.1');
for (let i = 0; i < 5; i++) {
  try {
    const body = JSON.stringify({ family: 'x', padding: 'x'.repeat(12 * 1024 * 1024) });
    const r = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition', 'content-type': 'application/x-amz-json-1.1' }, body });
    console.log(r.status, await r.text());
  } catch (e) { console.log('fetch failed', (e as any).cause?.code ?? e); }
}
await gw.close();
