import { DEFAULT_CRM_RULES } from '../domain/rules/crm-rules';
import { mergeCrmRules } from './rules.loader';

describe('cross-selling rules', () => {
  it('given no file, then the documented defaults', () => {
    expect(DEFAULT_CRM_RULES.crossSell).toEqual({
      minSupport: 0.01,
      minConfidence: 0.2,
      minSequenceSupport: 0.01,
      maxItemsetSize: 3,
    });
  });

  it('given fractional thresholds in the file, then they are merged over the defaults', () => {
    const rules = mergeCrmRules({
      version: 'v',
      crossSell: { minSupport: 0.05, minConfidence: 0.5, maxItemsetSize: 2 },
    });
    expect(rules.crossSell).toEqual({
      minSupport: 0.05,
      minConfidence: 0.5,
      minSequenceSupport: 0.01,
      maxItemsetSize: 2,
    });
  });

  it.each([
    [{ minSupport: 0 }, 'crossSell.minSupport: must be above 0 and at most 1'],
    [{ minSupport: 1.5 }, 'crossSell.minSupport: must be above 0 and at most 1'],
    [{ minConfidence: 1.01 }, 'crossSell.minConfidence: must be between 0 and 1'],
    [{ minSequenceSupport: 0 }, 'crossSell.minSequenceSupport: must be above 0 and at most 1'],
    [{ maxItemsetSize: 1 }, 'crossSell.maxItemsetSize: must be from 2 to 4 items'],
    [{ maxItemsetSize: 2.5 }, 'crossSell.maxItemsetSize: must be a whole number'],
  ])('given crossSell %j, then the start is refused naming the key', (crossSell, message) => {
    expect(() => mergeCrmRules({ version: 'v', crossSell })).toThrow(message);
  });
});
