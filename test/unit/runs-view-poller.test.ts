import assert from "node:assert/strict";
import { test } from "node:test";
import { POLL_MS, Poller, pollInterval, type PollClock, type PollState } from "../../client/src/runs-view/poller";

/** A clock that moves only when told: `advance` runs, in order, every timer that falls due. */
class FakeClock implements PollClock {
  private time = 0;
  private next = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.set(++this.next, { at: this.time + ms, callback });
    return this.next;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** How many timers are set. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time on by `ms`, running each timer due on the way, and the promises each one starts. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Lets the promises already started run to their end (a tick's awaits are all resolved ones). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const bucket: PollState = { visible: true, datastore: "bucket", running: false, failing: false };

/** A poller over `state` on a fake clock, recording when each poll began. */
function poller(state: PollState, tick: () => Promise<void> = () => Promise.resolve()) {
  const clock = new FakeClock();
  const polls: number[] = [];
  const errors: unknown[] = [];
  const p = new Poller(
    () => {
      polls.push(clock.now());
      return tick();
    },
    () => state,
    clock,
    (error) => errors.push(error),
  );
  return { clock, polls, errors, poller: p };
}

test("the plan: a hidden view or no datastore is never polled; a bucket briskly while a run goes, slowly otherwise", () => {
  assert.equal(pollInterval({ ...bucket, visible: false, running: true }), undefined);
  assert.equal(pollInterval({ ...bucket, datastore: "none" }), undefined);
  assert.equal(pollInterval({ ...bucket, running: true }), POLL_MS.bucketRunning);
  assert.equal(pollInterval(bucket), POLL_MS.bucketIdle);
  assert.equal(pollInterval({ ...bucket, running: true, failing: true }), POLL_MS.bucketIdle);
  assert.equal(pollInterval({ ...bucket, datastore: "local", running: true }), POLL_MS.localRunning);
  assert.equal(pollInterval({ ...bucket, datastore: "local" }), POLL_MS.localIdle);
  assert.ok(POLL_MS.bucketRunning < POLL_MS.bucketIdle);
});

test("a bucket with nothing running is polled at the idle interval, again and again", async () => {
  const { clock, polls, poller: p } = poller({ ...bucket });
  p.update();
  await clock.advance(POLL_MS.bucketIdle * 3);
  assert.deepEqual(
    polls,
    [1, 2, 3].map((n) => n * POLL_MS.bucketIdle),
  );
});

test("a run that starts brings the next poll forward; the poll that sees it end slows the polls down", async () => {
  const state = { ...bucket };
  let endsAt = Infinity;
  const {
    clock,
    polls,
    poller: p,
  } = poller(state, () => {
    if (clock.now() >= endsAt) state.running = false;
    return Promise.resolve();
  });
  p.update();
  await clock.advance(1000);
  state.running = true;
  p.update();
  await clock.advance(POLL_MS.bucketRunning * 2 - 1000);
  assert.deepEqual(polls, [POLL_MS.bucketRunning, POLL_MS.bucketRunning * 2]);
  endsAt = clock.now();
  await clock.advance(POLL_MS.bucketRunning + POLL_MS.bucketIdle);
  assert.deepEqual(polls.slice(2), [POLL_MS.bucketRunning * 3, POLL_MS.bucketRunning * 3 + POLL_MS.bucketIdle]);
});

test("updates (the tree calls one after every read) never postpone a poll that is due", async () => {
  const state = { ...bucket, running: true };
  const { clock, polls, poller: p } = poller(state);
  p.update();
  for (let i = 0; i < 10; i++) {
    await clock.advance(POLL_MS.bucketRunning / 10);
    p.update();
  }
  assert.deepEqual(polls, [POLL_MS.bucketRunning]);
});

test("hiding the view stops the polls; showing it again polls at once", async () => {
  const state = { ...bucket, running: true };
  const { clock, polls, poller: p } = poller(state);
  p.update();
  await clock.advance(POLL_MS.bucketRunning);
  state.visible = false;
  p.update();
  assert.equal(clock.pending, 0);
  await clock.advance(POLL_MS.bucketIdle * 4);
  assert.deepEqual(polls, [POLL_MS.bucketRunning]);
  state.visible = true;
  p.update();
  await clock.advance(0);
  assert.deepEqual(polls, [POLL_MS.bucketRunning, POLL_MS.bucketRunning + POLL_MS.bucketIdle * 4]);
});

test("a slow poll is never overlapped: the next is planned from its end", async () => {
  const state = { ...bucket, running: true };
  let finish: () => void = () => {};
  const { clock, polls, poller: p } = poller(state, () => new Promise<void>((resolve) => (finish = resolve)));
  p.update();
  await clock.advance(POLL_MS.bucketRunning);
  // The first poll hangs (an endpoint that does not answer): updates meanwhile plan nothing.
  p.update();
  await clock.advance(POLL_MS.bucketRunning * 5);
  assert.deepEqual(polls, [POLL_MS.bucketRunning]);
  assert.equal(clock.pending, 0);
  finish();
  await settle();
  await clock.advance(POLL_MS.bucketRunning);
  assert.deepEqual(polls, [POLL_MS.bucketRunning, POLL_MS.bucketRunning * 7]);
});

test("a poll that fails is reported and the polls go on, at the idle interval while failing", async () => {
  const state = { ...bucket, running: true };
  const {
    clock,
    polls,
    errors,
    poller: p,
  } = poller(state, () => {
    state.failing = true;
    return Promise.reject(new Error("s3://b/p: cannot list: the endpoint did not answer"));
  });
  p.update();
  await clock.advance(POLL_MS.bucketRunning + POLL_MS.bucketIdle);
  assert.deepEqual(polls, [POLL_MS.bucketRunning, POLL_MS.bucketRunning + POLL_MS.bucketIdle]);
  assert.equal(errors.length, 2);
});

test("a disposed poller plans nothing more", async () => {
  const { clock, polls, poller: p } = poller({ ...bucket, running: true });
  p.update();
  p.dispose();
  p.update();
  await clock.advance(POLL_MS.bucketIdle * 2);
  assert.deepEqual(polls, []);
  assert.equal(clock.pending, 0);
});
