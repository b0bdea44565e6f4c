import { strykerConfig } from '../../stryker.shared.mjs';

// The catalog tests load the example catalogs.
export default strykerConfig('pricing', {}, { alsoCopy: ['examples/catalogs'] });
