// Composite alarms' AlarmRule: ALARM(x), OK(x), INSUFFICIENT_DATA(x) over alarm names or ARNs (quoted or
// not), TRUE and FALSE, combined with AND, OR, NOT and parentheses. Parsed once at PutCompositeAlarm,
// evaluated against the other alarms' states.
import type { AlarmState } from './cloudwatch.js';

export type AlarmRule =
  | { type: 'state'; state: AlarmState; alarm: string }
  | { type: 'constant'; value: boolean }
  | { type: 'not'; operand: AlarmRule }
  | { type: 'and' | 'or'; left: AlarmRule; right: AlarmRule };

export class AlarmRuleError extends Error {}

const STATES: Record<string, AlarmState> = { ALARM: 'ALARM', OK: 'OK', INSUFFICIENT_DATA: 'INSUFFICIENT_DATA' };

/** Parses a rule; the alarm named in each function is its name, or the name at the end of its ARN. */
export function parseAlarmRule(source: string): AlarmRule {
  const tokens = source.match(/"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const next = () => tokens[pos++];
  const peek = () => tokens[pos]?.toUpperCase();

  const primary = (): AlarmRule => {
    const token = next();
    if (token === undefined) throw new AlarmRuleError('Unexpected end of the alarm rule');
    const upper = token.toUpperCase();
    if (upper === '(') {
      const inner = or();
      if (next() !== ')') throw new AlarmRuleError("Expected ')' in the alarm rule");
      return inner;
    }
    if (upper === 'NOT') return { type: 'not', operand: primary() };
    if (upper === 'TRUE' || upper === 'FALSE') return { type: 'constant', value: upper === 'TRUE' };
    const state = STATES[upper];
    if (!state) throw new AlarmRuleError(`Unexpected '${token}' in the alarm rule`);
    if (next() !== '(') throw new AlarmRuleError(`Expected '(' after ${upper}`);
    const argument = next();
    if (argument === undefined || argument === ')') throw new AlarmRuleError(`${upper} needs an alarm name or ARN`);
    if (next() !== ')') throw new AlarmRuleError(`Expected ')' after the alarm of ${upper}`);
    const unquoted = argument.startsWith('"') ? argument.slice(1, -1).replace(/\\(.)/g, '$1') : argument;
    const name = /^arn:aws[\w-]*:cloudwatch:[\w-]+:\d{12}:alarm:(.+)$/.exec(unquoted)?.[1] ?? unquoted;
    return { type: 'state', state, alarm: name };
  };
  const and = (): AlarmRule => {
    let left = primary();
    while (peek() === 'AND') {
      next();
      left = { type: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): AlarmRule => {
    let left = and();
    while (peek() === 'OR') {
      next();
      left = { type: 'or', left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) throw new AlarmRuleError('The alarm rule is empty');
  const rule = or();
  if (pos < tokens.length) throw new AlarmRuleError(`Unexpected '${tokens[pos]}' in the alarm rule`);
  return rule;
}

export function alarmsOfRule(rule: AlarmRule): string[] {
  switch (rule.type) {
    case 'state':
      return [rule.alarm];
    case 'constant':
      return [];
    case 'not':
      return alarmsOfRule(rule.operand);
    default:
      return [...alarmsOfRule(rule.left), ...alarmsOfRule(rule.right)];
  }
}

/** Whether the rule holds, given each alarm's state (an alarm that no longer exists is in none). */
export function ruleHolds(rule: AlarmRule, stateOf: (alarm: string) => AlarmState | undefined): boolean {
  switch (rule.type) {
    case 'state':
      return stateOf(rule.alarm) === rule.state;
    case 'constant':
      return rule.value;
    case 'not':
      return !ruleHolds(rule.operand, stateOf);
    case 'and':
      return ruleHolds(rule.left, stateOf) && ruleHolds(rule.right, stateOf);
    case 'or':
      return ruleHolds(rule.left, stateOf) || ruleHolds(rule.right, stateOf);
  }
}
