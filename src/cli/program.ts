import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { verifyAuditChain } from '../db/audit-verify.js';
import { migrate, type ServiceName } from '../db/migrate.js';
import { isEmpty, loadDemoData } from '../demo/load.js';
import { startChainWithConfig } from '../chain.js';
import { openServiceDatabase, startService } from '../services.js';
import { registerBenchCommand } from '../bench/run.js';
import { registerConsentCommands } from './consent.js';
import { registerRegistryCommands } from './registry.js';
import { registerScheduleCommands } from './schedule.js';
import { registerSweepsCommand } from './sweeps.js';
import { progressLine } from './progress.js';
import { loadPortalDemo } from '../portal/demo.js'; // issue 11
import { isoDateInZone } from '../domain/dates/index.js';

const SERVICES: ServiceName[] = ['dossier', 'registry'];

function withCommonOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the embedded databases keep their files (RVP_DATA_DIR)')
    .option('--dossier-port <port>', 'dossier port (DOSSIER_PORT)')
    .option('--registry-port <port>', 'registry port (REGISTRY_PORT)');
}

function configFrom(opts: {
  dataDir?: string;
  dossierPort?: string;
  registryPort?: string;
  size?: string;
}): Config {
  return loadConfig({
    ...process.env,
    ...(opts.dataDir ? { RVP_DATA_DIR: opts.dataDir } : {}),
    ...(opts.dossierPort ? { DOSSIER_PORT: opts.dossierPort } : {}),
    ...(opts.registryPort ? { REGISTRY_PORT: opts.registryPort } : {}),
    ...(opts.size ? { RVP_DEMO_SIZE: opts.size } : {}),
  });
}

/** Stops cleanly on Ctrl-C / SIGTERM: stop taking requests, finish the ones in flight, close databases. */
function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: stopping…`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function buildProgram(): Command {
  const program = new Command('rvp')
    .description('open-rvp: dossier (JGZ), registry (RVP) and the exchange between them')
    .version('0.1.0');

  withCommonOptions(program.command('start'))
    .description('run the whole chain: migrate, load demo data when empty, start dossier and registry')
    .option('--size <n>', 'demo population size when the databases are empty (RVP_DEMO_SIZE)')
    .action(
      async (opts: { dataDir?: string; dossierPort?: string; registryPort?: string; size?: string }) => {
        const config = configFrom(opts);
        console.log(`open-rvp: databases in ${describeBackends(config)}`);
        const chain = await startChainWithConfig(config, { onProgress: progressLine('demo-data') });
        if (chain.demoLoaded > 0) console.log(`demo data: ${chain.demoLoaded} clients loaded`);
        console.log(`\nDossier (JGZ):  ${chain.dossierUrl}/   API docs: ${chain.dossierUrl}/docs`);
        console.log(`Register (RVP): ${chain.registryUrl}/   API docs: ${chain.registryUrl}/docs`);
        console.log(
          `Portaal:        ${chain.portalUrl}/   inloggen via ${chain.oidcIssuer} (DigiD-standin: kies een BSN)`,
        );
        console.log('Aanmelden: kies een demogebruiker op de startpagina. Stoppen: Ctrl-C.');
        onShutdown(chain.close);
      },
    );

  withCommonOptions(program.command('serve'))
    .description('run one service')
    .addArgument(new Command().createArgument('<service>', 'dossier or registry').choices(SERVICES))
    .action(
      async (
        service: ServiceName,
        opts: { dataDir?: string; dossierPort?: string; registryPort?: string },
      ) => {
        const running = await startService(configFrom(opts), service);
        console.log(`${service}: ${running.url}/   API docs: ${running.url}/docs`);
        onShutdown(running.close);
      },
    );

  program
    .command('migrate')
    .description('apply database migrations (both services, or one)')
    .option('--data-dir <dir>', 'embedded database directory (RVP_DATA_DIR)')
    .addOption(new Option('--service <service>', 'only this service').choices(SERVICES))
    .action(async (opts: { dataDir?: string; service?: ServiceName }) => {
      const config = configFrom(opts);
      for (const service of opts.service ? [opts.service] : SERVICES) {
        const database = await openServiceDatabase(config, service);
        // openServiceDatabase migrates; run once more to report what is now in place.
        const result = await migrate(database, service);
        console.log(`${service}: ${result.alreadyApplied.length} migrations in place (${database.backend})`);
        await database.close();
      }
    });

  program
    .command('demo-data')
    .description('generate a synthetic population into both databases (only when they are empty)')
    .option('--data-dir <dir>', 'embedded database directory (RVP_DATA_DIR)')
    .option('--size <n>', 'number of youth and clients', '2000')
    .option('--seed <n>', 'random seed (the same seed gives the same people)', '2025')
    .option('--reference-date <date>', 'date the ages are computed against (default today)')
    .action(async (opts: { dataDir?: string; size: string; seed: string; referenceDate?: string }) => {
      const config = configFrom(opts);
      const dossier = await openServiceDatabase(config, 'dossier');
      const registry = await openServiceDatabase(config, 'registry');
      try {
        if (!(await isEmpty(dossier))) {
          console.error('demo-data: the dossier database already has data; use an empty data dir');
          process.exitCode = 1;
          return;
        }
        const size = Number(opts.size);
        const seed = Number(opts.seed);
        if (!Number.isInteger(size) || size < 0 || !Number.isInteger(seed)) {
          console.error('demo-data: --size and --seed must be whole numbers');
          process.exitCode = 2;
          return;
        }
        const result = await loadDemoData(dossier, registry, {
          size,
          seed,
          referenceDate: opts.referenceDate ?? isoDateInZone(new Date()),
          onProgress: progressLine('demo-data'),
        });
        console.log(`demo-data: ${result.clients} clients, ${result.relatedPersons} custodians and parents`);
        // Issue 11: the portal demo family and campaign, as `rvp start` loads them (src/chain.ts).
        await loadPortalDemo(dossier, registry, opts.referenceDate ?? isoDateInZone(new Date()));
        console.log('demo-data: portal demo family (docs/portal.md) and campaign loaded');
      } finally {
        await dossier.close();
        await registry.close();
      }
    });

  program
    .command('audit')
    .description('the audit trail (R-C8)')
    .command('verify')
    .description('recompute the hash chain of the audit trail; exit 1 when an entry was changed or removed')
    .option('--data-dir <dir>', 'embedded database directory (RVP_DATA_DIR)')
    .addOption(new Option('--service <service>', 'only this service').choices(SERVICES))
    .action(async (opts: { dataDir?: string; service?: ServiceName }) => {
      const config = configFrom(opts);
      let broken = false;
      for (const service of opts.service ? [opts.service] : SERVICES) {
        const database = await openServiceDatabase(config, service);
        try {
          const result = await verifyAuditChain(database.db);
          if (result.firstBroken) {
            broken = true;
            const { seq, id, problem } = result.firstBroken;
            console.log(`${service}: BROKEN at entry ${seq} (id ${id}): ${problem}`);
          } else {
            console.log(`${service}: ${result.entries} entries, chain intact`);
          }
        } finally {
          await database.close();
        }
      }
      if (broken) process.exitCode = 1;
    });

  registerConsentCommands(program);
  registerScheduleCommands(program);
  registerSweepsCommand(program); // issue 9
  registerRegistryCommands(program);
  registerBenchCommand(program);
  return program;
}

function describeBackends(config: Config): string {
  return SERVICES.map(
    (s) => `${s}: ${config.databaseUrls[s] ? 'PostgreSQL' : `PGlite ${config.dataDir}/${s}`}`,
  ).join(', ');
}
