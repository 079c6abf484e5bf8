import { nelderMead } from './nelder-mead';

describe('nelderMead', () => {
  it('given the Rosenbrock valley when minimised then it finds (1, 1)', () => {
    const rosenbrock = ([x, y]: readonly number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const minimum = nelderMead(rosenbrock, [-1.2, 1], { pointTolerance: 1e-8, tolerance: 1e-14 });
    expect(minimum.converged).toBe(true);
    expect(minimum.point[0]).toBeCloseTo(1, 6);
    expect(minimum.point[1]).toBeCloseTo(1, 6);
    expect(minimum.value).toBeLessThan(1e-12);
  });

  it('given a quadratic bowl in four dimensions when minimised then it finds the centre', () => {
    const centre = [3, -2, 0.5, 10];
    const bowl = (p: readonly number[]) => p.reduce((s, v, i) => s + (i + 1) * (v - centre[i]) ** 2, 0);
    const minimum = nelderMead(bowl, [0, 0, 0, 0]);
    minimum.point.forEach((v, i) => expect(v).toBeCloseTo(centre[i], 5));
  });

  it('given an objective that is not finite somewhere when minimised then those points act as a wall', () => {
    const walled = ([x]: readonly number[]) => (x < 0.5 ? Number.NaN : (x - 2) ** 2);
    const minimum = nelderMead(walled, [3]);
    expect(minimum.point[0]).toBeCloseTo(2, 5);
  });

  it('given a small evaluation budget when it runs out then the result says it did not converge', () => {
    const rosenbrock = ([x, y]: readonly number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const minimum = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 20 });
    expect(minimum.converged).toBe(false);
    expect(minimum.evaluations).toBeLessThanOrEqual(25);
  });
});
