#include "detect/activity.h"

namespace coastguard::detect {
namespace {

// Seconds of extra life per unit of evidence, so that under a flood of one-shot keys the
// records that carry evidence survive the idle ones.
constexpr int64_t kEvidenceBonusSeconds = 600;

}  // namespace

size_t SourceActivity::FailingOthers(uint32_t login_tag, Timestamp now, Duration window) const {
  return failed_logins.CountOthers(login_tag, now, window);
}

size_t SourceActivity::RefusedOthers(uint32_t login_tag, Timestamp now, Duration window) const {
  return refused_logins.CountOthers(login_tag, now, window);
}

void SourceActivity::NoteClient(uint64_t device, bool idle) {
  const uint32_t tag = ClientTag(device);
  if (idle || client_tag == 0) {
    several_clients = false;
    client_tag = tag;
  } else if (client_tag != tag) {
    several_clients = true;
  }
}

bool SourceActivity::OnlyClient(uint64_t device) const {
  return !several_clients && client_tag == ClientTag(device);
}

int64_t SourceActivity::Retention(Timestamp now) const {
  // One refusal is what a flood of guesses leaves behind; several accounts refused are a list.
  const size_t refused = refused_logins.Count(now, core::kHour);
  const int64_t evidence = static_cast<int64_t>(failed_logins.Count(now, core::kHour)) +
                           static_cast<int64_t>(successful_logins.Count(now, core::kDay)) +
                           (refused >= 2 ? static_cast<int64_t>(refused) : 0);
  return last_seen_s + evidence * kEvidenceBonusSeconds;
}

int64_t LoginActivity::Retention(Timestamp now) const {
  return last_seen_s +
         static_cast<int64_t>(wrong_pwhashes.Count(now, core::kHour)) * kEvidenceBonusSeconds;
}

int64_t PairActivity::Retention(Timestamp now) const {
  return last_seen_s +
         static_cast<int64_t>(wrong_pwhashes.Count(now, core::kHour)) * kEvidenceBonusSeconds;
}

}  // namespace coastguard::detect
