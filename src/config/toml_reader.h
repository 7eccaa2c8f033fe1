#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "absl/status/status.h"
#include "core/text.h"
#include "core/time.h"

namespace coastguard::config {

// The settings visitor (core/settings.h) that reads a parsed TOML document: each key a module
// describes is looked up in its table, checked and stored; what no module described is an
// error. Every problem is collected with its line; Finish() reports the earliest.
class TomlReader {
 public:
  TomlReader(const toml::table& root, std::string_view source_name);

  void Table(std::string_view name);
  template <typename T>
  void Integer(std::string_view key, T& field, int64_t min, int64_t max) {
    const toml::node* node = Take(key);
    if (node == nullptr) return;
    // is_integer first: toml++ converts a float to int64 without a range check (UB for 1e27).
    if (!node->is_integer()) return Fail(*node, key, "expected an integer");
    const int64_t value = *node->value<int64_t>();
    if (value < min || value > max) {
      return Fail(*node, key, core::Cat("must be between ", min, " and ", max));
    }
    field = static_cast<T>(value);
  }
  void Number(std::string_view key, double& field, double min, double max);
  void Boolean(std::string_view key, bool& field);
  void Text(std::string_view key, std::string& field);
  void Duration(std::string_view key, core::Duration& field, core::Duration min);
  void List(std::string_view key, const std::function<absl::Status(const std::string&)>& add);
  template <typename Read>
  void Entries(std::string_view key, Read&& read) {
    const toml::node* node = Take(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    const std::string what =
        table_name_.empty() ? std::string(key) : core::Cat(table_name_, ".", key);
    if (array == nullptr) return Fail(*node, key, core::Cat("expected [[", what, "]] tables"));
    for (const toml::node& item : *array) {
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        Fail(item, key, core::Cat("expected [[", what, "]] tables"));
        continue;
      }
      TomlReader entry(*table, source_name_, what);
      if (absl::Status s = read(entry); !s.ok()) entry.FailAt(item, core::Message(s));
      entry.CheckKeys(*table, core::Cat("[[", what, "]]"), "");
      for (auto& e : entry.errors_) errors_.push_back(std::move(e));
      for (auto& r : entry.rules_) rules_.push_back(std::move(r));
    }
  }
  void Require(bool condition, std::string_view message);

  // Unknown tables and keys, then the earliest error of all (rules across keys come last: they
  // may only fail because a key before them was bad).
  absl::Status Finish();

 private:
  struct Error {
    uint64_t line = 0;  // 0: a rule across keys, no one line to name
    std::string message;
  };
  // A reader of one array entry: keys are looked up in `entry` itself.
  TomlReader(const toml::table& entry, std::string_view source_name, std::string entry_name);

  const toml::node* Take(std::string_view key);
  void Fail(const toml::node& node, std::string_view key, std::string_view message);
  void FailAt(const toml::node& node, std::string_view message);
  void CheckKeys(const toml::table& table, std::string_view shown_as, std::string_view name);

  const toml::table* root_;     // null for an entry reader
  const toml::table* current_;  // the table keys are read from, or null if absent
  std::string table_name_;      // "outbound", or "outbound.bulk" for an entry
  std::string source_name_;
  std::set<std::string> tables_;                        // tables some module described
  std::set<std::pair<std::string, std::string>> keys_;  // (table, key) described
  std::vector<Error> errors_;
  std::vector<std::string> rules_;  // failed rules across keys
};

}  // namespace coastguard::config
