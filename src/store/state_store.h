#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/engine.h"
#include "policy/outbound.h"
#include "policy/state_sink.h"
#include "store/journal.h"

namespace coastguard::store {

// What the state holds after loading (records applied are counted while reading).
struct LoadStats {
  uint64_t familiarity = 0;
  uint64_t blocks = 0;
  uint64_t allows = 0;
  uint64_t evidence = 0;
  uint64_t outbound_accounts = 0;
  uint64_t damaged_files = 0;  // files with torn or corrupt stretches (skipped, logged)
  double seconds = 0;
};

// Applies framed state records (snapshot or journal bytes) to `engine`, skipping torn or
// corrupt stretches (see ReadFrames); records that frame correctly but do not decode are
// skipped and counted in `bad_records` (may be null).
FrameScan ApplyStateData(std::string_view data, policy::Engine& engine, policy::Outbound* outbound,
                         LoadStats* stats, uint64_t* bad_records);

// The secret `name` in `dir` (whitespace at the end trimmed), created with 24 random bytes in
// hex (mode 0600, atomically, the directory too if missing) when absent or empty. Needs no
// lock: `coastguard config dovecot` reads it while the daemon runs.
absl::StatusOr<std::string> ReadOrCreateSecret(const std::string& dir, const std::string& name);

// What a snapshot holds: the engine's lasting state, the outbound guard's counters (so that a
// restart neither releases nor forgets an account's sending), and whole side files
// (forms.learned) produced by their owners.
struct SnapshotSources {
  const policy::Engine* engine = nullptr;
  const policy::Outbound* outbound = nullptr;  // may be null
  std::vector<std::pair<std::string, std::function<std::string()>>> side_files;
};

// The data directory: what must survive a restart as a snapshot plus a journal of changes
// since, the hash seed that keys persisted digests, and the generated secrets. What restarts
// empty is listed in docs/operations.md.
//
//   <data_dir>/seed          8 random bytes, created once (atomically); it keys the digests
//                            in the state files, so a damaged or missing seed beside them
//                            refuses to start rather than silently orphan them
//   <data_dir>/admin_token   created when the config sets none (mode 0600)
//   <data_dir>/policy_key    created when [dovecot] sets no credentials (mode 0600)
//   <data_dir>/state.snap    snapshot (framed records), replaced atomically
//   <data_dir>/state.journal changes since the snapshot, group-committed every 200 ms
//   <data_dir>/state.journal.prev  the journal as it was when a snapshot began; removed when
//                            the snapshot is in place
//   <data_dir>/lock          flock: one daemon per data directory
//   <data_dir>/forms.learned the form guard's first-seen dates (FormGuard::ExportLearned)
//
// Snapshots are written off the loop by a forked child, which sees the state as it was at the
// fork, into temporary files that it fsyncs; the loop only renames them once the child is done.
// The journal is rotated at the fork, so nothing journaled meanwhile is lost. A failed snapshot
// (a full disk) is retried after a growing pause and reported in /metrics and the log.
//
// Sink calls come from the engine's (loop) thread.
class StateStore : public policy::StateSink {
 public:
  struct Settings {
    core::Duration snapshot_interval = 5 * core::kMinute;
    uint64_t max_journal_bytes = 256 << 20;  // a snapshot is due when the journal is larger
  };

  explicit StateStore(std::string data_dir) : dir_(std::move(data_dir)) {}
  StateStore(std::string data_dir, const Settings& settings)
      : dir_(std::move(data_dir)), settings_(settings) {}
  ~StateStore() override;

  // Creates the directory, takes the lock, reads or creates the seed.
  absl::Status Open();
  uint64_t seed() const { return seed_; }
  // Replaces the seed with the one the nodes sharing state agreed on, before Load: the state
  // files keyed by the old one are renamed aside (state.*.seed-<old>), not loaded.
  absl::Status AdoptSeed(uint64_t seed);
  // The token from <data_dir>/admin_token, generated on first use.
  absl::StatusOr<std::string> AdminToken();
  // The key Dovecot sends as X-API-Key when the config sets no policy credentials, from
  // <data_dir>/policy_key, generated on first use.
  absl::StatusOr<std::string> PolicyKey();

  // Replays snapshot then journals into `engine` (and `outbound`, if given); then compacts
  // into a fresh snapshot and starts journaling. Damage is logged with file and offset, and
  // skipped. A failed compaction is logged, not fatal: the files stay as they are.
  absl::StatusOr<LoadStats> Load(policy::Engine& engine, policy::Outbound* outbound = nullptr);
  // Writes a snapshot on the calling thread and empties the journal (startup, tests).
  absl::Status Compact(const SnapshotSources& sources);
  // Once a second on the loop: collects a finished snapshot child, and starts one when due
  // (interval, journal size, or journal records lost to a failing disk). `now` is the clock.
  void Maintain(const SnapshotSources& sources, core::Timestamp now);
  // Waits for a snapshot in progress, then flushes the journal (shutdown).
  void Stop();

  // Whole files beside the state (forms.learned), replaced atomically: write, fsync, rename.
  absl::StatusOr<std::string> ReadSideFile(const std::string& name) const;
  absl::Status WriteSideFile(const std::string& name, const std::string& data) const;

  const Journal& journal() const { return journal_; }
  uint64_t snapshots() const { return snapshots_; }
  uint64_t snapshot_errors() const { return snapshot_errors_; }
  bool snapshot_running() const { return child_ > 0; }
  // Persistence is failing now: the last journal write or snapshot did not succeed.
  bool failing() const { return journal_.failing() || snapshot_failing_; }
  double last_snapshot_seconds() const { return last_snapshot_seconds_; }
  // The store's /metrics families: journal size, syncs and errors, snapshots.
  void AppendMetrics(std::string& out) const;

  // policy::StateSink
  void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) override;
  void BlockSet(const policy::BlockKey& key, const policy::Block& block) override;
  void BlockRemoved(const policy::BlockKey& key) override;
  void AllowNetwork(const core::Cidr& cidr, bool added) override;
  void AllowLogin(uint64_t login, std::string_view subject, bool added) override;
  void EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) override;

 private:
  absl::Status OpenSeed();
  absl::Status WriteSeed(uint64_t seed);
  void StartSnapshot(const SnapshotSources& sources, core::Timestamp now);
  void FinishSnapshot(const SnapshotSources& sources, int wait_status, core::Timestamp now);
  void SnapshotFailed(const std::string& why, core::Timestamp now);
  absl::Status CommitSnapshot(const SnapshotSources& sources);

  std::string dir_;
  Settings settings_;
  int lock_fd_ = -1;
  uint64_t seed_ = 0;
  Journal journal_;
  std::string scratch_;
  uint64_t snapshots_ = 0;
  uint64_t snapshot_errors_ = 0;
  bool snapshot_failing_ = false;
  pid_t child_ = 0;  // the snapshot child, 0 if none
  std::chrono::steady_clock::time_point child_started_;
  core::Timestamp last_snapshot_ = 0;
  core::Timestamp next_attempt_ = 0;  // after a failure
  core::Duration backoff_ = 0;
  uint64_t lost_at_last_snapshot_ = 0;
  double last_snapshot_seconds_ = 0;
};

// State changes in the journal's record format, for the nodes that share state
// (redis/shared_state.h); ApplyStateRecord reads them back, as Load reads the journal.
namespace record {
void Block(std::string& out, const policy::BlockKey& key, const policy::Block& block);
void BlockRemoved(std::string& out, const policy::BlockKey& key);
void BlockKey(std::string& out, const policy::BlockKey& key);  // the key alone (a Redis key name)
void AllowNetwork(std::string& out, const core::Cidr& cidr, bool added);
void AllowLogin(std::string& out, uint64_t login, std::string_view subject, bool added);
void Evidence(std::string& out, uint64_t login, const detect::LoginEvidence& evidence);
}  // namespace record

enum class ApplyMode {
  kRestore,    // as at startup: no sink calls
  kLive,       // from another node: the sink (log, firewall, journal) sees each change
  kLiveBlock,  // the same, and only a block is accepted (what Redis holds under block keys)
};
// Applies one record to the engine; false when it does not decode or is not accepted in `mode`
// (nothing is changed).
bool ApplyStateRecord(std::string_view payload, policy::Engine& engine, ApplyMode mode);

}  // namespace coastguard::store
