import { canonicalChecks } from './canonical.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('canonical', canonicalChecks);
