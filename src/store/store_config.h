#pragma once

#include <string>

namespace coastguard::store {

// Where state lives ([server] data_dir).
struct StoreConfig {
  std::string data_dir = "/var/lib/coastguard";
};

template <typename V>
void DescribeSettings(V& v, StoreConfig& c) {
  v.Table("server");
  v.Text("data_dir", c.data_dir);
}

}  // namespace coastguard::store
