#include "store/state_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

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
};

constexpr uint64_t kMaxJournalBytes = 256 << 20;

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

 private:
  // Host byte order: the files are not meant to move between architectures.
  void Raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
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

 private:
  bool Raw(void* p, size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
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

// Applies one record to the engine; false if it does not decode.
bool Apply(std::string_view payload, policy::Engine& engine, LoadStats* stats) {
  Reader r(payload);
  uint8_t type;
  if (!r.U8(&type)) return false;
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
      engine.RestoreBlock(key, block);
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
      if (added != 0) {
        engine.RestoreAllowLogin(login, subject);
      } else {
        engine.AllowLogin(subject, false);
      }
      ++stats->allows;
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

size_t ApplyStateData(std::string_view data, policy::Engine& engine, LoadStats* stats,
                      uint64_t* bad_records) {
  return ReadFrames(data, [&](std::string_view payload) {
    if (!Apply(payload, engine, stats) && bad_records != nullptr) ++*bad_records;
  });
}

StateStore::~StateStore() {
  journal_.Stop();
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
  const std::string seed_path = dir_ + "/seed";
  if (auto seed = ReadFile(seed_path); seed.ok() && seed->size() == 8) {
    std::memcpy(&seed_, seed->data(), 8);
    return absl::OkStatus();
  }
  std::random_device device;
  seed_ = (static_cast<uint64_t>(device()) << 32) | device();
  const int fd = open(seed_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(core::Cat(seed_path, ": ", std::strerror(errno)));
  std::string bytes(reinterpret_cast<const char*>(&seed_), 8);
  absl::Status s = WriteWhole(fd, bytes, seed_path);
  fsync(fd);
  close(fd);
  return s;
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

absl::StatusOr<LoadStats> StateStore::Load(policy::Engine& engine) {
  const auto start = std::chrono::steady_clock::now();
  LoadStats stats;
  for (const char* name : {"/state.snap", "/state.journal"}) {
    const std::string path = dir_ + name;
    auto data = ReadFile(path);
    if (!data.ok()) continue;  // absent: first start, or nothing journaled yet
    uint64_t bad_records = 0;
    const size_t good = ApplyStateData(*data, engine, &stats, &bad_records);
    if (bad_records > 0) {
      core::Log(
          core::Cat(path, ": ", bad_records, " records could not be decoded and were skipped"));
    }
    if (good != data->size()) {
      ++stats.corrupt_tails;
      core::Log(core::Cat(path, ": torn or corrupt record at byte offset ", good, " of ",
                          data->size(),
                          "; the rest is ignored (a crash during a write leaves this)"));
    }
  }
  if (absl::Status s = journal_.Open(dir_ + "/state.journal"); !s.ok()) return s;
  if (absl::Status s = Compact(engine); !s.ok()) return s;
  journal_.Start(200 * core::kMillisecond);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

absl::Status StateStore::Compact(const policy::Engine& engine) {
  const auto start = std::chrono::steady_clock::now();
  const std::string path = dir_ + "/state.snap";
  const std::string temp = path + ".tmp";
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(core::Cat(temp, ": ", std::strerror(errno)));
  std::string buffer;
  std::string record;
  absl::Status status;
  auto emit = [&] {
    Journal::Frame(record, buffer);
    if (buffer.size() >= (4 << 20)) {
      if (status.ok()) status = WriteWhole(fd, buffer, temp);
      buffer.clear();
    }
  };
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
  if (status.ok()) status = WriteWhole(fd, buffer, temp);
  if (status.ok() && fsync(fd) != 0) status = absl::InternalError(temp + ": fsync failed");
  close(fd);
  if (!status.ok()) return status;
  if (rename(temp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(core::Cat(path, ": ", std::strerror(errno)));
  }
  if (absl::Status s = SyncDirectory(dir_); !s.ok()) return s;
  // The snapshot holds everything the journal held: start it afresh.
  if (absl::Status s = journal_.Truncate(); !s.ok()) return s;
  ++snapshots_;
  last_snapshot_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return absl::OkStatus();
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

void StateStore::MaybeCompact(const policy::Engine& engine, uint64_t max_journal_bytes) {
  if (journal_.file_bytes() < (max_journal_bytes == 0 ? kMaxJournalBytes : max_journal_bytes)) {
    return;
  }
  if (absl::Status s = Compact(engine); !s.ok()) {
    core::Log(core::Cat("snapshot failed: ", core::Message(s)));
  }
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
  Writer w(scratch_);
  w.U8(kBlockRemoved);
  EncodeBlockKey(w, key);
  journal_.Append(scratch_);
}

void StateStore::AllowNetwork(const core::Cidr& cidr, bool added) {
  Writer w(scratch_);
  w.U8(kAllowNetwork);
  w.U8(added ? 1 : 0);
  w.Ip(cidr.base);
  w.U8(static_cast<uint8_t>(cidr.bits));
  journal_.Append(scratch_);
}

void StateStore::AllowLogin(uint64_t login, std::string_view subject, bool added) {
  Writer w(scratch_);
  w.U8(kAllowLogin);
  w.U8(added ? 1 : 0);
  w.U64(login);
  w.Str(subject);
  journal_.Append(scratch_);
}

void StateStore::AppendMetrics(std::string& out) const {
  const Journal& j = journal_;
  core::MetricFamily(out, "coastguard_journal_bytes", "gauge",
                     "Bytes in the journal since the last snapshot.",
                     static_cast<double>(j.file_bytes()));
  core::MetricFamily(out, "coastguard_journal_syncs_total", "counter",
                     "Group commits (write + fdatasync).", static_cast<double>(j.syncs()));
  core::MetricFamily(out, "coastguard_journal_errors_total", "counter", "Failed journal writes.",
                     static_cast<double>(j.errors()));
  core::MetricFamily(out, "coastguard_snapshots_total", "counter", "Snapshots written.",
                     static_cast<double>(snapshots_));
}

}  // namespace coastguard::store
