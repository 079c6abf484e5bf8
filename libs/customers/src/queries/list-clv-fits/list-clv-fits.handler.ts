import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ClvService } from '../../value/clv.service';
import { ListClvFitsQuery, type ClvFitsAnswer } from './list-clv-fits.query';

@QueryHandler(ListClvFitsQuery)
export class ListClvFitsHandler implements IQueryHandler<ListClvFitsQuery, ClvFitsAnswer> {
  constructor(private readonly clv: ClvService) {}

  async execute({ limit }: ListClvFitsQuery): Promise<ClvFitsAnswer> {
    return { items: await this.clv.listFits(limit) };
  }
}
