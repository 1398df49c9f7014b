import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteAccountSetting } from './delete-account-setting.js';
import { fixture } from './fixtures.js';
import { listAccountSettings } from './list-account-settings.js';
import { putAccountSetting } from './put-account-setting.js';
import { putAccountSettingDefault } from './put-account-setting-default.js';

const root = 'arn:aws:iam::123456789012:root';

test("Effective settings: the principal's own, else the account default, else AWS's", async () => {
  const f = await fixture();
  const effective = async (name: 'containerInsights') =>
    (await listAccountSettings(f.ctx, { name, effectiveSettings: true }, f.call)).settings?.[0];

  assert.deepEqual(await effective('containerInsights'), { name: 'containerInsights', value: 'disabled', principalArn: root, type: 'aws_managed' });
  await putAccountSettingDefault(f.ctx, { name: 'containerInsights', value: 'enabled' });
  assert.deepEqual(await effective('containerInsights'), { name: 'containerInsights', value: 'enabled', principalArn: root, type: 'user' });
  const own = await putAccountSetting(f.ctx, { name: 'containerInsights', value: 'enhanced' }, f.call);
  assert.equal(own.setting?.principalArn, f.call.caller.arn);
  assert.equal((await effective('containerInsights'))?.value, 'enhanced');

  const removed = await deleteAccountSetting(f.ctx, { name: 'containerInsights' }, f.call);
  assert.equal(removed.setting?.value, 'enhanced');
  assert.equal((await effective('containerInsights'))?.value, 'enabled');
});

test('ListAccountSettings lists only set values unless effectiveSettings, filters by value, and pages by 10', async () => {
  const f = await fixture();
  assert.deepEqual((await listAccountSettings(f.ctx, {}, f.call)).settings, []);
  await putAccountSetting(f.ctx, { name: 'awsvpcTrunking', value: 'enabled' }, f.call);
  assert.deepEqual((await listAccountSettings(f.ctx, {}, f.call)).settings?.map((s) => s.name), ['awsvpcTrunking']);

  const first = await listAccountSettings(f.ctx, { effectiveSettings: true }, f.call);
  assert.equal(first.settings?.length, 10);
  const rest = await listAccountSettings(f.ctx, { effectiveSettings: true, nextToken: first.nextToken }, f.call);
  assert.equal(rest.settings?.length, 1);
  const enabled = await listAccountSettings(f.ctx, { effectiveSettings: true, value: 'enabled' }, f.call);
  assert.ok(enabled.settings?.every((s) => s.value === 'enabled'));
  assert.ok(enabled.settings?.some((s) => s.name === 'taskLongArnFormat'));

  const other = 'arn:aws:iam::123456789012:role/deployer';
  await putAccountSetting(f.ctx, { name: 'awsvpcTrunking', value: 'disabled', principalArn: other }, f.call);
  assert.equal((await listAccountSettings(f.ctx, { principalArn: other }, f.call)).settings?.[0]?.value, 'disabled');
  await assert.rejects(listAccountSettings(f.ctx, { maxResults: 11 }, f.call), { code: 'InvalidParameterException' });
});

test('Account settings refuse unknown names and values', async () => {
  const f = await fixture();
  const invalid = { code: 'InvalidParameterException' };
  await assert.rejects(putAccountSetting(f.ctx, { name: 'bogus' as 'awsvpcTrunking', value: 'enabled' }, f.call), invalid);
  await assert.rejects(putAccountSetting(f.ctx, { name: 'awsvpcTrunking', value: 'on' }, f.call), invalid);
  await assert.rejects(putAccountSettingDefault(f.ctx, { name: 'fargateTaskRetirementWaitPeriod', value: '3' }), invalid);
  await assert.rejects(deleteAccountSetting(f.ctx, { name: 'bogus' as 'awsvpcTrunking' }, f.call), invalid);
  await assert.rejects(listAccountSettings(f.ctx, { name: 'bogus' as 'awsvpcTrunking' }, f.call), invalid);
});
