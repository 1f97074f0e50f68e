/** What decides which copy of a duplicate is kept, in the order the DJ set. */
export const CANONICAL_CRITERIA = ['lossless', 'bitrate', 'sampleRate', 'bitDepth', 'directoryPriority', 'earliestAdded', 'mostPlayed', 'highestRated'] as const;
export type CanonicalCriterion = (typeof CANONICAL_CRITERIA)[number];
export const DEFAULT_RULE: CanonicalCriterion[] = ['lossless', 'bitrate', 'sampleRate', 'directoryPriority', 'earliestAdded'];
