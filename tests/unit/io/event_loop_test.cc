#include "io/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

namespace coastguard::io {
namespace {

// Turns until `done` or a generous number of turns: timers are due after their period.
template <typename Done>
void TurnUntil(EventLoop& loop, Done done) {
  for (int i = 0; i < 10'000 && !done(); ++i) loop.RunOnce(core::kMillisecond);
}

TEST(EventLoop, RunOnceHandsOverAReadyDescriptor) {
  EventLoop loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int calls = 0;
  ASSERT_TRUE(loop.Watch(fds[0], EPOLLIN, [&](uint32_t) {
    char c;
    ASSERT_EQ(read(fds[0], &c, 1), 1);
    ++calls;
  }));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  loop.RunOnce(60 * core::kSecond);  // returns on the event, not after a minute
  EXPECT_EQ(calls, 1);
  loop.Unwatch(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST(EventLoop, ACancelledTimerNeverRunsAgainEvenCancelledFromItself) {
  EventLoop loop;
  int runs = 0, other = 0;
  uint64_t id = 0;
  id = loop.Every(core::kMillisecond, [&] {
    ++runs;
    loop.Cancel(id);
  });
  loop.Every(core::kMillisecond, [&] { ++other; });
  TurnUntil(loop, [&] { return other >= 5; });
  EXPECT_EQ(runs, 1);
  EXPECT_GE(other, 5);
}

TEST(EventLoop, ATimerAddedByATimerRunsOnItsOwnSchedule) {
  EventLoop loop;
  int added_runs = 0;
  bool added = false;
  loop.Every(core::kMillisecond, [&] {
    if (added) return;
    added = true;
    // The timers' vector grows under the running one: it must go on safely.
    for (int i = 0; i < 64; ++i) loop.Every(core::kMillisecond, [&] { ++added_runs; });
  });
  TurnUntil(loop, [&] { return added_runs >= 64 * 3; });
  EXPECT_GE(added_runs, 64 * 3);
}

}  // namespace
}  // namespace coastguard::io
