import type { DatasetSplit } from '@dfl/data';

/**
 * What a run should warn about the optional per-image files it was given: images a face-box file has no box for
 * (used whole), and a landmark file's images without points (sbi falls back to its ellipse) or rows naming no image.
 */
export function dataCoverageWarnings(train: DatasetSplit, val: DatasetSplit): string[] {
  const warnings: string[] = [];
  for (const [split, s] of [['train', train], ['val', val]] as const) {
    if (s.faces && s.faces.withoutBox > 0) warnings.push(`${split}: ${s.faces.withoutBox} of ${s.items.length} image(s) have no face box in ${s.faces.file}; used whole`);
  }
  const lm = train.landmarks;
  if (lm) {
    const problems = [
      ...(lm.withoutLandmarks > 0 ? [`${lm.withoutLandmarks} of ${train.items.length} image(s) have no landmarks (sbi masks them with its ellipse)`] : []),
      ...(lm.unmatchedRows > 0 ? [`${lm.unmatchedRows} row(s) name no image of the split`] : []),
    ];
    if (problems.length > 0) warnings.push(`train: ${lm.file}: ${problems.join('; ')}`);
  }
  return warnings;
}
