// ECS on the gateway: each operation of models/ecs.json bound to its control-plane function.
import type { ControlContext } from '../control/context.js';
import type { ServiceBinding } from '../protocol/service.js';
import { loadModel } from '../protocol/model.js';

export function ecsService(ctx: ControlContext): ServiceBinding {
  return {
    model: loadModel('ecs'),
    handlers: {
    },
  };
}
