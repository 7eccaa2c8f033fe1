#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "breach/breach_observer.h"
#include "core/time.h"
#include "counters/bounded_map.h"

namespace coastguard::breach {

// An account seen logging in with a password from the breach corpus.
struct BreachedLogin {
  std::string login;  // as Dovecot sent it, at most 256 bytes
  uint32_t breach_count = 0;
  core::Timestamp first_seen = 0;
  core::Timestamp last_seen = 0;
  core::Timestamp notified = 0;  // when the user was last mailed about it (0: never)
  uint64_t logins = 0;           // logins reported with a breached password
  std::string last_ip;
  std::string last_service;

  // Bounded-map eviction: the most recently seen stay.
  int64_t Retention(core::Timestamp) const { return last_seen; }
};

struct BreachedLoginsStats {
  uint64_t reports = 0;       // password reports received (breached or not)
  uint64_t breached = 0;      // of them, with a password in the corpus
  uint64_t newly_marked = 0;  // accounts marked for the first time
  uint64_t cleared = 0;       // reports of a password not in the corpus for a marked account
};

// The accounts whose password is in the corpus, keyed by the seeded digest of the login.
// Bounded: the least recently seen account is dropped first. A report of a clean password
// for a marked account clears it (the user changed the password).
class BreachedLogins {
 public:
  BreachedLogins(size_t capacity, uint64_t seed);

  struct Seen {
    const BreachedLogin* entry = nullptr;  // null: the password is not in the corpus
    bool first = false;                    // the account was not marked before
  };
  // A successful login's password was looked up: count `breach_count` > 0 if it was in the
  // corpus, 0 if not.
  Seen Report(std::string_view login, std::string_view ip, std::string_view service, bool breached,
              uint32_t breach_count, core::Timestamp now);
  void MarkNotified(std::string_view login, core::Timestamp now);
  // What another node saw (redis/shared_state.h), applied as if seen here without counting it
  // in this node's stats or telling the observer again.
  void ObserveReport(std::string_view login, std::string_view ip, std::string_view service,
                     bool breached, uint32_t breach_count, core::Timestamp now);
  void ObserveNotified(std::string_view login, core::Timestamp now);
  // Told of every report and notification made here (not of observed ones); null: nobody.
  void set_observer(BreachObserver* observer) { observer_ = observer; }
  const BreachedLogin* Find(std::string_view login) const;
  bool Clear(std::string_view login);

  size_t size() const { return map_.size(); }
  size_t capacity() const { return map_.capacity(); }
  uint64_t evictions() const { return map_.evictions(); }
  size_t MemoryBytes() const;  // the map plus the heap its strings hold, kept as they change
  size_t ByteBound() const;    // what a full table of 256-byte strings would hold
  const BreachedLoginsStats& stats() const { return stats_; }

 private:
  uint64_t KeyOf(std::string_view login) const;
  Seen Apply(std::string_view login, std::string_view ip, std::string_view service, bool breached,
             uint32_t breach_count, core::Timestamp now, BreachedLoginsStats& stats);
  static size_t TextBytes(const BreachedLogin& entry);

  counters::BoundedMap<uint64_t, BreachedLogin> map_;
  uint64_t seed_;
  size_t text_bytes_ = 0;
  BreachedLoginsStats stats_;
  BreachObserver* observer_ = nullptr;
};

}  // namespace coastguard::breach
