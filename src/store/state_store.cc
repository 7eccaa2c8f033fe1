#include "store/state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <type_traits>

#include "core/log.h"
#include "core/metrics_text.h"
#include "core/text.h"

namespace coastguard::store {
namespace {

enum RecordType : uint8_t {
  kFamiliarity = 1,
  kBlockSet = 2,
  kBlockRemoved = 3,
  kAllowNetwork = 4,
  kAllowLogin = 5,
  kEvidence = 6,
  kOutboundAccount = 7,  // snapshots only
};

// Outbound counters are plain counters: stored as their bytes, with their size so that a
// build with a different layout skips them instead of misreading them.
static_assert(std::is_trivially_copyable_v<detect::AccountSending>);

constexpr core::Duration kMaxSnapshotBackoff = 5 * core::kMinute;

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) { out_.clear(); }
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I64(int64_t v) { Raw(&v, 8); }
  void Ip(const core::IpAddress& ip) { Raw(ip.bytes().data(), 16); }
  void Str(std::string_view s) {
    const size_t n = std::min<size_t>(s.size(), 4096);
    U16(static_cast<uint16_t>(n));
    out_.append(s.data(), n);
  }
  // Host byte order: the files are not meant to move between architectures.
  void Raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U8(uint8_t* v) { return Raw(v, 1); }
  bool U16(uint16_t* v) { return Raw(v, 2); }
  bool U32(uint32_t* v) { return Raw(v, 4); }
  bool U64(uint64_t* v) { return Raw(v, 8); }
  bool I64(int64_t* v) { return Raw(v, 8); }
  bool Ip(core::IpAddress* ip) {
    std::array<uint8_t, 16> bytes;
    if (!Raw(bytes.data(), 16)) return false;
    *ip = core::IpAddress::FromBytes(bytes);
    return true;
  }
  bool Str(std::string* s) {
    uint16_t n;
    if (!U16(&n) || in_.size() - pos_ < n) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == in_.size(); }
  bool Raw(void* p, size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

void EncodeBlockKey(Writer& w, const policy::BlockKey& key) {
  w.U8(static_cast<uint8_t>(key.kind));
  w.Ip(key.network);
  w.U8(key.bits);
  w.U64(key.login);
}

bool DecodeBlockKey(Reader& r, policy::BlockKey* key) {
  uint8_t kind;
  if (!r.U8(&kind) || kind > static_cast<uint8_t>(policy::BlockKind::kLoginIp)) return false;
  key->kind = static_cast<policy::BlockKind>(kind);
  return r.Ip(&key->network) && r.U8(&key->bits) && key->bits <= 128 && r.U64(&key->login);
}

void EncodeBlock(std::string& out, const policy::BlockKey& key, const policy::Block& block) {
  Writer w(out);
  w.U8(kBlockSet);
  EncodeBlockKey(w, key);
  w.I64(block.created);
  w.I64(block.expires);
  w.U8(static_cast<uint8_t>(block.reason));
  w.U8(static_cast<uint8_t>(block.scope));
  w.U32(block.offenses);
  w.Str(block.subject);
}

void EncodeFamiliarity(std::string& out, uint64_t login,
                       const detect::FamiliarityStore::Source& s) {
  Writer w(out);
  w.U8(kFamiliarity);
  w.U64(login);
  w.U64(s.digest);
  w.U32(s.last_success_s);
  w.U16(s.hits);
}

void EncodeEvidence(std::string& out, uint64_t login, const detect::LoginEvidence& e) {
  Writer w(out);
  w.U8(kEvidence);
  w.U64(login);
  w.U32(e.suspicious_s);
  w.U32(e.new_location_s);
  w.U32(e.cleared_s);
  w.U8(e.flags);
  w.Ip(e.ip);
  w.Str(e.login);
}

void EncodeOutboundAccount(std::string& out, uint64_t login, const detect::AccountSending& a) {
  Writer w(out);
  w.U8(kOutboundAccount);
  w.U64(login);
  w.U16(static_cast<uint16_t>(sizeof(a)));
  w.Raw(&a, sizeof(a));
}

// Applies one record to the engine (and outbound guard); false if it does not decode.
bool Apply(std::string_view payload, policy::Engine& engine, policy::Outbound* outbound,
           LoadStats* stats, ApplyMode mode = ApplyMode::kRestore) {
  Reader r(payload);
  uint8_t type;
  if (!r.U8(&type)) return false;
  if (mode == ApplyMode::kLiveBlock && type != kBlockSet) return false;
  if (mode != ApplyMode::kRestore && (type == kFamiliarity || type == kOutboundAccount)) {
    return false;  // never sent between nodes: each learns places from the attempts
  }
  switch (type) {
    case kFamiliarity: {
      uint64_t login;
      detect::FamiliarityStore::Source s;
      if (!r.U64(&login) || !r.U64(&s.digest) || !r.U32(&s.last_success_s) || !r.U16(&s.hits) ||
          !r.done()) {
        return false;
      }
      engine.RestoreFamiliarity(login, s);
      ++stats->familiarity;
      return true;
    }
    case kBlockSet: {
      policy::BlockKey key;
      policy::Block block;
      uint8_t reason, scope;
      if (!DecodeBlockKey(r, &key) || !r.I64(&block.created) || !r.I64(&block.expires) ||
          !r.U8(&reason) || reason >= static_cast<uint8_t>(core::Reason::kCount) || !r.U8(&scope) ||
          scope > 1 || !r.U32(&block.offenses) || !r.Str(&block.subject) || !r.done()) {
        return false;
      }
      block.reason = static_cast<core::Reason>(reason);
      block.scope = static_cast<policy::BlockScope>(scope);
      if (mode == ApplyMode::kRestore) {
        engine.RestoreBlock(key, block);
      } else {
        engine.ApplyBlock(key, block);
      }
      ++stats->blocks;
      return true;
    }
    case kBlockRemoved: {
      policy::BlockKey key;
      if (!DecodeBlockKey(r, &key) || !r.done()) return false;
      engine.Unblock(key);
      return true;
    }
    case kAllowNetwork: {
      uint8_t added, bits;
      core::IpAddress ip;
      if (!r.U8(&added) || !r.Ip(&ip) || !r.U8(&bits) || bits > ip.family_bits() || !r.done()) {
        return false;
      }
      engine.AllowNetwork(core::Cidr{ip, bits}, added != 0);
      ++stats->allows;
      return true;
    }
    case kAllowLogin: {
      uint8_t added;
      uint64_t login;
      std::string subject;
      if (!r.U8(&added) || !r.U64(&login) || !r.Str(&subject) || !r.done()) return false;
      if (added != 0 && mode != ApplyMode::kRestore) {
        engine.AllowLogin(subject, true);  // the subject is the canonical login
      } else if (added != 0) {
        engine.RestoreAllowLogin(login, subject);
      } else {
        engine.AllowLogin(subject, false);
      }
      ++stats->allows;
      return true;
    }
    case kEvidence: {
      uint64_t login;
      detect::LoginEvidence e;
      if (!r.U64(&login) || !r.U32(&e.suspicious_s) || !r.U32(&e.new_location_s) ||
          !r.U32(&e.cleared_s) || !r.U8(&e.flags) || !r.Ip(&e.ip) || !r.Str(&e.login) ||
          !r.done()) {
        return false;
      }
      if (mode == ApplyMode::kRestore) {
        engine.RestoreEvidence(login, e);
      } else {
        engine.ApplyEvidence(login, e);
      }
      ++stats->evidence;
      return true;
    }
    case kOutboundAccount: {
      uint64_t login;
      uint16_t size;
      detect::AccountSending a;
      if (!r.U64(&login) || !r.U16(&size) || size != sizeof(a) || !r.Raw(&a, sizeof(a)) ||
          !r.done()) {
        return false;
      }
      if (outbound != nullptr) outbound->RestoreAccount(login, a);
      ++stats->outbound_accounts;
      return true;
    }
    default: return false;
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status SyncDirectory(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(core::Cat(dir, ": ", std::strerror(errno)));
  fsync(fd);
  close(fd);
  return absl::OkStatus();
}

absl::Status WriteWhole(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

std::string RandomHex(size_t bytes) {
  std::random_device device;  // /dev/urandom on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    const auto b = static_cast<uint8_t>(device());
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace

FrameScan ApplyStateData(std::string_view data, policy::Engine& engine, policy::Outbound* outbound,
                         LoadStats* stats, uint64_t* bad_records) {
  return ReadFrames(data, [&](std::string_view payload) {
    if (!Apply(payload, engine, outbound, stats) && bad_records != nullptr) ++*bad_records;
  });
}

StateStore::~StateStore() {
  Stop();
  if (lock_fd_ >= 0) close(lock_fd_);
}

absl::Status StateStore::Open() {
  if (mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(core::Cat("data directory ", dir_, ": ", std::strerror(errno),
                                         " (set [server] data_dir or --data-dir)"));
  }
  const std::string lock_path = dir_ + "/lock";
  lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) return absl::InternalError(core::Cat(lock_path, ": ", std::strerror(errno)));
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        core::Cat(dir_, " is in use by another coastguard process"));
  }
  return OpenSeed();
}

absl::Status StateStore::OpenSeed() {
  const std::string seed_path = dir_ + "/seed";
  const std::string what_to_do = core::Cat(
      ": it keys every digest in state.snap and state.journal. Restore it from a backup; or, to "
      "start afresh (forgetting familiar places and blocks), remove ",
      dir_, "/seed together with ", dir_, "/state.*");
  if (auto seed = ReadFile(seed_path); seed.ok()) {
    if (seed->size() != 8) {
      return absl::FailedPreconditionError(
          core::Cat(seed_path, " is damaged (", seed->size(), " bytes, want 8)", what_to_do));
    }
    std::memcpy(&seed_, seed->data(), 8);
    return absl::OkStatus();
  }
  for (const char* name : {"/state.snap", "/state.journal", "/state.journal.prev"}) {
    struct stat st {};
    if (stat((dir_ + name).c_str(), &st) == 0 && st.st_size > 0) {
      return absl::FailedPreconditionError(
          core::Cat(seed_path, " is missing but ", dir_, name, " is not", what_to_do));
    }
  }
  std::random_device device;
  return WriteSeed((static_cast<uint64_t>(device()) << 32) | device());
}

absl::Status StateStore::AdoptSeed(uint64_t seed) {
  if (seed == seed_) return absl::OkStatus();
  // The state on disk is keyed by the old seed: set it aside whole rather than load digests
  // that no longer match (a held account would silently be released).
  for (const char* name : {"/state.snap", "/state.journal", "/state.journal.prev"}) {
    const std::string path = dir_ + name;
    const std::string aside = core::Cat(path, ".seed-", seed_);
    if (rename(path.c_str(), aside.c_str()) != 0 && errno != ENOENT) {
      return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
    }
  }
  return WriteSeed(seed);
}

absl::Status StateStore::WriteSeed(uint64_t seed) {
  const std::string seed_path = dir_ + "/seed";
  seed_ = seed;
  // Written whole under a temporary name, fsynced, then renamed: a crash leaves either no
  // seed or the whole seed, never a short one.
  const std::string temp = seed_path + ".tmp";
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(core::Cat(temp, ": ", std::strerror(errno)));
  absl::Status s = WriteWhole(fd, std::string(reinterpret_cast<const char*>(&seed_), 8), temp);
  if (s.ok() && fsync(fd) != 0) s = absl::InternalError(core::Cat(temp, ": fsync failed"));
  close(fd);
  if (s.ok() && rename(temp.c_str(), seed_path.c_str()) != 0) {
    s = absl::InternalError(core::Cat(seed_path, ": ", std::strerror(errno)));
  }
  if (!s.ok()) return s;
  return SyncDirectory(dir_);
}

absl::StatusOr<std::string> ReadOrCreateSecret(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  auto existing = [&]() -> std::string {
    auto text = ReadFile(path);
    if (!text.ok()) return "";
    std::string t = *text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
  };
  if (std::string secret = existing(); !secret.empty()) return secret;
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(core::Cat(dir, ": ", std::strerror(errno)));
  }
  // Written whole under a temporary name, then linked into place: a reader never sees half a
  // secret, and of two processes creating it at once the second one reads the first one's.
  const std::string secret = RandomHex(24);
  const std::string temp = core::Cat(path, ".tmp.", static_cast<int64_t>(getpid()));
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(core::Cat(temp, ": ", std::strerror(errno)));
  absl::Status s = WriteWhole(fd, secret + "\n", temp);
  if (s.ok() && fsync(fd) != 0) s = absl::InternalError(core::Cat(temp, ": fsync failed"));
  close(fd);
  if (s.ok() && link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    s = absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
  }
  unlink(temp.c_str());
  if (!s.ok()) return s;
  if (std::string now = existing(); !now.empty()) return now;
  return absl::InternalError(core::Cat(path, ": empty"));
}

absl::StatusOr<std::string> StateStore::AdminToken() {
  return ReadOrCreateSecret(dir_, "admin_token");
}

absl::StatusOr<std::string> StateStore::PolicyKey() {
  return ReadOrCreateSecret(dir_, "policy_key");
}

absl::StatusOr<LoadStats> StateStore::Load(policy::Engine& engine, policy::Outbound* outbound) {
  const auto start = std::chrono::steady_clock::now();
  LoadStats stats;
  // In the order they were written: the snapshot, the journal retired when the snapshot
  // began (if the snapshot did not finish), the journal since.
  for (const char* name : {"/state.snap", "/state.journal.prev", "/state.journal"}) {
    const std::string path = dir_ + name;
    auto data = ReadFile(path);
    if (!data.ok()) continue;  // absent: first start, or nothing journaled yet
    uint64_t bad_records = 0;
    const FrameScan scan = ApplyStateData(*data, engine, outbound, &stats, &bad_records);
    if (bad_records > 0) {
      core::Log(
          core::Cat(path, ": ", bad_records, " records could not be decoded and were skipped"));
    }
    if (scan.damaged_regions > 0) {
      ++stats.damaged_files;
      core::Log(core::Cat(path, ": ", scan.damaged_bytes, " torn or corrupt bytes in ",
                          scan.damaged_regions, " place(s), the first at byte offset ",
                          scan.first_damage, " of ", data->size(), ", skipped; ", scan.records,
                          " records read",
                          scan.torn_tail ? " (a crash during a write leaves a torn end)" : ""));
    }
  }
  // What the state holds now (a record replayed twice counted once).
  const policy::Engine::TableSizes sizes = engine.sizes();
  stats.familiarity = sizes.familiarity_entries;
  stats.blocks = sizes.blocks;
  stats.allows = engine.allows().networks().size() + engine.allows().logins().size();
  stats.evidence = 0;
  engine.ForEachEvidence([&](uint64_t, const detect::LoginEvidence&) { ++stats.evidence; });
  stats.outbound_accounts = outbound != nullptr ? outbound->accounts() : 0;
  if (absl::Status s = journal_.Open(dir_ + "/state.journal"); !s.ok()) return s;
  SnapshotSources sources;
  sources.engine = &engine;
  sources.outbound = outbound;
  if (absl::Status s = Compact(sources); !s.ok()) {
    // Everything read is still in the files it came from: start, and keep journaling.
    core::Log(core::Cat("startup snapshot failed: ", core::Message(s),
                        "; the state files are kept as they are"));
    snapshot_failing_ = true;
  }
  journal_.Start(200 * core::kMillisecond);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

namespace {

// Writes every record of `sources` to `path`, fsynced. 0, or the errno of what failed. Runs in
// the snapshot child too: no logging, no locks.
int WriteSnapshotFile(const std::string& path, const SnapshotSources& sources) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  std::string buffer;
  std::string record;
  int error = 0;
  auto write_buffer = [&] {
    size_t done = 0;
    while (error == 0 && done < buffer.size()) {
      const ssize_t n = write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error = errno;
      if (n > 0) done += static_cast<size_t>(n);
    }
    buffer.clear();
  };
  auto emit = [&] {
    Journal::Frame(record, buffer);
    if (buffer.size() >= (4 << 20)) write_buffer();
  };
  const policy::Engine& engine = *sources.engine;
  engine.familiarity().ForEach([&](uint64_t login, const detect::FamiliarityStore::Record& r) {
    for (const auto& source : r.sources) {
      EncodeFamiliarity(record, login, source);
      emit();
    }
  });
  engine.blocks().ForEach([&](const policy::BlockKey& key, const policy::Block& block) {
    EncodeBlock(record, key, block);
    emit();
  });
  for (const core::Cidr& cidr : engine.allows().networks()) {
    Writer w(record);
    w.U8(kAllowNetwork);
    w.U8(1);
    w.Ip(cidr.base);
    w.U8(static_cast<uint8_t>(cidr.bits));
    emit();
  }
  for (const auto& [login, subject] : engine.allows().logins()) {
    Writer w(record);
    w.U8(kAllowLogin);
    w.U8(1);
    w.U64(login);
    w.Str(subject);
    emit();
  }
  engine.ForEachEvidence([&](uint64_t login, const detect::LoginEvidence& e) {
    EncodeEvidence(record, login, e);
    emit();
  });
  if (sources.outbound != nullptr) {
    sources.outbound->ForEachAccount([&](uint64_t login, const detect::AccountSending& a) {
      EncodeOutboundAccount(record, login, a);
      emit();
    });
  }
  write_buffer();
  if (error == 0 && fsync(fd) != 0) error = errno;
  close(fd);
  return error;
}

int WriteWholeFile(const std::string& path, const std::string& data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  int error = 0;
  size_t done = 0;
  while (error == 0 && done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (error == 0 && fsync(fd) != 0) error = errno;
  close(fd);
  return error;
}

// Everything a snapshot writes, each under its temporary name. 0 or an errno.
int WriteSnapshotFiles(const std::string& dir, const SnapshotSources& sources) {
  if (const int error = WriteSnapshotFile(dir + "/state.snap.tmp", sources); error != 0) {
    return error;
  }
  for (const auto& [name, produce] : sources.side_files) {
    if (const int error = WriteWholeFile(core::Cat(dir, "/", name, ".tmp"), produce());
        error != 0) {
      return error;
    }
  }
  return 0;
}

}  // namespace

// The temporary files are complete and synced: put them in place, then drop the journal that
// the snapshot made redundant.
absl::Status StateStore::CommitSnapshot(const SnapshotSources& sources) {
  const std::string path = dir_ + "/state.snap";
  if (rename((path + ".tmp").c_str(), path.c_str()) != 0) {
    return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
  }
  for (const auto& [name, produce] : sources.side_files) {
    const std::string side = core::Cat(dir_, "/", name);
    if (rename((side + ".tmp").c_str(), side.c_str()) != 0) {
      return absl::InternalError(core::Cat(side, ": ", std::strerror(errno)));
    }
  }
  if (absl::Status s = SyncDirectory(dir_); !s.ok()) return s;
  const std::string prev = dir_ + "/state.journal.prev";
  if (unlink(prev.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(core::Cat(prev, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status StateStore::Compact(const SnapshotSources& sources) {
  const auto start = std::chrono::steady_clock::now();
  if (const int error = WriteSnapshotFiles(dir_, sources); error != 0) {
    return absl::InternalError(
        core::Cat("writing the snapshot files in ", dir_, ": ", std::strerror(error)));
  }
  if (absl::Status s = CommitSnapshot(sources); !s.ok()) return s;
  // The snapshot holds everything the journal held: start it afresh.
  if (absl::Status s = journal_.Truncate(); !s.ok()) return s;
  ++snapshots_;
  snapshot_failing_ = false;
  lost_at_last_snapshot_ = journal_.lost_records();
  last_snapshot_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return absl::OkStatus();
}

void StateStore::Maintain(const SnapshotSources& sources, core::Timestamp now) {
  if (child_ > 0) {
    int status = 0;
    const pid_t done = waitpid(child_, &status, WNOHANG);
    if (done == 0) return;  // still writing
    child_ = 0;
    FinishSnapshot(sources, done < 0 ? -1 : status, now);
    return;
  }
  if (last_snapshot_ == 0) last_snapshot_ = now;  // the startup snapshot
  if (now < next_attempt_) return;
  const bool lost = journal_.lost_records() != lost_at_last_snapshot_;
  const bool due = now - last_snapshot_ >= settings_.snapshot_interval ||
                   journal_.file_bytes() >= settings_.max_journal_bytes || lost ||
                   snapshot_failing_;
  if (due) StartSnapshot(sources, now);
}

void StateStore::StartSnapshot(const SnapshotSources& sources, core::Timestamp now) {
  // Records journaled from here on go to a fresh journal; the one retired holds what the
  // child's snapshot will hold. If a retired journal is still there (the last snapshot
  // failed), it is kept and the current one goes on: replaying a record twice is harmless.
  const std::string prev = dir_ + "/state.journal.prev";
  struct stat st {};
  if (stat(prev.c_str(), &st) != 0) {
    if (absl::Status s = journal_.Rotate(prev); !s.ok()) {
      SnapshotFailed(core::Message(s), now);
      return;
    }
  }
  lost_at_last_snapshot_ = journal_.lost_records();
  child_started_ = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    // The child: a copy of the state as of the fork, written out; nothing else is touched.
    const int error = WriteSnapshotFiles(dir_, sources);
    _exit(error == 0 ? 0 : 1 + (error & 0x7f));
  }
  if (pid < 0) {
    SnapshotFailed(core::Cat("fork: ", std::strerror(errno)), now);
    return;
  }
  child_ = pid;
}

void StateStore::FinishSnapshot(const SnapshotSources& sources, int wait_status,
                                core::Timestamp now) {
  if (wait_status < 0 || !WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    std::string why = "the snapshot process failed";
    if (wait_status >= 0 && WIFEXITED(wait_status)) {
      why = core::Cat("writing the snapshot files in ", dir_, ": ",
                      std::strerror(WEXITSTATUS(wait_status) - 1));
    }
    SnapshotFailed(why, now);
    return;
  }
  if (absl::Status s = CommitSnapshot(sources); !s.ok()) {
    SnapshotFailed(core::Message(s), now);
    return;
  }
  ++snapshots_;
  last_snapshot_ = now;
  next_attempt_ = 0;
  backoff_ = 0;
  last_snapshot_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - child_started_).count();
  if (snapshot_failing_) {
    snapshot_failing_ = false;
    core::Log(core::Cat("snapshot written again to ", dir_, "/state.snap"));
  }
}

void StateStore::SnapshotFailed(const std::string& why, core::Timestamp now) {
  ++snapshot_errors_;
  backoff_ = backoff_ == 0 ? core::kSecond : std::min(backoff_ * 2, kMaxSnapshotBackoff);
  next_attempt_ = now + backoff_;
  // Logged when it starts failing, then at most every few minutes: a full disk is not news
  // every second.
  if (!snapshot_failing_ || backoff_ == kMaxSnapshotBackoff) {
    core::Log(core::Cat("snapshot failed: ", why, "; decisions go on, retrying in ",
                        backoff_ / core::kSecond, " s"));
  }
  snapshot_failing_ = true;
}

void StateStore::Stop() {
  if (child_ > 0) {
    int status = 0;
    waitpid(child_, &status, 0);
    child_ = 0;
    // Not committed: a clean stop keeps the journal, which holds everything anyway.
  }
  journal_.Stop();
}

absl::StatusOr<std::string> StateStore::ReadSideFile(const std::string& name) const {
  return ReadFile(dir_ + "/" + name);
}

absl::Status StateStore::WriteSideFile(const std::string& name, const std::string& data) const {
  const std::string path = dir_ + "/" + name;
  const std::string temp = path + ".tmp";
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(core::Cat(temp, ": ", std::strerror(errno)));
  absl::Status status = WriteWhole(fd, data, temp);
  if (status.ok() && fsync(fd) != 0) status = absl::InternalError(temp + ": fsync failed");
  close(fd);
  if (!status.ok()) return status;
  if (rename(temp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
  }
  return SyncDirectory(dir_);
}

void StateStore::FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) {
  EncodeFamiliarity(scratch_, login, s);
  journal_.Append(scratch_);
}

void StateStore::BlockSet(const policy::BlockKey& key, const policy::Block& block) {
  EncodeBlock(scratch_, key, block);
  journal_.Append(scratch_);
}

void StateStore::BlockRemoved(const policy::BlockKey& key) {
  record::BlockRemoved(scratch_, key);
  journal_.Append(scratch_);
}

void StateStore::AllowNetwork(const core::Cidr& cidr, bool added) {
  record::AllowNetwork(scratch_, cidr, added);
  journal_.Append(scratch_);
}

void StateStore::AllowLogin(uint64_t login, std::string_view subject, bool added) {
  record::AllowLogin(scratch_, login, subject, added);
  journal_.Append(scratch_);
}

void StateStore::EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) {
  EncodeEvidence(scratch_, login, evidence);
  journal_.Append(scratch_);
}

namespace record {

void Block(std::string& out, const policy::BlockKey& key, const policy::Block& block) {
  EncodeBlock(out, key, block);
}

void BlockRemoved(std::string& out, const policy::BlockKey& key) {
  Writer w(out);
  w.U8(kBlockRemoved);
  EncodeBlockKey(w, key);
}

void BlockKey(std::string& out, const policy::BlockKey& key) {
  Writer w(out);
  EncodeBlockKey(w, key);
}

void AllowNetwork(std::string& out, const core::Cidr& cidr, bool added) {
  Writer w(out);
  w.U8(kAllowNetwork);
  w.U8(added ? 1 : 0);
  w.Ip(cidr.base);
  w.U8(static_cast<uint8_t>(cidr.bits));
}

void AllowLogin(std::string& out, uint64_t login, std::string_view subject, bool added) {
  Writer w(out);
  w.U8(kAllowLogin);
  w.U8(added ? 1 : 0);
  w.U64(login);
  w.Str(subject);
}

void Evidence(std::string& out, uint64_t login, const detect::LoginEvidence& evidence) {
  EncodeEvidence(out, login, evidence);
}

}  // namespace record

bool ApplyStateRecord(std::string_view payload, policy::Engine& engine, ApplyMode mode) {
  LoadStats ignored;
  return Apply(payload, engine, nullptr, &ignored, mode);
}

void StateStore::AppendMetrics(std::string& out) const {
  const Journal& j = journal_;
  core::MetricFamily(out, "coastguard_journal_bytes", "gauge",
                     "Bytes in the journal since the last snapshot.",
                     static_cast<double>(j.file_bytes()));
  core::MetricFamily(out, "coastguard_journal_syncs_total", "counter",
                     "Journal syncs (fdatasync) that succeeded.", static_cast<double>(j.syncs()));
  core::MetricFamily(out, "coastguard_journal_errors_total", "counter",
                     "Failed journal writes and syncs.", static_cast<double>(j.errors()));
  core::MetricFamily(out, "coastguard_journal_lost_records_total", "counter",
                     "Journal records dropped while the disk failed (a snapshot then saves all).",
                     static_cast<double>(j.lost_records()));
  core::MetricFamily(out, "coastguard_journal_pending_bytes", "gauge",
                     "Journal bytes waiting in memory to be written.",
                     static_cast<double>(j.pending_bytes()));
  core::MetricFamily(out, "coastguard_snapshots_total", "counter", "Snapshots written.",
                     static_cast<double>(snapshots_));
  core::MetricFamily(out, "coastguard_snapshot_errors_total", "counter",
                     "Snapshots that failed (retried after a growing pause).",
                     static_cast<double>(snapshot_errors_));
  core::MetricFamily(out, "coastguard_persistence_failing", "gauge",
                     "1 while the last journal write or snapshot failed: state is only in memory.",
                     failing() ? 1.0 : 0.0);
}

}  // namespace coastguard::store
