export * from './cross-sell';
export * from './itemsets';
export * from './recommendations';
export * from './sequences';
