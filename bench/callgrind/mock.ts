/** The mock provider `instructions.sh` runs its cases against (prints its URL, runs until killed). */
import { startMockProcess } from '../lib/mock-process.ts';

const mock = await startMockProcess({ flavor: 'openai', apiKey: 'test-key', maxRecorded: 1, routes: { short: { reply: { text: 'word0 word1 word2 word3 word4' } } } });
console.log(mock.url);
await new Promise(() => {});
