import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { parseColumnMapText } from '../../core/collect/columnMapping.js';
import { AppError } from '../../core/errors.js';
import { IMPORT_KINDS, type ImportKind, type ImportSummary } from '../../importer/index.js';
import { EXIT, ExitWith, printJson, withDatabase, withStorage } from '../context.js';

interface ImportFlags {
  db?: string;
  databaseUrl?: string;
  json?: boolean;
  progress?: boolean;
  map?: string[];
}

const MAP_HELP = `map source headers to columns: 'header=column,…' ('header=' ignores the header);
headers not named keep the built-in aliases. Repeatable.
e.g. --map '得意先コード=customer_id,取引先名称=name,伝票日付=ordered_at'`;

/**
 * `mezame import <kind> FILE`: exit 0 when every row was accepted, 1 when some were rejected
 * (FILE.rejected.csv names each), 2 when nothing was imported (unreadable file, unknown kind,
 * a required column missing).
 */
export function registerImport(program: Command): void {
  const command = program
    .command('import <kind> <file>')
    .description(`import ${IMPORT_KINDS.join(', ')} from CSV (UTF-8 or Shift_JIS) or JSON lines`)
    .option('--json', 'print one JSON document on stdout')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--map <pairs>', MAP_HELP, (value: string, previous: string[] = []) => [...previous, value]);
  withDatabase(command).action(async (kind: string, file: string, flags: ImportFlags) => {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
      throw new AppError(
        'invalid_input',
        `unknown import kind '${kind}': expected one of ${IMPORT_KINDS.join(', ')}. Nothing was imported.`,
      );
    }
    const columns = flags.map ? columnMapOf(flags.map) : undefined;
    const summary = await withStorage(flags, async (storage) => {
      const { importFile } = await import('../../importer/index.js');
      const bar = flags.progress !== false && process.stderr.isTTY ? progressBar() : null;
      try {
        return await importFile(storage, kind as ImportKind, file, {
          ...(columns ? { columns } : {}),
          onProgress: (p) => {
            if (!bar) return;
            if (bar.getTotal() !== p.totalBytes) bar.start(p.totalBytes, 0, { rows: 0 });
            bar.update(p.bytesRead, { rows: p.rowsRead.toLocaleString('en-US') });
          },
        });
      } finally {
        bar?.stop();
      }
    });
    if (flags.json) printJson(jsonDocument(summary));
    else printSummary(summary);
    if (summary.rejected > 0) throw new ExitWith(EXIT.partial);
  });
}

function columnMapOf(texts: string[]): Record<string, string | null> {
  const mapping: Record<string, string | null> = {};
  for (const text of texts) {
    const parsed = parseColumnMapText(text);
    if (!parsed.ok) {
      throw new AppError(
        'invalid_input',
        `--map: '${parsed.pair}' is not header=column (e.g. --map '得意先コード=customer_id,備考='). Nothing was imported.`,
      );
    }
    Object.assign(mapping, parsed.mapping);
  }
  return mapping;
}

function progressBar(): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'importing [{bar}] {percentage}% | {rows} rows | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
}

/** SPEC's `import --json` document, plus the warnings. */
function jsonDocument(s: ImportSummary) {
  return {
    kind: s.kind,
    file: s.file,
    rows: s.rows,
    accepted: s.accepted,
    rejected: s.rejected,
    inserted: s.inserted,
    updated: s.updated,
    unchanged: s.unchanged,
    rejected_file: s.rejected_file,
    warnings: s.warnings,
  };
}

function printSummary(s: ImportSummary): void {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `${s.kind} from ${s.file}${s.encoding ? ` (${s.encoding})` : ''}`,
    `  ${n(s.rows)} rows: ${n(s.accepted)} accepted, ${n(s.rejected)} rejected`,
    `  stored: ${n(s.inserted)} new, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged`,
  ];
  if (s.rejected_file) lines.push(`  rejected rows and their reasons: ${s.rejected_file}`);
  for (const warning of s.warnings) lines.push(`  note: ${warning}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
