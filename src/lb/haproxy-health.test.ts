import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targetHealth } from './haproxy-health.js';

const stat = (status: string, check_status = 'L7OK', check_code = '200') => ({ status, check_status, check_code });
const fresh = { draining: false, everUp: false };
const seen = { draining: false, everUp: true };

describe('targetHealth', () => {
  it('maps HAProxy server states to ELBv2 target health', () => {
    assert.equal(targetHealth(undefined, fresh).Reason, 'Elb.RegistrationInProgress');
    assert.equal(targetHealth(stat('MAINT'), fresh).Reason, 'Elb.RegistrationInProgress');
    assert.equal(targetHealth(stat('DOWN', 'INI', ''), fresh).Reason, 'Elb.InitialHealthChecking');
    assert.equal(targetHealth(stat('DOWN 1/2'), fresh).State, 'initial');
    assert.equal(targetHealth(stat('UP'), fresh).State, 'healthy');
    assert.equal(targetHealth(stat('UP 1/3', 'L7STS', '500'), seen).State, 'healthy');
    assert.deepEqual(targetHealth(stat('DOWN', 'L7STS', '503'), seen), { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [503]' });
    assert.equal(targetHealth(stat('DOWN', 'L4TOUT', ''), fresh).Reason, 'Target.Timeout');
    assert.equal(targetHealth(stat('DOWN', 'L4CON', ''), seen).Reason, 'Target.FailedHealthChecks');
    assert.equal(targetHealth(stat('DOWN 1/2', 'L7OK'), seen).Reason, 'Target.FailedHealthChecks');
    assert.equal(targetHealth(stat('UP'), { draining: true, everUp: true }).State, 'draining');
  });
});
