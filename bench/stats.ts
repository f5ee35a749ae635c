// Summary statistics for the benchmarks: medians and spreads of repeated timings, and the
// least-squares line through (size, time) points that tells whether growth stays linear.

/** Median, 10th/90th percentiles, quartiles and extremes of a sample, in its own unit. */
export interface Spread {
  n: number;
  median: number;
  p10: number;
  p90: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

/** The q-quantile (0..1) of sorted values, linearly interpolated. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** The spread of a sample of timings. */
export function spreadOf(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), q1: quantile(s, 0.25), q3: quantile(s, 0.75), min: s[0], max: s[s.length - 1] };
}

/** A fitted line y = slope·x + intercept with its coefficient of determination. */
export interface LinearFit {
  slope: number;
  intercept: number;
  r2: number;
  /** Exponent b of the power law y = a·x^b fitted in log-log space: 1 means linear growth. */
  exponent: number;
}

/** Least-squares fit of y on x, plus the log-log exponent. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const line = (u: readonly number[], v: readonly number[]) => {
    const n = u.length;
    const mu = u.reduce((a, b) => a + b, 0) / n;
    const mv = v.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (u[i] - mu) * (v[i] - mv);
      sxx += (u[i] - mu) ** 2;
      syy += (v[i] - mv) ** 2;
    }
    const slope = sxy / sxx;
    return { slope, intercept: mv - slope * mu, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
  };
  const fit = line(xs, ys);
  const logFit = line(xs.map(Math.log), ys.map((y) => Math.log(Math.max(y, 1e-6))));
  return { ...fit, exponent: logFit.slope };
}

/** Formats milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Times `run` `repeats` times after `warmup` untimed runs; returns milliseconds per run. */
export function timeRepeated(run: (i: number) => void, repeats: number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) run(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    run(i);
    out.push(performance.now() - started);
  }
  return out;
}
