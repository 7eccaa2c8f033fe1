#include "config/config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "config/toml_reader.h"
#include "core/text.h"

namespace coastguard::config {

using core::Duration;

absl::StatusOr<Duration> ParseDuration(std::string_view text) {
  if (text.empty() || text.size() > 32) return absl::InvalidArgumentError("bad duration");
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) {
    return core::InvalidInput(core::Cat("bad duration '", text, "'"));
  }
  const std::string_view unit(end, text.data() + text.size() - end);
  Duration scale;
  if (unit.empty() || unit == "s")
    scale = core::kSecond;
  else if (unit == "ms")
    scale = core::kMillisecond;
  else if (unit == "m")
    scale = core::kMinute;
  else if (unit == "h")
    scale = core::kHour;
  else if (unit == "d")
    scale = core::kDay;
  else
    return core::InvalidInput(core::Cat("bad duration unit in '", text, "'"));
  if (value > (int64_t{1} << 62) / scale) return absl::InvalidArgumentError("duration too long");
  return value * scale;
}

absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(core::Cat(
        source_name, ":", static_cast<uint64_t>(e.source().begin.line), ": ", e.description()));
  }
  Config config;
  TomlReader reader(root, source_name);
  DescribeSettings(reader, config);
  if (absl::Status s = reader.Finish(); !s.ok()) return s;
  // A declared bulk sender is an application that sends and never reads; the auth guard lets
  // its refused device return by sending alone.
  for (const auto& [login, limits] : config.outbound.bulk_accounts) {
    config.engine.sending_applications.push_back(login);
  }
  return config;
}

absl::StatusOr<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(core::Cat(path, ": cannot open config file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), path);
}

}  // namespace coastguard::config
