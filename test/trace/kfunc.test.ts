/**
 * kfunc wrappers pass exactly the parameters a function declares (defaulted ones too), so default
 * values still apply and no argument a function declares is lost.
 */
import { describe, expect, it } from 'vitest';
import { declaredArity, kfunc } from '../../src/trace/kfunc.js';

describe('kfunc arity', () => {
  it('counts declared parameters, defaults and destructuring included; gives up on rest and strings', () => {
    expect(declaredArity(function f0() {})).toBe(0);
    expect(declaredArity(function f1(_a: number) {})).toBe(1);
    expect(declaredArity(function f3(_a: number, _b = 1, _c?: number) {})).toBe(3);
    expect(declaredArity(function fd(_a: number, { x, y }: { x: number; y: number } = { x: 1, y: 2 }, [_p, _q]: number[] = []) {
      return x + y;
    })).toBe(3);
    expect(declaredArity(function fr(..._r: number[]) {})).toBe(12);
    expect(declaredArity(function fs(_a = 'x,y') {})).toBe(12);
  });

  it('a wrapped function sees every declared argument, and its defaults', () => {
    const f = kfunc('x.c', function kfunc_arity_probe(a: number, b = 10, c?: number, d = a + 1): number[] {
      return [a, b, c ?? -1, d];
    });
    expect(f(1)).toEqual([1, 10, -1, 2]);
    expect(f(1, 2, 3, 4)).toEqual([1, 2, 3, 4]);
    expect(f(1, undefined, 3)).toEqual([1, 10, 3, 2]);
    const g = kfunc('x.c', function kfunc_arity_twelve(a: number, b: number, c: number, d: number, e: number, f2: number, g2: number, h: number, i: number, j: number, k: number, l = 99): number {
      return a + b + c + d + e + f2 + g2 + h + i + j + k + l;
    });
    expect(g(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).toBe(110);
  });
});
