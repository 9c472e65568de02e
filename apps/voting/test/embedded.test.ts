// The same contract on embedded PGlite (what `npm run dev` uses without DATABASE_URL).
import { contractSuite } from './contract-suite.js';

contractSuite('pglite');
