#pragma once

#include <cstdint>
#include <vector>

#include "counters/hyperloglog.h"
#include "counters/window_counter.h"
#include "detect/activity.h"

namespace coastguard::detect {

// Notices when the whole service is under attack: failures from unfamiliar sources, or
// unknown-user failures, far above the baseline learned while things were calm. This is what
// catches stuffing spread over thousands of IPs with one or two tries each, which no per-IP
// counter can see. The engine tightens for unfamiliar logins while it lasts.
struct ServiceAttackThresholds {
  Duration interval = 5 * core::kMinute;  // rates are counted per interval
  double factor = 4.0;                    // "far above": this many times the baseline...
  double min_unfamiliar_failures = 12;    // ...and at least this many more per interval
  double min_unknown_users = 6;
  double baseline_weight = 0.05;       // EWMA weight of each calm interval
  Duration hold = 30 * core::kMinute;  // stays on this long after the rates fall back
  // An episode never lasts longer than this. A siege that goes on is the service's new normal:
  // its level becomes the baseline (only a surge far above it starts another episode), and
  // the per-source and per-login detectors are what stands in its way. Attack mode refuses
  // every stranger, so an attacker must not be able to hold it on for as long as he likes.
  Duration max_length = 12 * core::kHour;
  // Intervals under attack teach the baseline at this share of baseline_weight: a siege then
  // slowly becomes the normal and ends its episode sooner (0: only at max_length). Off by
  // default: on the independent families it cost more takeovers than the friction it saved.
  double learn_under_attack = 0;
  // How much history the baseline needs before a rate can be called far above it. A fresh
  // install that meets an attack in its first minutes learns that level as its normal rather
  // than refuse every user it has not met yet, for as long as the attack lasts.
  Duration warmup = core::kHour;
};

template <typename V>
void DescribeSettings(V& v, ServiceAttackThresholds& t) {
  v.Table("service_attack");
  v.Duration("interval", t.interval, core::kSecond);
  v.Number("factor", t.factor, 1, 1000);
  v.Number("min_unfamiliar_failures", t.min_unfamiliar_failures, 0, 1e9);
  v.Number("min_unknown_users", t.min_unknown_users, 0, 1e9);
  v.Number("baseline_weight", t.baseline_weight, 0.0001, 1);
  v.Duration("hold", t.hold, 0);
  v.Duration("max_length", t.max_length, t.interval);
  v.Number("learn_under_attack", t.learn_under_attack, 0, 1);
  v.Duration("warmup", t.warmup, 0);
}

// Owned by the engine; single-threaded.
class ServiceAttack {
 public:
  explicit ServiceAttack(const ServiceAttackThresholds& t) : t_(t) {}

  // A login attempt from a source the login does not know, before the password check. While
  // under attack most of these are refused and never reach a report, so their volume (against
  // its own calm baseline) is what keeps the episode going.
  void OnUnfamiliarAttempt(Timestamp now);
  // A password check that failed for a login from a source it does not know. `source` is a
  // digest of the address (IPv4) or its /64 (IPv6), for the distinct-source estimate.
  void OnUnfamiliarFailure(bool unknown_user, uint64_t source, Timestamp now);
  bool UnderAttack(Timestamp now) const { return now < attack_until_; }

  double unfamiliar_rate(Timestamp now) const { return unfamiliar_.Estimate(now, t_.interval); }
  double unknown_rate(Timestamp now) const { return unknown_.Estimate(now, t_.interval); }
  double unfamiliar_baseline() const { return baseline_unfamiliar_; }
  // Distinct sources (IPv4 addresses, IPv6 /64s) behind unfamiliar failures in this interval
  // and the previous one: "the attack comes from 3,000 addresses".
  double distinct_failing_sources() const;
  double unknown_baseline() const { return baseline_unknown_; }
  Timestamp attack_until() const { return attack_until_; }
  uint64_t attacks_started() const { return attacks_started_; }
  // The most recent attack episodes as [start, end) (end may lie in the future), oldest first.
  struct Episode {
    Timestamp start;
    Timestamp end;
  };
  const std::vector<Episode>& episodes() const { return episodes_; }

 private:
  // Folds completed intervals into the baselines (calm ones only).
  void Advance(Timestamp now);
  bool WarmingUp() const {
    return static_cast<Duration>(intervals_learned_) * t_.interval < t_.warmup;
  }
  void Extend(Timestamp now);
  // The episode reached max_length: the rates it ended at become the baselines (once).
  void SettleIfCut(Timestamp now);
  void Settle(Timestamp now);
  double Limit(double baseline, double min_excess) const;

  ServiceAttackThresholds t_;
  counters::WindowCounter unfamiliar_;
  counters::WindowCounter unknown_;
  counters::WindowCounter attempts_;
  int64_t interval_index_ = -1;
  double interval_unfamiliar_ = 0;
  double interval_unknown_ = 0;
  double interval_attempts_ = 0;
  double baseline_attempts_ = 0;
  bool interval_anomalous_ = false;
  uint64_t intervals_learned_ = 0;
  double baseline_unfamiliar_ = 0;
  double baseline_unknown_ = 0;
  Timestamp attack_until_ = 0;
  bool capped_ = false;  // the last episode was cut at max_length and its level settled
  uint64_t attacks_started_ = 0;
  std::vector<Episode> episodes_;             // at most kMaxEpisodes
  counters::HyperLogLog failing_sources_[2];  // indexed by interval parity
};

}  // namespace coastguard::detect
