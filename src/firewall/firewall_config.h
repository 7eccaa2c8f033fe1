#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/text.h"

namespace coastguard::firewall {

// [firewall]: blocked sources kept in nftables sets, dropped before they reach a server.
struct FirewallConfig {
  bool nftables = false;
  std::string table = "coastguard";
  std::vector<uint16_t> ports;  // TCP ports to drop on; empty: all traffic from the source
  bool remove_at_stop = true;
  size_t max_networks = 1'000'000;
};

template <typename V>
void DescribeSettings(V& v, FirewallConfig& c) {
  v.Table("firewall");
  v.Boolean("nftables", c.nftables);
  v.Text("table", c.table);
  v.List("ports", [&c](const std::string& text) -> absl::Status {
    int port = 0;
    for (const char ch : text) {
      if (ch < '0' || ch > '9' || port > 65535) return core::InvalidInput("ports are 1-65535");
      port = port * 10 + (ch - '0');
    }
    if (port < 1 || port > 65535) return core::InvalidInput("ports are 1-65535");
    c.ports.push_back(static_cast<uint16_t>(port));
    return absl::OkStatus();
  });
  v.Boolean("remove_at_stop", c.remove_at_stop);
  v.Integer("max_networks", c.max_networks, 16, 100'000'000);
  v.Require(!c.table.empty() && c.table.find_first_not_of(
                                    "abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos,
            "firewall.table must be lower-case letters, digits and _");
}

}  // namespace coastguard::firewall
