// Rules: PutRule (an event pattern, a schedule, or both), DescribeRule, ListRules, EnableRule, DisableRule,
// DeleteRule, ListRuleNamesByTarget. A rule lives on one bus; schedules only on the default bus.
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import { compileEventPattern, EventPatternError, type EventPattern } from '../../core/event-pattern.js';
import { DEFAULT_EVENT_BUS, ruleArn, type EventRuleRecord, type EventsTag } from '../../core/events.js';
import { invalidPattern, ManagedRuleException } from '../../core/events-errors.js';
import { parseSchedule } from '../../core/events-schedule.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';
import { busName, resolveBus } from './buses.js';
import { page } from './pagination.js';
import { checkTags } from './tags.js';

/** The pattern compiled, or EventBridge's InvalidEventPatternException. */
export function checkPattern(text: string): EventPattern {
  try {
    return compileEventPattern(text);
  } catch (error) {
    if (error instanceof EventPatternError) throw invalidPattern(error.message);
    throw error;
  }
}

export function resolveRule(ctx: Pick<ControlContext, 'partition'>, state: Pick<State, 'get'> | Transaction, name: string, bus: string | undefined): EventRuleRecord {
  const busNamed = busName(bus);
  const rule = state.get('eventRule', ruleArn(ctx.partition, busNamed, name));
  if (!rule) throw new ResourceNotFoundException(`Rule ${name} does not exist on EventBus ${busNamed}.`);
  return rule;
}

/** Managed rules (made by AWS services for themselves) change only through their service. */
export function checkNotManaged(rule: EventRuleRecord, force?: boolean): void {
  if (rule.ManagedBy && !force) throw new ManagedRuleException(`Rule ${rule.Name} is managed by ${rule.ManagedBy} and cannot be modified.`);
}

export interface PutRuleInput {
  Name: string;
  ScheduleExpression?: string;
  EventPattern?: string;
  State?: EventRuleRecord['State'];
  Description?: string;
  RoleArn?: string;
  Tags?: EventsTag[];
  EventBusName?: string;
}

/** Creates or updates a rule; an update keeps the rule's targets and tags. */
export async function putRule(ctx: ControlContext, input: PutRuleInput, call: { caller: { accountId: string } }): Promise<{ RuleArn: string }> {
  if (!input.EventPattern && !input.ScheduleExpression) throw new ValidationException('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  if (input.EventPattern !== undefined) checkPattern(input.EventPattern);
  if (input.ScheduleExpression !== undefined && !parseSchedule(input.ScheduleExpression)) throw new ValidationException('Parameter ScheduleExpression is not valid.');
  const tags = checkTags(input.Tags ?? []);
  const record = await ctx.state.mutate((tx) => {
    const bus = resolveBus(ctx, tx, input.EventBusName);
    if (input.ScheduleExpression !== undefined && bus.Name !== DEFAULT_EVENT_BUS) throw new ValidationException('ScheduleExpression is supported only on the default event bus.');
    const arn = ruleArn(ctx.partition, bus.Name, input.Name);
    const existing = tx.get('eventRule', arn);
    if (existing) checkNotManaged(existing);
    const now = ctx.clock.now();
    const rule: EventRuleRecord = {
      Name: input.Name,
      Arn: arn,
      EventBusName: bus.Name,
      ...(input.EventPattern !== undefined && { EventPattern: input.EventPattern }),
      ...(input.ScheduleExpression !== undefined && { ScheduleExpression: input.ScheduleExpression }),
      State: input.State ?? 'ENABLED',
      ...(input.Description !== undefined && { Description: input.Description }),
      ...(input.RoleArn !== undefined && { RoleArn: input.RoleArn }),
      CreatedBy: existing?.CreatedBy ?? call.caller.accountId,
      scheduledFrom: existing && existing.ScheduleExpression === input.ScheduleExpression ? existing.scheduledFrom : now,
      targets: existing?.targets ?? [],
      tags: existing ? existing.tags : tags,
    };
    return tx.put('eventRule', arn, rule);
  });
  ctx.log.info('event rule put', { ruleArn: record.Arn, state: record.State });
  return { RuleArn: record.Arn };
}

/** A rule as DescribeRule and ListRules show it. */
export const describedRule = ({ Name, Arn, EventPattern, ScheduleExpression, State, Description, RoleArn, ManagedBy, EventBusName }: EventRuleRecord) => ({
  Name,
  Arn,
  ...(EventPattern !== undefined && { EventPattern }),
  ...(ScheduleExpression !== undefined && { ScheduleExpression }),
  State,
  ...(Description !== undefined && { Description }),
  ...(RoleArn !== undefined && { RoleArn }),
  ...(ManagedBy !== undefined && { ManagedBy }),
  EventBusName,
});

export function describeRule(ctx: ControlContext, input: { Name: string; EventBusName?: string }) {
  const rule = resolveRule(ctx, ctx.state, input.Name, input.EventBusName);
  return { ...describedRule(rule), CreatedBy: rule.CreatedBy };
}

/** Rules of a bus, by name. */
export function rulesOf(state: Pick<State, 'all'>, bus: string): EventRuleRecord[] {
  return [...state.all('eventRule')].filter((r) => r.EventBusName === bus).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

export function listRules(ctx: ControlContext, input: { NamePrefix?: string; EventBusName?: string; NextToken?: string; Limit?: number }) {
  const bus = resolveBus(ctx, ctx.state, input.EventBusName);
  const rules = rulesOf(ctx.state, bus.Name).filter((r) => !input.NamePrefix || r.Name.startsWith(input.NamePrefix));
  const { items, NextToken } = page(rules, input);
  return { Rules: items.map(describedRule), ...(NextToken && { NextToken }) };
}

async function setState(ctx: ControlContext, input: { Name: string; EventBusName?: string }, state: 'ENABLED' | 'DISABLED'): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const rule = resolveRule(ctx, tx, input.Name, input.EventBusName);
    checkNotManaged(rule);
    tx.put('eventRule', rule.Arn, { ...rule, State: state });
  });
  return {};
}

export const enableRule = (ctx: ControlContext, input: { Name: string; EventBusName?: string }) => setState(ctx, input, 'ENABLED');
export const disableRule = (ctx: ControlContext, input: { Name: string; EventBusName?: string }) => setState(ctx, input, 'DISABLED');

/** Deletes a rule that has no targets left; an unknown rule is no error, as on AWS. */
export async function deleteRule(ctx: ControlContext, input: { Name: string; EventBusName?: string; Force?: boolean }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const arn = ruleArn(ctx.partition, busName(input.EventBusName), input.Name);
    const rule = tx.get('eventRule', arn);
    if (!rule) return;
    checkNotManaged(rule, input.Force);
    if (rule.targets.length > 0) throw new ValidationException("Rule can't be deleted since it has targets.");
    tx.delete('eventRule', arn);
  });
  return {};
}

export function listRuleNamesByTarget(ctx: ControlContext, input: { TargetArn: string; EventBusName?: string; NextToken?: string; Limit?: number }) {
  const bus = resolveBus(ctx, ctx.state, input.EventBusName);
  const names = rulesOf(ctx.state, bus.Name)
    .filter((r) => r.targets.some((t) => t.Arn === input.TargetArn))
    .map((r) => r.Name);
  const { items, NextToken } = page(names, input);
  return { RuleNames: items, ...(NextToken && { NextToken }) };
}
