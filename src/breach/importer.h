#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "breach/hash_line.h"

namespace coastguard::breach {

// <db>/sha1.cgb, <db>/ntlm.cgb and their deltas.
std::string StorePath(const std::string& db_dir, HashKind kind);
std::string DeltaPath(const std::string& db_dir, HashKind kind);

struct ImportOptions {
  std::string db_dir;
  std::vector<std::string> inputs;  // files, or directories of the downloader's per-prefix files
  bool exact = true;                // --filter-only turns this off
  bool filter = true;               // --no-filter turns this off
  bool update = false;              // write only what changed against the current store
  size_t named_bad_lines = 20;      // bad lines reported with file and line; the rest counted
  // Called now and then with bytes read so far and in total, and hashes so far.
  std::function<void(uint64_t read, uint64_t total, uint64_t hashes)> progress;
};

struct BadLine {
  std::string file;
  uint64_t line = 0;
  LineProblem problem = LineProblem::kNone;
};

struct ImportSummary {
  HashKind kind = HashKind::kSha1;
  uint64_t files = 0;
  uint64_t lines = 0;
  uint64_t hashes = 0;      // distinct hashes read
  uint64_t duplicates = 0;  // repeated hashes (the larger count is kept)
  uint64_t bad_lines = 0;
  std::vector<BadLine> named;  // the first named_bad_lines of them
  bool sorted = true;          // false: the input was out of order and sorted on disk
  std::string path;            // the file written (the store, or the delta with --update)
  uint64_t written = 0;        // entries in that file
  uint64_t file_bytes = 0;
  uint64_t exact_bytes = 0;
  uint64_t filter_bytes = 0;
};

// Reads HIBP's format (see ParseHashLine) from every input, streaming, and writes a new store
// (or, with `update`, a delta holding the hashes that are new or whose count changed; the
// base is not rewritten) into the database directory, replacing the old one atomically. Bad
// lines are counted and named, never fatal; an input that cannot be read is.
absl::StatusOr<ImportSummary> Import(const ImportOptions& options);

}  // namespace coastguard::breach
