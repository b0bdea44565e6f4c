import { strykerConfig } from '../../stryker.shared.mjs';

const base = strykerConfig('pricing');

// The catalog tests load the seed catalogs under examples/catalogs: copy those into the sandbox too.
export default { ...base, ignorePatterns: [...base.ignorePatterns, '!/examples', '/examples/*', '!/examples/catalogs'] };
