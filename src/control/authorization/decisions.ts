// Decisions kept per identity: evaluating 50 policies is the dearest part of a call's authorisation, and
// a caller asks the same thing again and again. A decision is kept under the request's action, resource
// and the values of exactly the condition keys the identity's policies read (core/policy/keys.ts), so a
// request that differs in anything a policy could look at is evaluated afresh; the identity's decisions go
// with it when IAM changes (principals.ts).
import { normalizedKey } from '../../core/policy/context.js';
import { evaluate, type EvaluationInput, type EvaluationResult } from '../../core/policy/evaluate.js';
import type { AuthorizationRequest } from '../../core/policy/types.js';

// Past this many distinct requests an identity's decisions start over (a policy reading aws:CurrentTime
// makes every millisecond a new request).
const MAX_KEPT = 4096;

export class Decisions {
  private readonly kept = new Map<string, EvaluationResult>();

  constructor(private readonly keys: ReadonlySet<string>) {}

  /** evaluate(input, request), for an input made of this identity's policies alone (no session policies). */
  decide(input: EvaluationInput, request: AuthorizationRequest): EvaluationResult {
    // Every part as JSON (no raw newline inside), so that different requests cannot spell the same key.
    let key = `${JSON.stringify(request.action)}\n${JSON.stringify(request.resource)}`;
    const { context } = request;
    for (const name in context) {
      const value = context[name];
      if (value !== undefined && this.keys.has(normalizedKey(name))) key += `\n${JSON.stringify(name)}=${JSON.stringify(value)}`;
    }
    let result = this.kept.get(key);
    if (!result) {
      result = evaluate(input, request);
      if (this.kept.size >= MAX_KEPT) this.kept.clear();
      this.kept.set(key, result);
    }
    return result;
  }
}
