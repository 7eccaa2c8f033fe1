#include "detect/service_attack.h"

#include <algorithm>
#include <cmath>

namespace coastguard::detect {
namespace {

constexpr size_t kMaxEpisodes = 64;

}  // namespace

double ServiceAttack::Limit(double baseline, double min_excess) const {
  return std::max(baseline * t_.factor, baseline + min_excess);
}

void ServiceAttack::Advance(Timestamp now) {
  const int64_t index = now / t_.interval;
  if (interval_index_ < 0) interval_index_ = index;
  if (index <= interval_index_) return;
  auto learn = [&](double unfamiliar, double unknown, double attempts) {
    ++intervals_learned_;
    // A plain mean until there are enough intervals for the EWMA weight to take over.
    const double w = std::max(t_.baseline_weight, 1.0 / static_cast<double>(intervals_learned_));
    baseline_unfamiliar_ += w * (unfamiliar - baseline_unfamiliar_);
    baseline_unknown_ += w * (unknown - baseline_unknown_);
    baseline_attempts_ += w * (attempts - baseline_attempts_);
  };
  // Calm intervals teach the baseline; intervals under attack at a share of the weight
  // (learn_under_attack): a short attack barely moves it, a siege slowly becomes the normal.
  const bool calm = !interval_anomalous_ && !UnderAttack(interval_index_ * t_.interval);
  if (calm) {
    learn(interval_unfamiliar_, interval_unknown_, interval_attempts_);
  } else {
    ++intervals_learned_;
    const double w = t_.baseline_weight * t_.learn_under_attack;
    baseline_unfamiliar_ += w * (interval_unfamiliar_ - baseline_unfamiliar_);
    baseline_unknown_ += w * (interval_unknown_ - baseline_unknown_);
    baseline_attempts_ += w * (interval_attempts_ - baseline_attempts_);
  }
  // Empty intervals in between were calm and quiet; fold at most a day of them one by one.
  const int64_t empty = std::min<int64_t>(index - interval_index_ - 1, core::kDay / t_.interval);
  for (int64_t i = 0; i < empty; ++i) learn(0, 0, 0);
  // The sketch of the interval before the previous one is reused for the new one.
  if (index - interval_index_ >= 2) failing_sources_[(index + 1) & 1].Clear();
  failing_sources_[index & 1].Clear();
  interval_index_ = index;
  interval_unfamiliar_ = 0;
  interval_unknown_ = 0;
  interval_attempts_ = 0;
  interval_anomalous_ = false;
}

double ServiceAttack::distinct_failing_sources() const {
  counters::HyperLogLog both = failing_sources_[0];
  both.Merge(failing_sources_[1]);
  return both.Estimate();
}

void ServiceAttack::OnUnfamiliarFailure(bool unknown_user, uint64_t source, Timestamp now) {
  Advance(now);
  SettleIfCut(now);
  failing_sources_[static_cast<size_t>(interval_index_) & 1].Add(source);
  unfamiliar_.Add(now, t_.interval);
  interval_unfamiliar_ += 1;
  if (unknown_user) {
    unknown_.Add(now, t_.interval);
    interval_unknown_ += 1;
  }
  const bool anomalous =
      !WarmingUp() &&
      (unfamiliar_.Estimate(now, t_.interval) >
           Limit(baseline_unfamiliar_, t_.min_unfamiliar_failures) ||
       unknown_.Estimate(now, t_.interval) > Limit(baseline_unknown_, t_.min_unknown_users));
  if (anomalous) {
    interval_anomalous_ = true;
    if (!UnderAttack(now)) {
      ++attacks_started_;
      capped_ = false;
      if (episodes_.size() == kMaxEpisodes) episodes_.erase(episodes_.begin());
      episodes_.push_back({now, now});
    }
    Extend(now);
  }
}

void ServiceAttack::OnUnfamiliarAttempt(Timestamp now) {
  Advance(now);
  SettleIfCut(now);
  attempts_.Add(now, t_.interval);
  interval_attempts_ += 1;
  if (UnderAttack(now) && attempts_.Estimate(now, t_.interval) >
                              Limit(baseline_attempts_, t_.min_unfamiliar_failures)) {
    Extend(now);
  }
}

void ServiceAttack::Extend(Timestamp now) {
  attack_until_ =
      std::min(std::max(attack_until_, now + t_.hold), episodes_.back().start + t_.max_length);
  episodes_.back().end = attack_until_;
}

void ServiceAttack::SettleIfCut(Timestamp now) {
  if (episodes_.empty() || capped_) return;
  // Ended at its cap (not after a hold), and the cap has passed.
  const Timestamp cap = episodes_.back().start + t_.max_length;
  if (attack_until_ >= cap && now >= cap) Settle(now);
}

void ServiceAttack::Settle(Timestamp now) {
  capped_ = true;
  // The level the siege holds is the normal from here: the same volume is no longer "far
  // above" it (it would start the next episode at once), a surge above it still is.
  baseline_unfamiliar_ = std::max(baseline_unfamiliar_, unfamiliar_.Estimate(now, t_.interval));
  baseline_unknown_ = std::max(baseline_unknown_, unknown_.Estimate(now, t_.interval));
  baseline_attempts_ = std::max(baseline_attempts_, attempts_.Estimate(now, t_.interval));
}

}  // namespace coastguard::detect
