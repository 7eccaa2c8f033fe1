#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/time.h"

namespace coastguard::counters {

using core::Duration;
using core::Timestamp;

// The distinct tags (32-bit digests of logins, pwhashes, prefixes) seen in a sliding window,
// exact up to N; beyond N the oldest tag is replaced, so Count saturates at N. Detection
// thresholds are small (a handful of distinct logins per IP), so exact-while-small answers them
// with 8 bytes per slot and no allocation; heavy hitters are summarised elsewhere.
// Not thread-safe.
template <size_t N>
class RecentSet {
 public:
  static constexpr size_t kCapacity = N;

  // Records `tag` at `now`; returns true if it was not already present in the window.
  bool Insert(uint32_t tag, Timestamp now, Duration window) {
    tag = Normalise(tag);
    const uint32_t now_s = core::ToSeconds(now);
    size_t victim = N;  // a free slot if any, else the least recently seen
    for (size_t i = 0; i < N; ++i) {
      if (tags_[i] == tag) {
        const bool fresh = !Live(i, now, window);
        seen_[i] = now_s;
        return fresh;
      }
      if (tags_[i] == 0) {
        if (victim == N || tags_[victim] != 0) victim = i;
      } else if (victim == N || (tags_[victim] != 0 && seen_[i] < seen_[victim])) {
        victim = i;
      }
    }
    tags_[victim] = tag;
    seen_[victim] = now_s;
    return true;
  }

  bool Contains(uint32_t tag, Timestamp now, Duration window) const {
    tag = Normalise(tag);
    for (size_t i = 0; i < N; ++i) {
      if (tags_[i] == tag) return Live(i, now, window);
    }
    return false;
  }

  // Forgets `tag` (a login that turned out to be the owner's typo, not a guess).
  void Erase(uint32_t tag) {
    tag = Normalise(tag);
    // Every slot written, the same value back where it does not match: a loop the compiler
    // turns into a few vector compares (a conditional store it cannot), and this runs for each
    // of a success's sources.
    for (size_t i = 0; i < N; ++i) tags_[i] = tags_[i] == tag ? 0 : tags_[i];
  }

  // Distinct tags seen in (now - window, now], at most N.
  size_t Count(Timestamp now, Duration window) const {
    size_t count = 0;
    for (size_t i = 0; i < N; ++i) count += tags_[i] != 0 && Live(i, now, window);
    return count;
  }
  // The same, `tag` left out.
  size_t CountOthers(uint32_t tag, Timestamp now, Duration window) const {
    const size_t count = Count(now, window);
    return count - (count > 0 && Contains(tag, now, window) ? 1 : 0);
  }

 private:
  static uint32_t Normalise(uint32_t tag) { return tag == 0 ? 1 : tag; }  // 0 marks a free slot
  bool Live(size_t i, Timestamp now, Duration window) const {
    return core::FromSeconds(seen_[i]) > now - window;
  }

  std::array<uint32_t, N> tags_{};
  std::array<uint32_t, N> seen_{};
};

}  // namespace coastguard::counters
