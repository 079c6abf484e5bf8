import type { ClvFit } from '../../value/clv.service';

export const CLV_FITS_DEFAULT_LIMIT = 20;
export const CLV_FITS_MAX_LIMIT = 100;

/** The recorded lifetime-value fits, newest first. */
export class ListClvFitsQuery {
  constructor(readonly limit: number) {}
}

export interface ClvFitsAnswer {
  readonly items: readonly ClvFit[];
}
