import { z } from 'zod';
import { CANONICAL_CRITERIA, DEFAULT_RULE } from './canonical-rule';

/**
 * Every setting, with its type, default and description. Adding a key here is all it takes for it
 * to be readable, validated, listed in the API and shown on the Settings page.
 */
export const SETTINGS = {
  'library.scanOnStartup': {
    schema: z.boolean(),
    default: true,
    category: 'library',
    label: 'Scan on startup',
    description: 'Run a hybrid scan of every active, available folder when the worker starts.',
  },
  'library.maxConcurrentScans': {
    schema: z.number().int().min(1).max(8),
    default: 2,
    category: 'library',
    label: 'Concurrent scans',
    description: 'How many folders may be scanned at the same time.',
  },
  'library.defaultScanStrategy': {
    schema: z.enum(['hybrid', 'full', 'fast']),
    default: 'hybrid',
    category: 'library',
    label: 'Default scan strategy',
    description: 'hybrid: only new or changed files; full: re-read everything; fast: show new files at once, complete them after.',
  },
  'library.followSymlinksDefault': {
    schema: z.boolean(),
    default: false,
    category: 'library',
    label: 'Follow symlinks (new folders)',
    description: 'Default for new folders; loops are always detected.',
  },
  'library.watchDirectories': {
    schema: z.boolean(),
    default: true,
    category: 'library',
    label: 'Watch folders',
    description: 'Import files dropped into a folder without a rescan.',
  },
  'library.watchDebounceMs': {
    schema: z.number().int().min(100).max(60_000),
    default: 1500,
    category: 'library',
    label: 'Watcher debounce (ms)',
    description: 'How long a burst of changes is gathered before it is scanned.',
  },
  'library.pollIntervalMinutes': {
    schema: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: 10,
    category: 'library',
    label: 'Fallback rescan interval (min)',
    description: 'Periodic hybrid scan used when the OS cannot watch a folder.',
  },
  'library.mediaCheckSeconds': {
    schema: z.number().int().min(1).max(3600),
    default: 30,
    category: 'library',
    label: 'Drive check interval (s)',
    description: 'How often fixed folders are checked for presence; removable ones are checked every few seconds.',
  },
  'library.missingCleanupDays': {
    schema: z.number().int().min(1).max(3650),
    default: 30,
    category: 'library',
    label: 'Missing-track cleanup after (days)',
    description: 'Cleanup offers to remove tracks missing for longer than this.',
  },
  'library.perFileTimeoutMs': {
    schema: z.number().int().min(1000).max(600_000),
    default: 30_000,
    category: 'library',
    label: 'Per-file time limit (ms)',
    description: 'A file that takes longer to read or hash is recorded as broken.',
  },
  'analysis.autoAnalyzeNewTracks': {
    schema: z.boolean(),
    default: true,
    category: 'analysis',
    label: 'Analyse new tracks',
    description: 'Queue BPM, key and waveform analysis for new audio automatically.',
  },
  'analysis.deepAnalysisWhenIdle': {
    schema: z.boolean(),
    default: false,
    category: 'analysis',
    label: 'Deep analysis when idle',
    description: 'Genre, segments and transitions at the lowest priority once everything has basic analysis.',
  },
  'analysis.engine': {
    schema: z.enum(['auto', 'builtin', 'server']),
    default: 'auto',
    category: 'analysis',
    label: 'Who analyses',
    description: 'Auto: the analysis server when one answers, else the built-in analyzer. Built-in: always this machine. Server: only the analysis server.',
  },
  'analysis.minBpm': {
    schema: z.number().int().min(40).max(200),
    default: 70,
    category: 'analysis',
    label: 'Lowest BPM',
    description: 'The built-in analyzer reports tempos inside this range (halving or doubling what it hears).',
  },
  'analysis.maxBpm': {
    schema: z.number().int().min(60).max(300),
    default: 180,
    category: 'analysis',
    label: 'Highest BPM',
    description: 'With the lowest BPM: 70–180 suits most DJ music; 85–175 for drum & bass sets, 60–140 for hip-hop.',
  },
  'ui.keyNotation': {
    schema: z.enum(['camelot', 'openkey', 'musical']),
    default: 'camelot',
    category: 'ui',
    label: 'Key notation',
    description: 'Camelot (8A), Open Key (1m) or musical (Am).',
  },
  'ui.showWaveforms': {
    schema: z.boolean(),
    default: true,
    category: 'ui',
    label: 'Show waveforms',
    description: 'Draw waveforms in the track view.',
  },
  'suggest.keyWeight': {
    schema: z.number().min(0).max(10),
    default: 3,
    category: 'suggest',
    label: 'Key weight',
    description: 'How much a good key relation counts in “what to play next” (0 leaves it out).',
  },
  'suggest.tempoWeight': {
    schema: z.number().min(0).max(10),
    default: 3,
    category: 'suggest',
    label: 'Tempo weight',
    description: 'How much a small tempo change counts.',
  },
  'suggest.energyWeight': {
    schema: z.number().min(0).max(10),
    default: 1.5,
    category: 'suggest',
    label: 'Energy weight',
    description: 'How much an energy step in the chosen direction counts.',
  },
  'suggest.affinityWeight': {
    schema: z.number().min(0).max(10),
    default: 1,
    category: 'suggest',
    label: 'Genre and label weight',
    description: 'How much the same genre, label or artist counts.',
  },
  'suggest.recencyWeight': {
    schema: z.number().min(0).max(10),
    default: 0.5,
    category: 'suggest',
    label: 'Freshness weight',
    description: 'How much a track not played in the last day counts over one played just now.',
  },
  'suggest.crowdWeight': {
    schema: z.number().min(0).max(10),
    default: 1,
    category: 'suggest',
    label: 'Crowd weight',
    description: 'How much past crowd reactions (floor fillers, floor clearers) count.',
  },
  'suggest.tempoRangePercent': {
    schema: z.number().min(0.5).max(20),
    default: 4,
    category: 'suggest',
    label: 'Tempo falloff (%)',
    description: 'A tempo change of this size scores 0.6 of a perfect match; twice it, 0.14.',
  },
  'jobs.retentionDays': {
    schema: z.number().int().min(1).max(365),
    default: 7,
    category: 'maintenance',
    label: 'Keep finished jobs (days)',
    description: 'Finished jobs older than this are pruned.',
  },
  'events.retentionHours': {
    schema: z
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    default: 72,
    category: 'maintenance',
    label: 'Keep live events (hours)',
    description: 'A browser that reconnects within this window receives everything it missed.',
  },
  'duplicates.canonicalRule': {
    schema: z.array(z.enum(CANONICAL_CRITERIA)).min(1).max(CANONICAL_CRITERIA.length),
    default: DEFAULT_RULE,
    category: 'library',
    label: 'Copy to keep among duplicates',
    description: 'Criteria in order: the first that tells the copies apart decides which one is kept.',
  },
  'files.organiseTemplate': {
    schema: z.string().min(1).max(500),
    default: '{album artist}/{album}/{track:02} - {title}',
    category: 'library',
    label: 'Organise template',
    description: 'Folders and file name for "Organise"; fields: {artist} {album artist} {album} {title} {track:02} {disc} {year} {genre} {label} {bpm} {key}.',
  },
  'trash.autoEmptyDays': {
    schema: z.number().int().min(0).max(3650),
    default: 30,
    category: 'maintenance',
    label: 'Empty trash after (days)',
    description: '0 keeps trashed files until you empty the trash yourself.',
  },
  'backups.intervalHours': {
    schema: z
      .number()
      .int()
      .min(0)
      .max(24 * 30),
    default: 24,
    category: 'maintenance',
    label: 'Backup every (hours)',
    description: '0 turns scheduled backups off.',
  },
  'backups.keep': {
    schema: z.number().int().min(1).max(365),
    default: 7,
    category: 'maintenance',
    label: 'Backups to keep',
    description: 'Older backups are deleted.',
  },
  'sessions.inactivityHours': {
    schema: z.number().min(0.25).max(48),
    default: 4,
    category: 'playlists',
    label: 'End a DJ session after (hours idle)',
    description: 'A session playlist is finalised when nothing has been played for this long.',
  },
} as const satisfies Record<string, SettingDefinition>;

export interface SettingDefinition {
  schema: z.ZodType;
  default: unknown;
  category: 'library' | 'analysis' | 'ui' | 'maintenance' | 'playlists' | 'suggest';
  label: string;
  description: string;
}

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]['schema']>;
export type SettingValues = { [K in SettingKey]: SettingValue<K> };
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const isSettingKey = (k: string): k is SettingKey => Object.hasOwn(SETTINGS, k);
