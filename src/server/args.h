#pragma once

#include <string>
#include <vector>

namespace coastguard::server {

// Command-line arguments of one subcommand: flags, "--name value" / "--name=value" options
// and positionals. Small on purpose; each subcommand prints its own usage.
class Args {
 public:
  Args(int argc, char** argv) : raw_(argv + 1, argv + argc) {}

  bool Flag(const std::string& name) {
    for (size_t i = 0; i < raw_.size(); ++i) {
      if (raw_[i] == name) {
        raw_.erase(raw_.begin() + static_cast<long>(i));
        return true;
      }
    }
    return false;
  }

  std::string Value(const std::string& name) {
    for (size_t i = 0; i < raw_.size(); ++i) {
      if (raw_[i].rfind(name + "=", 0) == 0) {
        std::string v = raw_[i].substr(name.size() + 1);
        raw_.erase(raw_.begin() + static_cast<long>(i));
        return v;
      }
      if (raw_[i] == name) {
        if (i + 1 >= raw_.size()) {
          error_ = name + " needs a value";
          return "";
        }
        std::string v = raw_[i + 1];
        raw_.erase(raw_.begin() + static_cast<long>(i), raw_.begin() + static_cast<long>(i) + 2);
        return v;
      }
    }
    return "";
  }

  // What is left once flags and options are taken; an unknown "--x" is an error.
  const std::vector<std::string>& positional() {
    for (const std::string& a : raw_) {
      if (a.size() > 1 && a[0] == '-' && error_.empty()) error_ = "unknown option " + a;
    }
    return raw_;
  }
  const std::string& error() const { return error_; }

 private:
  std::vector<std::string> raw_;
  std::string error_;
};

}  // namespace coastguard::server
