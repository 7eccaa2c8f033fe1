#pragma once

#include <string>

#include "core/time.h"

namespace coastguard::store {

// Where state lives ([server] data_dir).
struct StoreConfig {
  std::string data_dir = "/var/lib/coastguard";
  // How often the state (and the outbound counters, which are not journaled) is snapshotted.
  core::Duration snapshot_interval = 5 * core::kMinute;
};

template <typename V>
void DescribeSettings(V& v, StoreConfig& c) {
  v.Table("server");
  v.Text("data_dir", c.data_dir);
  v.Duration("snapshot_interval", c.snapshot_interval, 10 * core::kSecond);
}

}  // namespace coastguard::store
