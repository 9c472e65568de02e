import { coreIO, runAction } from '@craftista/actions-shared/action-io';
import { run } from './main.js';

await runAction(coreIO(), (io) => run(io));
