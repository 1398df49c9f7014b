// The awslogs driver's options as Docker and ECS read them, and ECS's stream names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awslogsConfig, awslogsStreamName } from './awslogs-options.js';

describe('awslogs options', () => {
  it('reads the group, region, prefix, mode and buffer; names streams prefix/container/task-id', () => {
    const config = awslogsConfig(
      { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'web', 'awslogs-create-group': 'true', mode: 'non-blocking', 'max-buffer-size': '25m' },
    );
    assert.deepEqual(config, { logGroupName: '/ecs/web', region: 'eu-west-1', streamPrefix: 'web', createGroup: true, mode: 'non-blocking', maxBufferBytes: 25 * 1024 * 1024 });
    assert.equal(awslogsStreamName(config, 'app', '0123abcd', 'c0ffee'), 'web/app/0123abcd');
    const plain = awslogsConfig({ 'awslogs-group': 'g' });
    assert.equal(plain.region, undefined);
    assert.equal(plain.mode, 'blocking');
    assert.equal(awslogsStreamName(plain, 'app', 'task', 'c0ffee'), 'c0ffee');
  });

  it('turns awslogs-datetime-format and awslogs-multiline-pattern into what starts an event', () => {
    const byDate = awslogsConfig({ 'awslogs-group': 'g', 'awslogs-datetime-format': '%Y-%m-%d %H:%M:%S' }).multiline!;
    assert.ok(byDate.test('2026-12-05 18:30:00 started'));
    assert.ok(!byDate.test('    at frame (file.js:1)'));
    const byPattern = awslogsConfig({ 'awslogs-group': 'g', 'awslogs-multiline-pattern': 'INFO|ERROR' }).multiline!;
    assert.ok(byPattern.test('ERROR boom'));
    assert.ok(!byPattern.test('  continued'));
  });

  it('refuses what Docker or CloudWatch Logs would refuse', () => {
    const bad = [
      {},
      { 'awslogs-group': 'bad:group' },
      { 'awslogs-group': 'g', 'awslogs-unknown': 'x' },
      { 'awslogs-group': 'g', mode: 'sometimes' },
      { 'awslogs-group': 'g', 'max-buffer-size': '1m' },
      { 'awslogs-group': 'g', mode: 'non-blocking', 'max-buffer-size': 'lots' },
      { 'awslogs-group': 'g', 'awslogs-stream-prefix': 'a*b' },
      { 'awslogs-group': 'g', 'awslogs-region': 'mars' },
      { 'awslogs-group': 'g', 'awslogs-datetime-format': '%Y', 'awslogs-multiline-pattern': 'x' },
      { 'awslogs-group': 'g', 'awslogs-create-group': 'maybe' },
    ];
    for (const options of bad) assert.throws(() => awslogsConfig(options as Record<string, string>), /failed to initialize logging driver/, JSON.stringify(options));
  });
});
