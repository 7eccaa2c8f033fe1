#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/time.h"
#include "counters/bounded_map.h"

namespace coastguard::history {

// What the console's overview draws: one count per minute for each kind of verdict.
enum class Series : uint8_t {
  kLoginAllow,
  kLoginDelay,
  kLoginReject,
  kLoginFailure,  // a password check that failed (reported after an allow or a delay)
  kMailAllow,
  kMailDefer,
  kMailHold,
  kFormAccept,
  kFormChallenge,
  kFormHold,
  kFormReject,
  kCount
};
inline constexpr std::string_view kSeriesNames[] = {
    "login_allow", "login_delay", "login_reject",   "login_failure", "mail_allow", "mail_defer",
    "mail_hold",   "form_accept", "form_challenge", "form_hold",     "form_reject"};
static_assert(std::size(kSeriesNames) == static_cast<size_t>(Series::kCount));

// A stretch of time the service spent in attack mode, as seen by the login decisions.
struct AttackEpisode {
  core::Timestamp start = 0;
  core::Timestamp end = 0;  // the last decision made in attack mode
};

struct TopEntry {
  std::string subject;
  uint64_t count = 0;
};

// The service's recent past, for the operator: verdicts per minute over the last `minutes`,
// attack-mode episodes, and the sources refused and the accounts targeted most. Fed with each
// decision and its timestamp (the event's time, not the clock), so replay and live traffic build
// the same history; bounded: a fixed ring of minutes, at most kMaxEpisodes episodes, and top
// lists kept approximately (sampled eviction of the smallest counts) in two hourly generations,
// so the lists say "the last one to two hours".
class Timeline {
 public:
  static constexpr size_t kMaxEpisodes = 256;
  static constexpr size_t kTopCapacity = 2048;

  explicit Timeline(size_t minutes = 24 * 60);

  // A login verdict (kLoginAllow, kLoginDelay or kLoginReject), its attempt's source and
  // canonical login, and whether attack mode was on when it was decided.
  void Login(core::Timestamp ts, Series verdict, const core::IpAddress& ip, std::string_view login,
             bool under_attack);
  // A failed password check reported for a login.
  void LoginFailed(core::Timestamp ts, std::string_view login);
  // Outbound mail and form verdicts (counted only).
  void Count(core::Timestamp ts, Series series);

  struct Bucket {
    int64_t minute = -1;  // minutes since the epoch; -1 = never used
    std::array<uint32_t, static_cast<size_t>(Series::kCount)> counts{};
  };
  // Calls fn(minute, counts) for each of the `minutes` minutes that end with the one holding
  // `now`, oldest first (zero counts where nothing happened).
  template <typename Fn>
  void ForEachMinute(core::Timestamp now, size_t minutes, Fn&& fn) const {
    const int64_t last = MinuteOf(now);
    const int64_t count = static_cast<int64_t>(std::min(minutes, ring_.size()));
    static const Bucket kEmpty;
    for (int64_t m = last - count + 1; m <= last; ++m) {
      const Bucket& b = ring_[Slot(m)];
      fn(m, b.minute == m ? b.counts : kEmpty.counts);
    }
  }
  const std::deque<AttackEpisode>& episodes() const { return episodes_; }
  // Up to `n` subjects with the largest counts, largest first.
  std::vector<TopEntry> TopRefusedSources(size_t n) const { return Top(refused_sources_, n); }
  std::vector<TopEntry> TopRefusedPrefixes(size_t n) const { return Top(refused_prefixes_, n); }
  std::vector<TopEntry> TopTargetedLogins(size_t n) const { return Top(targeted_logins_, n); }
  size_t minutes() const { return ring_.size(); }
  size_t MemoryBytes() const;

 private:
  struct Counted {
    uint64_t count = 0;
    int64_t Retention(core::Timestamp) const { return static_cast<int64_t>(count); }
  };
  using Table = counters::BoundedMap<std::string, Counted>;
  // The current generation and the previous one; swapped when an hour has passed.
  struct TopTable {
    Table current{kTopCapacity};
    Table previous{kTopCapacity};
    int64_t hour = -1;
  };

  static int64_t MinuteOf(core::Timestamp ts) {
    return ts >= 0 ? ts / core::kMinute : (ts - core::kMinute + 1) / core::kMinute;
  }
  size_t Slot(int64_t minute) const {
    const auto n = static_cast<int64_t>(ring_.size());
    return static_cast<size_t>(((minute % n) + n) % n);
  }
  Bucket* BucketFor(core::Timestamp ts);
  void Attack(core::Timestamp ts, bool under_attack);
  static void Add(TopTable& table, core::Timestamp ts, std::string_view subject);
  static std::vector<TopEntry> Top(const TopTable& table, size_t n);

  std::vector<Bucket> ring_;
  int64_t newest_minute_ = -1;
  std::deque<AttackEpisode> episodes_;
  bool in_attack_ = false;
  TopTable refused_sources_, refused_prefixes_, targeted_logins_;
};

}  // namespace coastguard::history
