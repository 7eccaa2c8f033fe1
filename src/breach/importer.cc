#include "breach/importer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>

#include "breach/store.h"
#include "breach/store_format.h"
#include "breach/store_writer.h"
#include "core/text.h"

namespace coastguard::breach {
namespace {

namespace fs = std::filesystem;

struct Input {
  std::string path;
  std::optional<uint32_t> prefix;  // a downloader file named after its 5-hex prefix
  uint64_t bytes = 0;              // 0 for standard input, whose length is unknown
  bool standard_input = false;
};

constexpr std::string_view kStandardInput = "-";

absl::StatusOr<std::vector<Input>> ListInputs(const std::vector<std::string>& paths) {
  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    if (path == kStandardInput) {
      // A stream (a download piped in) can be read only once: one, and it must be in order.
      for (const Input& input : inputs) {
        if (input.standard_input) return absl::InvalidArgumentError("- (stdin) given twice");
      }
      inputs.push_back(Input{"stdin", std::nullopt, 0, true});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error) return absl::NotFoundError(core::Cat(path, ": ", error.message()));
    std::vector<std::string> files;
    if (fs::is_directory(status)) {
      for (const auto& entry : fs::directory_iterator(path, error)) {
        if (entry.is_regular_file()) files.push_back(entry.path().string());
      }
      if (error) return absl::NotFoundError(core::Cat(path, ": ", error.message()));
      // Name order is prefix order for the downloader's files, so the stream stays sorted.
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const std::string& file : files) {
      Input input{file, std::nullopt, 0};
      const std::string stem = fs::path(file).stem().string();
      input.prefix = ParsePrefix(stem);
      input.bytes = fs::file_size(file, error);
      inputs.push_back(std::move(input));
    }
  }
  return inputs;
}

int CompareHash(const HashEntry& a, const HashEntry& b, size_t bytes) {
  return std::memcmp(a.bytes.data(), b.bytes.data(), bytes);
}

// Where parsed entries go: in hash order, each hash once.
using Sink = std::function<absl::Status(const HashEntry&)>;

// Reads every input line by line. Returns kUnsorted (as a FailedPrecondition) when `sorted`
// and a hash comes before the previous one.
class Reader {
 public:
  Reader(const std::vector<Input>& inputs, const ImportOptions& options, ImportSummary* summary)
      : inputs_(inputs), options_(options), summary_(summary) {
    for (const Input& input : inputs) total_ += input.bytes;
  }

  // Can Read run more than twice (a probe and a pass)? Not when standard input is one of the
  // inputs: its start is kept for the pass after the probe, the rest is read once.
  bool rereadable() const {
    return std::none_of(inputs_.begin(), inputs_.end(),
                        [](const Input& input) { return input.standard_input; });
  }

  // Calls `each` with every good entry, in file order.
  absl::Status Read(const std::function<absl::Status(const HashEntry&)>& each) {
    summary_->lines = summary_->bad_lines = 0;
    summary_->named.clear();
    uint64_t read = 0;
    uint64_t next_progress = 0;
    std::vector<char> buffer(1 << 20);
    // The first Read (the probe for the hash kind) keeps what it reads of standard input, and
    // the next one reads that again before going on with the stream.
    const bool probing = reads_++ == 0;
    for (const Input& input : inputs_) {
      const int fd =
          input.standard_input ? STDIN_FILENO : ::open(input.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return absl::NotFoundError(core::Cat(input.path, ": ", std::strerror(errno)));
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      size_t replayed = 0;
      const auto next_chunk = [&]() -> ssize_t {
        if (!input.standard_input) return ::read(fd, buffer.data(), buffer.size());
        if (!probing && replayed < stdin_start_.size()) {
          const size_t n = std::min(buffer.size(), stdin_start_.size() - replayed);
          std::memcpy(buffer.data(), stdin_start_.data() + replayed, n);
          replayed += n;
          return static_cast<ssize_t>(n);
        }
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (probing && n > 0) stdin_start_.append(buffer.data(), static_cast<size_t>(n));
        return n;
      };
      std::string carry;
      uint64_t line_number = 0;
      absl::Status status;
      const auto line = [&](std::string_view text) {
        ++line_number;
        ++summary_->lines;
        HashEntry entry;
        const LineProblem problem = ParseHashLine(text, input.prefix, kind_, &entry);
        if (problem == LineProblem::kBlank) return absl::OkStatus();
        if (problem != LineProblem::kNone) {
          ++summary_->bad_lines;
          if (summary_->named.size() < options_.named_bad_lines) {
            summary_->named.push_back(BadLine{input.path, line_number, problem});
          }
          return absl::OkStatus();
        }
        kind_ = entry.kind;
        return each(entry);
      };
      for (;;) {
        if (probing && stdin_start_.size() > kMaxStdinStart) {
          status = absl::InvalidArgumentError(
              core::Cat("no hash line in the first ", kMaxStdinStart >> 20, " MiB of stdin"));
          break;
        }
        const ssize_t n = next_chunk();
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          status = absl::DataLossError(core::Cat(input.path, ": ", std::strerror(errno)));
          break;
        }
        if (n == 0) break;
        read += static_cast<uint64_t>(n);
        std::string_view chunk(buffer.data(), static_cast<size_t>(n));
        size_t start = 0;
        for (size_t nl = chunk.find('\n'); nl != std::string_view::npos;
             nl = chunk.find('\n', start)) {
          std::string_view text = chunk.substr(start, nl - start);
          if (!carry.empty()) {
            carry.append(text);
            text = carry;
          }
          status = line(text);
          carry.clear();
          start = nl + 1;
          if (!status.ok()) break;
        }
        if (!status.ok()) break;
        // A line longer than any hash line is bad anyway: keep only enough of it to say so.
        const std::string_view rest = chunk.substr(start);
        carry.append(rest.substr(
            0, std::min<size_t>(rest.size(), 256 - std::min<size_t>(carry.size(), 256))));
        if (options_.progress && read >= next_progress) {
          options_.progress(read, total_, summary_->hashes);
          next_progress = read + total_ / 200 + 1;
        }
      }
      if (status.ok() && !carry.empty()) status = line(carry);
      if (!input.standard_input) ::close(fd);
      if (!status.ok()) return status;
    }
    if (options_.progress) options_.progress(read, total_, summary_->hashes);
    return absl::OkStatus();
  }

  std::optional<HashKind> kind() const { return kind_; }

 private:
  const std::vector<Input>& inputs_;
  const ImportOptions& options_;
  ImportSummary* summary_;
  uint64_t total_ = 0;
  std::optional<HashKind> kind_;
  int reads_ = 0;
  std::string stdin_start_;  // what the probe read of standard input
  static constexpr size_t kMaxStdinStart = 64 << 20;
};

// Turns a stream in hash order into one entry per hash (the larger count wins).
class Deduplicator {
 public:
  explicit Deduplicator(ImportSummary* summary) : summary_(summary) {}

  // kFailedPrecondition when out of order.
  absl::Status Add(const HashEntry& entry, const Sink& sink) {
    if (pending_) {
      const int order = CompareHash(entry, *pending_, HashBytes(entry.kind));
      if (order < 0) return absl::FailedPreconditionError("unsorted");
      if (order == 0) {
        ++summary_->duplicates;
        pending_->count = std::max(pending_->count, entry.count);
        return absl::OkStatus();
      }
      if (absl::Status s = sink(*pending_); !s.ok()) return s;
    }
    pending_ = entry;
    ++summary_->hashes;
    return absl::OkStatus();
  }
  absl::Status Flush(const Sink& sink) {
    if (!pending_) return absl::OkStatus();
    absl::Status s = sink(*pending_);
    pending_.reset();
    return s;
  }

 private:
  ImportSummary* summary_;
  std::optional<HashEntry> pending_;
};

// Out-of-order input: spread the entries over 256 scratch files by their first byte, then
// sort each in memory (1/256 of the corpus at a time) and stream them out in order.
absl::Status SortOnDisk(Reader& reader, const std::string& scratch_dir, ImportSummary* summary,
                        const Sink& sink) {
  struct Record {
    uint8_t bytes[20];
    uint32_t count;
  };
  std::error_code error;
  fs::create_directories(scratch_dir, error);
  std::vector<std::unique_ptr<std::FILE, int (*)(std::FILE*)>> parts;
  for (int i = 0; i < 256; ++i) {
    std::FILE* file = std::fopen(core::Cat(scratch_dir, "/part-", i).c_str(), "w+be");
    if (file == nullptr)
      return absl::InternalError(core::Cat(scratch_dir, ": ", std::strerror(errno)));
    parts.emplace_back(file, &std::fclose);
  }
  absl::Status status = reader.Read([&](const HashEntry& entry) {
    Record record{};
    std::memcpy(record.bytes, entry.bytes.data(), 20);
    record.count = entry.count;
    if (std::fwrite(&record, sizeof(record), 1, parts[entry.bytes[0]].get()) != 1) {
      return absl::InternalError(core::Cat(scratch_dir, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  });
  summary->hashes = summary->duplicates = 0;
  Deduplicator dedup(summary);
  const HashKind kind = reader.kind().value_or(HashKind::kSha1);
  std::vector<Record> records;
  for (int i = 0; i < 256 && status.ok(); ++i) {
    std::FILE* file = parts[i].get();
    const long size = std::ftell(file);
    records.resize(static_cast<size_t>(size) / sizeof(Record));
    std::rewind(file);
    if (!records.empty() &&
        std::fread(records.data(), sizeof(Record), records.size(), file) != records.size()) {
      status = absl::DataLossError(core::Cat(scratch_dir, ": short read"));
      break;
    }
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
      return std::memcmp(a.bytes, b.bytes, 20) < 0;
    });
    for (const Record& record : records) {
      HashEntry entry;
      std::memcpy(entry.bytes.data(), record.bytes, 20);
      entry.count = record.count;
      entry.kind = kind;
      status = dedup.Add(entry, sink);
      if (!status.ok()) break;
    }
    parts[i].reset();
  }
  if (status.ok()) status = dedup.Flush(sink);
  parts.clear();
  fs::remove_all(scratch_dir, error);
  return status;
}

// A store read in order, for --update's merge.
class StoreCursor {
 public:
  explicit StoreCursor(const Store* store) : store_(store) { Load(); }
  bool done() const { return done_; }
  const HashEntry& Current() const { return current_; }
  void Next() {
    ++i_;
    Load();
  }

 private:
  void Load() {
    done_ = store_ == nullptr || !store_->has_exact() || i_ >= store_->entries();
    if (done_) return;
    current_.kind = store_->kind();
    const uint64_t key = store_->KeyAt(i_);
    for (int b = 0; b < 8; ++b) current_.bytes[b] = static_cast<uint8_t>(key >> (56 - 8 * b));
    std::memcpy(current_.bytes.data() + 8, store_->TailAt(i_), TailBytes(current_.kind));
    current_.count = store_->CountAt(i_);
  }

  const Store* store_;
  uint64_t i_ = 0;
  bool done_ = true;
  HashEntry current_;
};

}  // namespace

std::string StorePath(const std::string& db_dir, HashKind kind) {
  return core::Cat(db_dir, "/", HashKindName(kind), ".cgb");
}
std::string DeltaPath(const std::string& db_dir, HashKind kind) {
  return core::Cat(db_dir, "/", HashKindName(kind), ".delta.cgb");
}

absl::StatusOr<ImportSummary> Import(const ImportOptions& options) {
  if (!options.exact && !options.filter) {
    return absl::InvalidArgumentError("--filter-only and --no-filter leave nothing to write");
  }
  absl::StatusOr<std::vector<Input>> inputs = ListInputs(options.inputs);
  if (!inputs.ok()) return inputs.status();
  if (inputs->empty()) return absl::InvalidArgumentError("no input files");
  std::error_code error;
  fs::create_directories(options.db_dir, error);
  if (error) return absl::InternalError(core::Cat(options.db_dir, ": ", error.message()));

  // One import at a time per database: two would write the same scratch files.
  const std::string lock_path = options.db_dir + "/.import.lock";
  const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    if (lock >= 0) ::close(lock);
    return absl::FailedPreconditionError(
        core::Cat(options.db_dir, ": another import is running (", lock_path, ")"));
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};

  ImportSummary summary;
  summary.files = inputs->size();
  // The kind is only known after the first good line; read one line's worth to learn it.
  Reader reader(*inputs, options, &summary);
  HashKind kind = HashKind::kSha1;
  {
    const absl::Status found = reader.Read([&](const HashEntry& entry) {
      kind = entry.kind;
      return absl::CancelledError("found");
    });
    if (found.ok()) return absl::InvalidArgumentError("no hash in the input");
  }

  std::unique_ptr<Store> base;
  std::unique_ptr<Store> old_delta;
  if (options.update) {
    absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(StorePath(options.db_dir, kind));
    if (!opened.ok()) {
      return absl::FailedPreconditionError(
          core::Cat("--update needs a store to amend: ", core::Message(opened.status())));
    }
    base = std::move(*opened);
    base->AdviseSequential();
    if (!base->has_exact()) {
      return absl::FailedPreconditionError("--update needs a store with its exact part");
    }
    if (auto delta = Store::Open(DeltaPath(options.db_dir, kind));
        delta.ok() && (*delta)->base_id() == base->build_id()) {
      old_delta = std::move(*delta);
    }
  }
  summary.kind = kind;
  summary.path = options.update ? DeltaPath(options.db_dir, kind) : StorePath(options.db_dir, kind);
  const StoreWriterOptions writer_options{kind, options.exact || options.update, options.filter,
                                          base ? base->build_id() : 0};
  auto writer = std::make_unique<StoreWriter>(summary.path, writer_options);

  // With --update, every input entry walks the base and the old delta: unchanged hashes are
  // dropped, the old delta's entries are superseded by the new input or carried over.
  StoreCursor base_cursor(base.get());
  StoreCursor delta_cursor(old_delta.get());
  const size_t bytes = HashBytes(kind);
  const Sink write = [&](const HashEntry& entry) { return writer->Add(entry); };
  const Sink sink = !options.update ? write : Sink([&](const HashEntry& entry) {
    while (!delta_cursor.done()) {
      const HashEntry old = delta_cursor.Current();
      const int order = CompareHash(old, entry, bytes);
      if (order > 0) break;
      if (order < 0) {
        if (absl::Status s = write(old); !s.ok()) return s;
      }
      delta_cursor.Next();
    }
    while (!base_cursor.done() && CompareHash(base_cursor.Current(), entry, bytes) < 0) {
      base_cursor.Next();
    }
    const bool unchanged = !base_cursor.done() &&
                           CompareHash(base_cursor.Current(), entry, bytes) == 0 &&
                           base_cursor.Current().count == entry.count;
    return unchanged ? absl::OkStatus() : write(entry);
  });

  Deduplicator dedup(&summary);
  absl::Status status = reader.Read([&](const HashEntry& entry) { return dedup.Add(entry, sink); });
  if (status.ok()) status = dedup.Flush(sink);
  if (absl::IsFailedPrecondition(status) && !reader.rereadable()) {
    return absl::InvalidArgumentError(
        "stdin is not in hash order: save it to a file and import that (it is sorted on disk "
        "then)");
  }
  if (absl::IsFailedPrecondition(status)) {
    // Out of order: start again, sorting on disk. Nothing was renamed into place yet.
    summary.sorted = false;
    summary.hashes = summary.duplicates = 0;
    base_cursor = StoreCursor(base.get());
    delta_cursor = StoreCursor(old_delta.get());
    writer.reset();  // removes its scratch files first
    writer = std::make_unique<StoreWriter>(summary.path, writer_options);
    status = SortOnDisk(reader, core::Cat(options.db_dir, "/.import-sort"), &summary, sink);
  }
  if (status.ok() && options.update) {
    for (; !delta_cursor.done() && status.ok(); delta_cursor.Next()) {
      status = write(delta_cursor.Current());
    }
  }
  if (!status.ok()) return status;
  if (absl::Status finished = writer->Finish(); !finished.ok()) return finished;
  if (!options.update) {
    // A delta names the base it amends, so an old one is ignored already; remove it anyway.
    ::unlink(DeltaPath(options.db_dir, kind).c_str());
  }
  summary.written = writer->entries();
  summary.file_bytes = writer->file_bytes();
  summary.exact_bytes = writer->exact_bytes();
  summary.filter_bytes = writer->filter_bytes();
  return summary;
}

}  // namespace coastguard::breach
