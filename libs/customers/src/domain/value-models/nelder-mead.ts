/**
 * Nelder–Mead minimisation with restarts, for the few-parameter maximum
 * likelihood fits of the value models (run on log-parameters, so the search
 * is unconstrained and moves are relative).
 *
 * Coefficients are the usual ones (reflection 1, expansion 2, contraction
 * 1/2, shrink 1/2; Lagarias et al. 1998). A run stops when the simplex's
 * values agree to `tolerance` (relative to 1 + |best|) and its points to
 * `pointTolerance` in every coordinate. The simplex can collapse before it
 * reaches the minimum, so the search then restarts from the best point with
 * a fresh simplex, until a restart improves the value by no more than the
 * tolerance. Non-finite objective values count as +∞ (a wall).
 */
export interface MinimiseOptions {
  /** Initial simplex edge, in the objective's coordinates (default 0.5). */
  readonly step?: number;
  /** Relative spread of the simplex's values at which a run stops (default 1e-10). */
  readonly tolerance?: number;
  /** Spread of the simplex's points at which a run stops (default 1e-6). */
  readonly pointTolerance?: number;
  /** Budget of objective evaluations over all runs (default 20,000). */
  readonly maxEvaluations?: number;
  /** Most restarts after the first run (default 10). */
  readonly maxRestarts?: number;
}

export interface Minimum {
  readonly point: readonly number[];
  readonly value: number;
  readonly evaluations: number;
  /** False when the evaluation budget ran out first. */
  readonly converged: boolean;
}

export function nelderMead(
  objective: (point: readonly number[]) => number,
  start: readonly number[],
  options: MinimiseOptions = {},
): Minimum {
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-10;
  const pointTolerance = options.pointTolerance ?? 1e-6;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 10;
  let evaluations = 0;
  const f = (point: readonly number[]): number => {
    evaluations++;
    const value = objective(point);
    return Number.isNaN(value) ? Infinity : value;
  };

  let best = { point: [...start], value: f(start) };
  let converged = false;
  for (let run = 0; run <= maxRestarts; run++) {
    const result = singleRun(
      f,
      best.point,
      best.value,
      step,
      tolerance,
      pointTolerance,
      () => evaluations < maxEvaluations,
    );
    const improvement = best.value - result.value;
    if (result.value <= best.value) best = result;
    if (!result.converged) break;
    if (run > 0 && improvement <= tolerance * (1 + Math.abs(best.value))) {
      converged = true;
      break;
    }
  }
  return { point: best.point, value: best.value, evaluations, converged };
}

interface Vertex {
  point: number[];
  value: number;
}

function singleRun(
  f: (point: readonly number[]) => number,
  start: number[],
  startValue: number,
  step: number,
  tolerance: number,
  pointTolerance: number,
  withinBudget: () => boolean,
): Vertex & { converged: boolean } {
  const dim = start.length;
  const simplex: Vertex[] = [{ point: start, value: startValue }];
  for (let i = 0; i < dim; i++) {
    const point = [...start];
    point[i] += step;
    simplex.push({ point, value: f(point) });
  }
  const along = (from: readonly number[], to: readonly number[], t: number): number[] =>
    from.map((v, i) => v + t * (to[i] - v));

  while (withinBudget()) {
    simplex.sort((u, v) => u.value - v.value);
    const best = simplex[0];
    const worst = simplex[dim];
    const secondWorst = simplex[dim - 1];
    if (isConverged(simplex, tolerance, pointTolerance)) return { ...best, converged: true };

    const centroid = new Array<number>(dim).fill(0);
    for (let k = 0; k < dim; k++) for (let i = 0; i < dim; i++) centroid[i] += simplex[k].point[i] / dim;

    const reflected = along(centroid, worst.point, -1);
    const reflectedValue = f(reflected);
    if (reflectedValue < best.value) {
      const expanded = along(centroid, worst.point, -2);
      const expandedValue = f(expanded);
      simplex[dim] =
        expandedValue < reflectedValue
          ? { point: expanded, value: expandedValue }
          : { point: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < secondWorst.value) {
      simplex[dim] = { point: reflected, value: reflectedValue };
      continue;
    }
    // Contract: outside when the reflection beat the worst point, inside otherwise.
    const outside = reflectedValue < worst.value;
    const contracted = along(centroid, worst.point, outside ? -0.5 : 0.5);
    const contractedValue = f(contracted);
    if (contractedValue < (outside ? reflectedValue : worst.value)) {
      simplex[dim] = { point: contracted, value: contractedValue };
      continue;
    }
    for (let k = 1; k <= dim; k++) {
      const point = along(best.point, simplex[k].point, 0.5);
      simplex[k] = { point, value: f(point) };
    }
  }
  simplex.sort((u, v) => u.value - v.value);
  return { ...simplex[0], converged: false };
}

function isConverged(simplex: readonly Vertex[], tolerance: number, pointTolerance: number): boolean {
  const best = simplex[0];
  const worst = simplex[simplex.length - 1];
  if (!(worst.value - best.value <= tolerance * (1 + Math.abs(best.value)))) return false;
  return simplex.every((v) => v.point.every((x, i) => Math.abs(x - best.point[i]) <= pointTolerance));
}
