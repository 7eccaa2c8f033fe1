#pragma once

#include <array>
#include <cstdint>

#include "counters/recent_set.h"
#include "counters/window_counter.h"
#include "detect/activity.h"

namespace coastguard::detect {

// Per-account sending limits. Defaults suit a mailbox provider's ordinary users; bulk senders
// (a newsletter account, a web application's no-reply address) get their own in the config.
// A limit of 0 is off. Messages are capped by the day only: the month's invoices (hundreds of
// messages, one recipient each) go out within an hour. Recipients are capped by the hour too:
// a 300-recipient invitation fits, a stolen account's blast does not.
struct SendingLimits {
  int recipients_per_minute = 0;
  int recipients_per_hour = 500;
  int recipients_per_day = 2000;
  int messages_per_hour = 0;
  int messages_per_day = 500;
  int domains_per_hour = 0;  // distinct recipient domains (exact up to 32)
  // A spike: this many times the account's usual hourly recipients, and at least `spike_min`.
  double spike_factor = 10.0;
  int spike_min = 40;
};

// The limit keys, in whichever table is current: [outbound] and each [[outbound.bulk]] entry.
template <typename V>
void DescribeLimits(V& v, SendingLimits& l) {
  constexpr int64_t kMax = 100'000'000;  // 0 turns a limit off
  v.Integer("recipients_per_minute", l.recipients_per_minute, 0, kMax);
  v.Integer("recipients_per_hour", l.recipients_per_hour, 0, kMax);
  v.Integer("recipients_per_day", l.recipients_per_day, 0, kMax);
  v.Integer("messages_per_hour", l.messages_per_hour, 0, kMax);
  v.Integer("messages_per_day", l.messages_per_day, 0, kMax);
  // Distinct domains are counted exactly up to 32.
  v.Integer("domains_per_hour", l.domains_per_hour, 0, 32);
  v.Integer("spike_min", l.spike_min, 0, kMax);
  v.Number("spike_factor", l.spike_factor, 1, 1e9);
}

// What one authenticated account sent lately, and its usual volume.
struct AccountSending {
  counters::WindowCounter recipients_minute;
  counters::WindowCounter recipients_hour;
  counters::WindowCounter recipients_day;
  counters::WindowCounter messages_hour;
  counters::WindowCounter messages_day;
  counters::WindowCounter new_recipients_hour;  // recipients this account never wrote to
  // Recipients written to before: a 512-bit Bloom filter (two bits per address). Approximate
  // by design: 64 bytes per account, saturating gracefully for accounts with large address books.
  std::array<uint64_t, 8> known_recipients{};
  counters::RecentSet<32> domains_hour;
  double usual_hourly = 0;  // EWMA of recipients per active hour
  uint32_t hour_index = 0;  // the hour `hour_count` belongs to
  uint32_t hour_count = 0;
  uint32_t hours_learned = 0;
  uint32_t last_seen_s = 0;
  int64_t Retention(Timestamp) const { return last_seen_s; }
};

enum class SendingCheck : uint8_t { kOk, kRateLimited, kSpike };

// Counts recipients and messages against the limits. Single-threaded (engine thread).
class Sending {
 public:
  // Records one recipient at RCPT time; says whether it is over a limit (then it is not
  // counted: a deferred recipient was not sent).
  static SendingCheck AddRecipient(AccountSending& a, uint32_t domain_tag,
                                   uint64_t recipient_digest, const SendingLimits& l,
                                   Timestamp now);
  // Recipients never written to before by this account, in the last hour.
  static double NewRecipients(const AccountSending& a, Timestamp now) {
    return a.new_recipients_hour.Estimate(now, core::kHour);
  }
  // Records one accepted message (END-OF-MESSAGE).
  static SendingCheck AddMessage(AccountSending& a, const SendingLimits& l, Timestamp now);
  // The last hour's recipients far above this account's usual hourly volume.
  static bool Spiking(const AccountSending& a, const SendingLimits& l, Timestamp now);
};

}  // namespace coastguard::detect
