#include "config/toml_reader.h"

#include <algorithm>

#include "config/config.h"

namespace coastguard::config {

TomlReader::TomlReader(const toml::table& root, std::string_view source_name)
    : root_(&root), current_(nullptr), source_name_(source_name) {}

TomlReader::TomlReader(const toml::table& entry, std::string_view source_name,
                       std::string entry_name)
    : root_(nullptr),
      current_(&entry),
      table_name_(std::move(entry_name)),
      source_name_(source_name) {}

void TomlReader::Table(std::string_view name) {
  table_name_.assign(name);
  tables_.insert(table_name_);
  current_ = nullptr;
  if (root_ != nullptr) {
    if (name.empty()) {
      current_ = root_;  // top-level arrays of tables ([[logs]])
    } else if (const toml::node* node = root_->get(name)) {
      current_ = node->as_table();
    }
  }
}

const toml::node* TomlReader::Take(std::string_view key) {
  keys_.emplace(table_name_, std::string(key));
  return current_ == nullptr ? nullptr : current_->get(key);
}

void TomlReader::Fail(const toml::node& node, std::string_view key, std::string_view message) {
  errors_.push_back({static_cast<uint64_t>(node.source().begin.line),
                     core::Cat(table_name_, ".", key, ": ", message)});
}

void TomlReader::FailAt(const toml::node& node, std::string_view message) {
  errors_.push_back(
      {static_cast<uint64_t>(node.source().begin.line), core::Cat(table_name_, ": ", message)});
}

void TomlReader::Number(std::string_view key, double& field, double min, double max) {
  const toml::node* node = Take(key);
  if (node == nullptr) return;
  if (!node->is_number()) return Fail(*node, key, "expected a number");
  const double value = *node->value<double>();
  if (!(value >= min && value <= max)) {
    return Fail(*node, key, core::Cat("must be between ", min, " and ", max));
  }
  field = value;
}

void TomlReader::Boolean(std::string_view key, bool& field) {
  const toml::node* node = Take(key);
  if (node == nullptr) return;
  if (!node->is_boolean()) return Fail(*node, key, "expected true or false");
  field = *node->value<bool>();
}

void TomlReader::Text(std::string_view key, std::string& field) {
  const toml::node* node = Take(key);
  if (node == nullptr) return;
  if (!node->is_string()) return Fail(*node, key, "expected a string");
  field = *node->value<std::string>();
}

void TomlReader::Duration(std::string_view key, core::Duration& field, core::Duration min) {
  const toml::node* node = Take(key);
  if (node == nullptr) return;
  absl::StatusOr<core::Duration> d;
  if (node->is_string()) {
    d = ParseDuration(*node->value<std::string>());
  } else if (node->is_integer()) {
    d = ParseDuration(std::to_string(*node->value<int64_t>()));
  } else {
    return Fail(*node, key, "expected a duration such as \"90s\", \"15m\", \"1h\" or \"7d\"");
  }
  if (!d.ok()) return Fail(*node, key, core::Message(d.status()));
  if (*d < min) return Fail(*node, key, "duration too short");
  field = *d;
}

void TomlReader::List(std::string_view key,
                      const std::function<absl::Status(const std::string&)>& add) {
  const toml::node* node = Take(key);
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr) return Fail(*node, key, "expected an array of strings");
  for (const toml::node& item : *array) {
    if (!item.is_string()) return Fail(item, key, "expected an array of strings");
    if (absl::Status s = add(*item.value<std::string>()); !s.ok()) {
      return Fail(item, key, core::Message(s));
    }
  }
}

void TomlReader::Require(bool condition, std::string_view message) {
  if (!condition) rules_.emplace_back(message);
}

void TomlReader::CheckKeys(const toml::table& table, std::string_view shown_as,
                           std::string_view name) {
  const std::string table_key(name.empty() ? table_name_ : std::string(name));
  for (const auto& [key, node] : table) {
    const std::string key_text(std::string_view(key.str()));
    if (!keys_.contains({table_key, key_text})) {
      errors_.push_back({static_cast<uint64_t>(node.source().begin.line),
                         core::Cat("unknown key '", key_text, "' in ", shown_as)});
    }
  }
}

absl::Status TomlReader::Finish() {
  if (root_ != nullptr) {
    for (const auto& [name, node] : *root_) {
      const std::string table(std::string_view(name.str()));
      if (node.is_array() && keys_.contains({"", table})) continue;  // [[logs]]
      if (!tables_.contains(table) || !node.is_table()) {
        errors_.push_back({static_cast<uint64_t>(node.source().begin.line),
                           core::Cat("unknown table [", table, "]")});
        continue;
      }
      CheckKeys(*node.as_table(), core::Cat("[", table, "]"), table);
    }
  }
  if (!errors_.empty()) {
    const Error& first =
        *std::min_element(errors_.begin(), errors_.end(),
                          [](const Error& a, const Error& b) { return a.line < b.line; });
    return core::InvalidInput(core::Cat(source_name_, ":", first.line, ": ", first.message));
  }
  if (!rules_.empty()) return core::InvalidInput(core::Cat(source_name_, ": ", rules_.front()));
  return absl::OkStatus();
}

}  // namespace coastguard::config
