import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';
import { redisSuites } from '../../test-support/redis-suites.js';

export default mergeConfig(shared, defineConfig({ test: redisSuites('@lifeline/gateway') }));
