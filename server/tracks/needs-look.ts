/** Below these, an analysed BPM or key is shown dimmed and listed under "Needs a look". */
export const LOW_BPM_CONFIDENCE = 0.5;
export const LOW_KEY_CONFIDENCE = 0.3;

/**
 * A track worth a DJ's look: its BPM or key is unsure, the analysis found no tempo, or the DJ
 * corrected it (to check the correction). One SQL expression over `tracks` (alias-free, so the
 * facet index's scan and the filters both use it); never NULL, so NOT of it is exact.
 */
export const NEEDS_LOOK_SQL = `coalesce((bpm_source = 'user' OR key_source = 'user' OR beat_offset_override IS NOT NULL
  OR (bpm_source IN ('builtin', 'server') AND bpm_confidence < ${LOW_BPM_CONFIDENCE})
  OR (key_source IN ('builtin', 'server') AND key_confidence < ${LOW_KEY_CONFIDENCE})
  OR (is_analyzed = 1 AND bpm IS NULL AND is_broken = 0)), 0)`;
