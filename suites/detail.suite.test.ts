import { detailChecks } from './detail.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('detail', detailChecks);
