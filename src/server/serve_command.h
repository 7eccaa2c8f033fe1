#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace coastguard::server {

// The configuration serve runs on: the file (or the embedded defaults), then the flags.
absl::StatusOr<config::Config> LoadServeConfig(const std::string& config_path,
                                               const std::string& listen,
                                               const std::string& data_dir);

// `coastguard serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--demo DIR]`
int ServeCommand(int argc, char** argv);

}  // namespace coastguard::server
