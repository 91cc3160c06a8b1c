/**
 * Identity globs of the control API: `*` any run of characters, `?` one; everything else literal.
 */

/** A matcher for `glob`; '' and '*' match everything. */
export function globMatcher(glob: string | undefined): (identity: string) => boolean {
  if (glob === undefined || glob === '' || glob === '*') return () => true;
  if (!/[*?]/.test(glob)) return (identity) => identity === glob;
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return (identity) => re.test(identity);
}

/** True when `glob` names exactly one identity (no wildcard). */
export function isExactIdentity(glob: string): boolean {
  return glob !== '' && !/[*?]/.test(glob);
}
