// ECR's secondary indexes (see `defineIndex`).
import { defineIndex } from '../state.js';

export const imagesByRepository = defineIndex('ecrImage', (image) => image.repositoryName);
