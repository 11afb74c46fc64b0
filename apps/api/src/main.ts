/** The api as its own process (containers, dev:dapr). `bun dev` mounts it in the all-in-one server instead. */
import { runService } from '@tasktide/platform';
import { apiService } from './definition.ts';

await runService(apiService);
