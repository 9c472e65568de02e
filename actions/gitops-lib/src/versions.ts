// Order image tags where an order exists: semantic versions (with or without a leading v) and build numbers
// with the same prefix (build-41 < build-42, 41 < 42). Anything else (sha-1a2b3c4, latest) has no order and
// compares as 0, so it is never called a downgrade.
const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const BUILD = /^(.*?)(\d+)$/;
const SHA_TAG = /^(?:sha[-_.]?)?[0-9a-f]{7,40}$/i;

function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1; // 1.0.0 > 1.0.0-rc.1
  if (b === undefined) return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** <0 when `next` is older than `previous`, >0 when newer, 0 when equal or not comparable. */
export function compareTags(next: string, previous: string): number {
  const a = SEMVER.exec(next);
  const b = SEMVER.exec(previous);
  if (a && b) {
    for (let i = 1; i <= 3; i++) {
      const d = Number(a[i]) - Number(b[i]);
      if (d !== 0) return Math.sign(d);
    }
    return comparePrerelease(a[4], b[4]);
  }
  if (a || b) return 0;
  if (SHA_TAG.test(next) || SHA_TAG.test(previous)) return 0;
  const x = BUILD.exec(next);
  const y = BUILD.exec(previous);
  if (x && y && x[1] === y[1]) return Math.sign(Number(x[2]) - Number(y[2]));
  return 0;
}
