// Call shapes kept until state changes: what a call acts on (resources, their keys and tags, implied
// actions) is read from state and the input alone, so the same input in the same region and account, with
// nothing committed since, has the same shape. Any commit in the region forgets them all: a shape may have
// read any record (the cluster `default` names, a task definition's latest revision, a resource's tags).
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';
import type { ServiceCatalogue } from './catalogue.js';
import { shapeOf, type CallShape } from './requests.js';
import type { ArnScope } from './resources.js';
import type { ServiceRules } from './rules.js';

// Inputs past this size (a long task definition) are shaped afresh rather than kept under their text.
const MAX_INPUT_CHARS = 4096;
const MAX_KEPT = 1024;

export class CallShapes {
  private readonly kept = new Map<string, CallShape>();
  private readonly heard = new WeakSet<State>();

  of(ctx: ControlContext, catalogue: ServiceCatalogue, rules: ServiceRules, operation: string, input: unknown, scope: ArnScope): CallShape {
    if (!this.heard.has(ctx.state)) {
      ctx.state.subscribe(() => this.kept.clear());
      this.heard.add(ctx.state);
    }
    const text = JSON.stringify(input) ?? '';
    if (text.length > MAX_INPUT_CHARS) return shapeOf(ctx, catalogue, rules, operation, input, scope);
    // The input's text last: the fields before it hold no newline.
    const key = `${catalogue.prefix}\n${operation}\n${scope.partition}\n${scope.region}\n${scope.accountId}\n${text}`;
    let shape = this.kept.get(key);
    if (!shape) {
      shape = shapeOf(ctx, catalogue, rules, operation, input, scope);
      if (this.kept.size >= MAX_KEPT) this.kept.clear();
      this.kept.set(key, shape);
    }
    return shape;
  }
}
