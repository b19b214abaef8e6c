import { replayChecks } from './replay.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('replay', replayChecks);
