import { coreIO, runAction } from '@craftista/actions-shared';
import { run } from './main.js';

await runAction(coreIO(), (io) => run(io));
