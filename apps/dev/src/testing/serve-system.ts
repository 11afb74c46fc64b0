/**
 * The whole embedded system on PORT with nothing but its JSON logs on stdout: the observability
 * test runs it as a child process, exercises it over HTTP and reads every log line it wrote.
 */
import { exitOnSignal, stopListening } from '@tasktide/platform';
import { createSystem } from '../system.ts';

const system = await createSystem({ bus: { pollMs: 50, backoffMs: 50 }, jobsPollMs: 50 });
const server = system.app.listen({ port: Number(process.env.PORT), hostname: '127.0.0.1' });
system.start();
exitOnSignal(system.logger, async () => {
  await stopListening(server);
  await system.stop();
});
