import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import { COMPLAINT_TRANSITIONS, type ComplaintCommandType, type ComplaintStatus } from './complaint-lifecycle';
import type { CustomerCommand } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';
import {
  assessComplaint,
  at,
  closeComplaint,
  COMPLAINT_ID,
  complaintAssessed,
  complaintClosed,
  complaintFiled,
  complaintFollowedUp,
  complaintRejected,
  complaintReopened,
  complaintResolved,
  fileComplaint,
  followUpComplaint,
  NOW,
  proposeResolution,
  registered,
  reopenComplaint,
  resolutionProposed,
  resolveComplaint,
} from './testing/customer-fixtures';

const spec = deciderSpecification(customerDecider);

function keysOf<K extends string>(record: Readonly<Record<K, unknown>>): K[] {
  return Object.keys(record) as K[];
}

/** Decides each command against the state so far, as the application would, and returns all new events. */
function runFromRegistration(commands: readonly CustomerCommand[]): CustomerEvent[] {
  let state = customerDecider.evolve(customerDecider.initialState(), registered());
  const events: CustomerEvent[] = [];
  for (const command of commands) {
    const decided = customerDecider.decide(command, state);
    events.push(...decided);
    state = decided.reduce(customerDecider.evolve, state);
  }
  return events;
}

const filed = [registered(), complaintFiled()];
const assessedValid = [...filed, complaintAssessed()];
const rejected = [...filed, complaintRejected()];
const proposed = [...assessedValid, resolutionProposed()];
const resolved = [...proposed, complaintResolved()];
const followedUp = [...resolved, complaintFollowedUp()];
const closed = [...followedUp, complaintClosed()];

/** A history of real events that leaves the complaint in each status. */
const HISTORY: Readonly<Record<ComplaintStatus, readonly CustomerEvent[]>> = {
  filed,
  valid: assessedValid,
  rejected,
  'resolution-proposed': proposed,
  resolved,
  'followed-up': followedUp,
  closed,
  reopened: [...closed, complaintReopened()],
};

/** For each complaint command: a valid command for a complaint id, and the event it decides for COMPLAINT_ID. */
const STEP: Readonly<
  Record<
    ComplaintCommandType,
    { readonly command: (complaintId?: string) => CustomerCommand; readonly event: CustomerEvent }
  >
> = {
  AssessComplaint: {
    command: (complaintId = COMPLAINT_ID) => assessComplaint({ complaintId }),
    event: complaintAssessed(),
  },
  ProposeResolution: {
    command: (complaintId = COMPLAINT_ID) => proposeResolution({ complaintId }),
    event: resolutionProposed(),
  },
  ResolveComplaint: {
    command: (complaintId = COMPLAINT_ID) => resolveComplaint({ complaintId }),
    event: complaintResolved(),
  },
  FollowUpComplaint: {
    command: (complaintId = COMPLAINT_ID) => followUpComplaint({ complaintId }),
    event: complaintFollowedUp(),
  },
  CloseComplaint: {
    command: (complaintId = COMPLAINT_ID) => closeComplaint({ complaintId }),
    event: complaintClosed(),
  },
  ReopenComplaint: {
    command: (complaintId = COMPLAINT_ID) => reopenComplaint({ complaintId }),
    event: complaintReopened(),
  },
};

describe('FileComplaint', () => {
  it('given a registered customer, when a complaint is filed, then it is recorded with its category, severity, channel and description', () => {
    spec
      .given([registered()])
      .when(
        fileComplaint({
          complaintId: 'cmp-9',
          category: 'billing',
          severity: 'critical',
          channel: 'email',
          description: 'charged twice',
        }),
      )
      .then([
        {
          type: 'ComplaintFiled',
          data: {
            complaintId: 'cmp-9',
            category: 'billing',
            severity: 'critical',
            channel: 'email',
            description: 'charged twice',
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given a filed complaint, when a complaint with the same id is filed, then it is refused as already filed', () => {
    spec.given(filed).when(fileComplaint()).thenThrows('COMPLAINT_ALREADY_FILED');
  });

  it('given a closed complaint, when a complaint with the same id is filed, then it is refused as already filed', () => {
    spec.given(closed).when(fileComplaint()).thenThrows('COMPLAINT_ALREADY_FILED');
  });

  it('given no customer, when a complaint is filed, then it is refused as not found', () => {
    spec.given([]).when(fileComplaint()).thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('the four-step complaint path', () => {
  it('given a registered customer, when a complaint is filed, assessed valid, given a resolution, resolved, followed up and closed, then each step is recorded at its own business time', () => {
    const events = runFromRegistration([
      fileComplaint({ occurredAt: at('2026-04-01T09:00:00.000Z') }),
      assessComplaint({ keyPoints: 'box crushed, item cracked', occurredAt: at('2026-04-01T11:00:00.000Z') }),
      proposeResolution({ occurredAt: at('2026-04-02T09:00:00.000Z') }),
      resolveComplaint({ occurredAt: at('2026-04-04T15:00:00.000Z') }),
      followUpComplaint({
        satisfaction: 5,
        note: 'happy with the replacement',
        occurredAt: at('2026-04-11T10:00:00.000Z'),
      }),
      closeComplaint({ note: 'done', occurredAt: at('2026-04-11T10:05:00.000Z') }),
    ]);
    expect(events).toEqual([
      complaintFiled({ occurredAt: '2026-04-01T09:00:00.000Z' }),
      complaintAssessed({ keyPoints: 'box crushed, item cracked', occurredAt: '2026-04-01T11:00:00.000Z' }),
      resolutionProposed({ occurredAt: '2026-04-02T09:00:00.000Z' }),
      complaintResolved({ occurredAt: '2026-04-04T15:00:00.000Z' }),
      complaintFollowedUp({
        satisfaction: 5,
        note: 'happy with the replacement',
        occurredAt: '2026-04-11T10:00:00.000Z',
      }),
      complaintClosed({ note: 'done', occurredAt: '2026-04-11T10:05:00.000Z' }),
    ]);
  });

  it('given a filed complaint, when it is assessed valid with key points, then the verdict, reason and key points are recorded', () => {
    spec
      .given(filed)
      .when(assessComplaint({ valid: true, reason: 'late by a week', keyPoints: 'promised 2 days' }))
      .then([
        {
          type: 'ComplaintAssessed',
          data: {
            complaintId: COMPLAINT_ID,
            verdict: 'valid',
            reason: 'late by a week',
            keyPoints: 'promised 2 days',
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given a filed complaint, when it is assessed not valid, then it is recorded as rejected', () => {
    spec
      .given(filed)
      .when(assessComplaint({ valid: false, reason: 'damage caused after delivery' }))
      .then([complaintRejected()]);
  });

  it('given a valid complaint, when a resolution is proposed, then the proposal is recorded', () => {
    spec
      .given(assessedValid)
      .when(proposeResolution({ proposal: 'refund the shipping' }))
      .then([resolutionProposed({ proposal: 'refund the shipping' })]);
  });

  it('given a proposed resolution the customer did not accept, when another is proposed, then the new proposal is recorded', () => {
    spec
      .given(proposed)
      .when(proposeResolution({ proposal: 'full refund' }))
      .then([resolutionProposed({ proposal: 'full refund' })]);
  });

  it('given a proposed resolution, when the complaint is resolved, then the resolution is recorded', () => {
    spec
      .given(proposed)
      .when(resolveComplaint({ resolution: 'refunded' }))
      .then([complaintResolved({ resolution: 'refunded' })]);
  });

  it('given a resolved complaint, when it is followed up, then the satisfaction and note are recorded', () => {
    spec
      .given(resolved)
      .when(followUpComplaint({ satisfaction: 2, note: 'took too long' }))
      .then([complaintFollowedUp({ satisfaction: 2, note: 'took too long' })]);
  });

  it('given a followed-up complaint, when it is closed, then the closing is recorded', () => {
    spec
      .given(followedUp)
      .when(closeComplaint())
      .then([complaintClosed({ note: null })]);
  });

  it('given a rejected complaint, when it is followed up, then the follow-up is recorded', () => {
    spec
      .given(rejected)
      .when(followUpComplaint({ satisfaction: 1 }))
      .then([complaintFollowedUp({ satisfaction: 1 })]);
  });

  it('given a rejected complaint that was followed up, when it is closed, then the closing is recorded', () => {
    spec
      .given([...rejected, complaintFollowedUp({ satisfaction: 1 })])
      .when(closeComplaint())
      .then([complaintClosed()]);
  });

  it('given a rejected complaint, when it is closed without a follow-up, then the closing is recorded', () => {
    spec
      .given(rejected)
      .when(closeComplaint({ note: 'customer not reachable' }))
      .then([complaintClosed({ note: 'customer not reachable' })]);
  });

  it('given a filed complaint, when it is resolved before assessment and proposal, then it is refused', () => {
    spec.given(filed).when(resolveComplaint()).thenThrows('COMPLAINT_TRANSITION_NOT_ALLOWED');
  });

  it('given a resolved complaint, when it is closed without a follow-up, then it is refused', () => {
    spec.given(resolved).when(closeComplaint()).thenThrows('COMPLAINT_TRANSITION_NOT_ALLOWED');
  });

  it('given a rejected complaint, when a resolution is proposed, then it is refused', () => {
    spec.given(rejected).when(proposeResolution()).thenThrows('COMPLAINT_TRANSITION_NOT_ALLOWED');
  });
});

describe('ReopenComplaint', () => {
  it.each<[string, readonly CustomerEvent[]]>([
    ['resolved', resolved],
    ['closed', closed],
    ['rejected', rejected],
  ])(
    'given a %s complaint, when it is reopened, then the reopening is recorded with its reason',
    (_status, history) => {
      spec
        .given(history)
        .when(reopenComplaint({ reason: 'customer called again' }))
        .then([complaintReopened({ reason: 'customer called again' })]);
    },
  );

  it.each<[string, readonly CustomerEvent[]]>([
    ['resolved', resolved],
    ['closed', closed],
    ['rejected', rejected],
  ])(
    'given a complaint reopened after being %s, when it is assessed again, then the new verdict is recorded',
    (_status, history) => {
      spec
        .given([...history, complaintReopened()])
        .when(assessComplaint({ valid: true, reason: 'second look' }))
        .then([complaintAssessed({ reason: 'second look' })]);
    },
  );

  it('given a reopened complaint assessed valid again, when the path is walked to the end, then it closes again', () => {
    const events = runFromRegistration([
      fileComplaint(),
      assessComplaint({ valid: false }),
      reopenComplaint(),
      assessComplaint({ valid: true }),
      proposeResolution(),
      resolveComplaint(),
      followUpComplaint(),
      closeComplaint(),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'ComplaintFiled',
      'ComplaintAssessed',
      'ComplaintReopened',
      'ComplaintAssessed',
      'ComplaintResolutionProposed',
      'ComplaintResolved',
      'ComplaintFollowedUp',
      'ComplaintClosed',
    ]);
  });

  it('given a reopened complaint, when it is resolved without a new assessment, then it is refused', () => {
    spec.given(HISTORY.reopened).when(resolveComplaint()).thenThrows('COMPLAINT_TRANSITION_NOT_ALLOWED');
  });
});

describe('complaint transitions, every (command, status) pair', () => {
  it.each(keysOf(HISTORY))(
    'given the history for %s, when it is folded, then the complaint is in that status',
    (status) => {
      const state = HISTORY[status].reduce(customerDecider.evolve, customerDecider.initialState());
      expect(state.complaints.get(COMPLAINT_ID)).toBe(status);
    },
  );

  const pairs = keysOf(STEP).flatMap((command) =>
    keysOf(HISTORY).map((status) => ({ command, status, allowed: COMPLAINT_TRANSITIONS[command].includes(status) })),
  );

  it('given the lifecycle table, when every command is paired with every status, then all pairs are enumerated and both outcomes occur', () => {
    expect(pairs).toHaveLength(6 * 8);
    expect(pairs.filter((pair) => pair.allowed).length).toBeGreaterThan(0);
    expect(pairs.filter((pair) => !pair.allowed).length).toBeGreaterThan(0);
  });

  it.each(pairs.filter((pair) => pair.allowed))(
    'given a complaint that is $status, when $command, then it is allowed',
    ({ command, status }) => {
      spec.given(HISTORY[status]).when(STEP[command].command()).then([STEP[command].event]);
    },
  );

  it.each(pairs.filter((pair) => !pair.allowed))(
    'given a complaint that is $status, when $command, then it is refused with COMPLAINT_TRANSITION_NOT_ALLOWED',
    ({ command, status }) => {
      spec.given(HISTORY[status]).when(STEP[command].command()).thenThrows('COMPLAINT_TRANSITION_NOT_ALLOWED');
    },
  );
});

describe('complaints are kept apart', () => {
  it.each(keysOf(STEP))(
    'given another complaint, when %s names a complaint that was never filed, then it is refused as not found',
    (command) => {
      spec.given(filed).when(STEP[command].command('cmp-unknown')).thenThrows('COMPLAINT_NOT_FOUND');
    },
  );

  it('given one complaint closed and another filed, when the second is assessed, then it is assessed on its own status', () => {
    spec
      .given([...closed, complaintFiled({ complaintId: 'cmp-2' })])
      .when(assessComplaint({ complaintId: 'cmp-2' }))
      .then([complaintAssessed({ complaintId: 'cmp-2' })]);
  });

  it('given one complaint filed and another closed, when the first is closed, then it is refused on its own status', () => {
    spec
      .given([registered(), complaintFiled({ complaintId: 'cmp-2' }), ...closed.slice(1)])
      .when(closeComplaint({ complaintId: 'cmp-2' }))
      .thenThrows('COMPLAINT_TRANSITION_NOT_ALLOWED');
  });
});

describe('FollowUpComplaint satisfaction', () => {
  it.each([1, 5])(
    'given a resolved complaint, when satisfaction %p is recorded, then it is accepted',
    (satisfaction) => {
      spec
        .given(resolved)
        .when(followUpComplaint({ satisfaction }))
        .then([complaintFollowedUp({ satisfaction })]);
    },
  );

  it.each([0, 6, 3.5, -1])(
    'given a resolved complaint, when satisfaction %p is recorded, then it is refused as an invalid score',
    (satisfaction) => {
      spec.given(resolved).when(followUpComplaint({ satisfaction })).thenThrows('INVALID_SCORE');
    },
  );
});
