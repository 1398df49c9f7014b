// The fuzzer's short run (issue 9 part 7): every operation of every service in models/, one well-formed input
// and two malformed ones each, signed, unsigned and forged, against a real `wharf up`; a fixed seed, so a
// failure here replays. The long run is `npm run fuzz` (bench/fuzz.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { answerProblem, fuzz } from './fuzz-harness.js';
import { loadServices, type FuzzService } from './fuzz-inputs.js';
import { startWharf, WHARF_BIN, type WharfProcess } from './wharf-process.js';

const SEED = 9;
let wharf: WharfProcess;

before(async () => {
  wharf = await startWharf();
});

after(async () => {
  await wharf?.stop();
});

test('the oracle flags a 5xx, a closed connection and refusals without AWS\'s error shape', () => {
  const json = { name: 'ecs', model: { metadata: { protocol: 'json' } } } as FuzzService;
  const query = { name: 'iam', model: { metadata: { protocol: 'query' } } } as FuzzService;
  const id = { 'x-amzn-requestid': 'r' };
  assert.equal(answerProblem(json, { status: 400, headers: id, body: '{"__type":"InvalidParameterException","message":"m"}' }), undefined);
  assert.match(answerProblem(json, { status: 500, headers: id, body: '{"__type":"ServerException"}' })!, /HTTP 500/);
  assert.match(answerProblem(json, { status: 599, headers: {}, body: 'no answer: socket hang up' })!, /HTTP 599/);
  assert.match(answerProblem(json, { status: 400, headers: id, body: '{"message":"m"}' })!, /without __type/);
  const xml = '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>';
  assert.equal(answerProblem(query, { status: 400, headers: {}, body: xml }), undefined);
  assert.match(answerProblem(query, { status: 400, headers: {}, body: 'Bad Request' })!, /without AWS's XML error/);
});

test('every operation answers generated and malformed input with 4xx in AWS shape, alive, HAProxy valid, state kept on refusal', async () => {
  // The services Wharf serves (a module in src/api/ per served model) in the protocols this fuzzer writes:
  // awsJson, awsQuery and EC2. REST and rpc-v2-cbor services are held to their shapes by their protocols' tests.
  const api = join(WHARF_BIN, '..', '..', 'dist', 'src', 'api');
  const services = loadServices(join(WHARF_BIN, '..', '..', 'models')).filter(
    (s) => ['json', 'query', 'ec2'].includes(s.model.metadata.protocol) && existsSync(join(api, `${s.name}.js`)),
  );
  const report = await fuzz(
    { endpoint: wharf.endpoint, dataDir: wharf.dataDir, credentials: wharf.credentials, region: 'us-east-1' },
    { seed: SEED, services, malformedPerOperation: 2, rounds: 1, deadline: Date.now() + 50_000 },
  );
  const faults = report.faults.map((f) => `${f.kind}: ${f.detail}\n  ${f.calls.slice(0, 5).join('\n  ')}`);
  assert.deepEqual(faults, [], `${report.faults.length} faults in ${report.calls} calls (seed ${SEED})`);
  assert.ok(report.calls > 0);
});
