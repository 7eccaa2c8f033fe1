#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "policy/engine.h"

namespace coastguard::policy {

// Read-only views of engine state for operators (GET /v1/entities/..., GET /v1/blocks).
nlohmann::json BlockJson(const BlockKey& key, const Block& block, Timestamp now);
nlohmann::json VerdictJson(const core::Verdict& verdict);
nlohmann::json ExplainIp(const Engine& engine, const core::IpAddress& ip, Timestamp now);
// Null when the login cannot be canonicalised.
nlohmann::json ExplainLogin(const Engine& engine, std::string_view login, Timestamp now);
nlohmann::json ServiceJson(const Engine& engine, Timestamp now);

}  // namespace coastguard::policy
