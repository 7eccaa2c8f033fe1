#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "policy/engine.h"
#include "policy/state_sink.h"
#include "store/journal.h"

namespace coastguard::store {

struct LoadStats {
  uint64_t familiarity = 0;
  uint64_t blocks = 0;
  uint64_t allows = 0;
  uint64_t corrupt_tails = 0;  // files whose tail was torn or corrupt (cut off, logged)
  double seconds = 0;
};

// Applies framed state records (snapshot or journal bytes) to `engine`. Returns the offset of
// the first torn or corrupt frame (data.size() if none); records that frame correctly but do
// not decode are skipped and counted in `bad_records` (may be null).
size_t ApplyStateData(std::string_view data, policy::Engine& engine, LoadStats* stats,
                      uint64_t* bad_records);

// The secret `name` in `dir` (whitespace at the end trimmed), created with 24 random bytes in
// hex (mode 0600, atomically, the directory too if missing) when absent or empty. Needs no
// lock: `coastguard config dovecot` reads it while the daemon runs.
absl::StatusOr<std::string> ReadOrCreateSecret(const std::string& dir, const std::string& name);

// The data directory: what must survive a restart (familiarity, blocks, allow lists) as a
// snapshot plus a journal of changes since, the hash seed that keys persisted digests, and the
// generated admin token. Counters are not persisted: they restart empty (docs/operations.md).
//
//   <data_dir>/seed          8 random bytes, created once
//   <data_dir>/admin_token   created when the config sets none (mode 0600)
//   <data_dir>/policy_key    created when [dovecot] sets no credentials (mode 0600)
//   <data_dir>/state.snap    snapshot (framed records), replaced atomically
//   <data_dir>/state.journal changes since the snapshot, group-committed every 200 ms
//   <data_dir>/lock          flock: one daemon per data directory
//   <data_dir>/forms.learned the form guard's first-seen dates (FormGuard::ExportLearned)
//
// Sink calls come from the engine's (loop) thread.
class StateStore : public policy::StateSink {
 public:
  explicit StateStore(std::string data_dir) : dir_(std::move(data_dir)) {}
  ~StateStore() override;

  // Creates the directory, takes the lock, reads or creates the seed.
  absl::Status Open();
  uint64_t seed() const { return seed_; }
  // The token from <data_dir>/admin_token, generated on first use.
  absl::StatusOr<std::string> AdminToken();
  // The key Dovecot sends as X-API-Key when the config sets no policy credentials, from
  // <data_dir>/policy_key, generated on first use.
  absl::StatusOr<std::string> PolicyKey();

  // Replays snapshot then journal into `engine`; then compacts into a fresh snapshot and
  // starts journaling. Bad tails are logged with file and offset, and cut off.
  absl::StatusOr<LoadStats> Load(policy::Engine& engine);
  // Writes a snapshot of `engine` and empties the journal. Loop thread.
  absl::Status Compact(const policy::Engine& engine);
  // Compacts when the journal has grown past `max_journal_bytes`.
  void MaybeCompact(const policy::Engine& engine, uint64_t max_journal_bytes);
  void Stop() { journal_.Stop(); }

  // Whole files beside the state (forms.learned), replaced atomically: write, fsync, rename.
  absl::StatusOr<std::string> ReadSideFile(const std::string& name) const;
  absl::Status WriteSideFile(const std::string& name, const std::string& data) const;

  const Journal& journal() const { return journal_; }
  uint64_t snapshots() const { return snapshots_; }
  double last_snapshot_seconds() const { return last_snapshot_seconds_; }
  // The store's /metrics families: journal size, syncs and errors, snapshots.
  void AppendMetrics(std::string& out) const;

  // policy::StateSink
  void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) override;
  void BlockSet(const policy::BlockKey& key, const policy::Block& block) override;
  void BlockRemoved(const policy::BlockKey& key) override;
  void AllowNetwork(const core::Cidr& cidr, bool added) override;
  void AllowLogin(uint64_t login, std::string_view subject, bool added) override;

 private:
  std::string dir_;
  int lock_fd_ = -1;
  uint64_t seed_ = 0;
  Journal journal_;
  std::string scratch_;
  uint64_t snapshots_ = 0;
  double last_snapshot_seconds_ = 0;
};

}  // namespace coastguard::store
