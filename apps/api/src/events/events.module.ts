import { Module } from '@nestjs/common';
import { EventFeedController } from './event-feed.controller';
import { EventStreams } from './event-streams';

/** The ordered global event log over HTTP, for other services (role auditor). */
@Module({
  controllers: [EventFeedController],
  providers: [EventStreams],
  exports: [EventStreams],
})
export class EventsModule {}
