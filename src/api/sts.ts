// AWS Security Token Service on the gateway (awsQuery, XML answers): who is calling, and temporary
// credentials (AssumeRole, GetSessionToken) that every service verifies on each signed call.
import { assumeRole } from '../control/sts/assume-role.js';
import { getCallerIdentity } from '../control/sts/get-caller-identity.js';
import { getSessionToken } from '../control/sts/get-session-token.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';
import { stsRules } from '../control/sts/authorization.js';

export const sts: ServiceModule = {
  // Global, with no records of its own: sessions live in their sealed tokens.
  global: { kinds: [] },
  binding: (ctx) => ({
    model: loadModel('sts'),
    // STS answers input that breaks the model's constraints with ValidationError.
    validationErrorCode: 'ValidationError',
    handlers: {
      GetCallerIdentity: (input, call) => getCallerIdentity(ctx, input, call),
      AssumeRole: (input, call) => assumeRole(ctx, input, call),
      GetSessionToken: (input, call) => getSessionToken(ctx, input, call),
    },
  }),
  authorization: stsRules,
};
