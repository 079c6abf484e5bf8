import type { AcquisitionSource, CustomerKind } from './customer.events';

export interface RegisterCustomer {
  readonly type: 'RegisterCustomer';
  readonly data: {
    readonly customerId: string;
    readonly kind: CustomerKind;
    readonly name: string;
    readonly email?: string;
    readonly phone?: string;
    readonly region?: string;
    readonly acquisitionSource?: AcquisitionSource;
    /** Business time; the caller supplies it (the domain reads no clock). */
    readonly registeredAt: Date;
  };
}

export type CustomerCommand = RegisterCustomer;
