#include "common/flags.h"

#include <stdexcept>

namespace twikit {

FlagSet::FlagSet(std::string program, std::string description)
    : program_(std::move(program)), description_(std::move(description)) {}

void FlagSet::add_string(const std::string& name, std::string default_value, std::string help) {
  flags_[name] = Flag{std::move(default_value), std::move(help), false, false};
  order_.push_back(name);
}

void FlagSet::add_bool(const std::string& name, bool default_value, std::string help) {
  flags_[name] = Flag{default_value ? "true" : "false", std::move(help), true, false};
  order_.push_back(name);
}

std::optional<std::string> FlagSet::parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") {
      for (++i; i < argc; ++i) args_.emplace_back(argv[i]);
      break;
    }
    if (word.rfind("--", 0) != 0 || word.size() == 2) {
      args_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto it = flags_.find(name);
    if (it == flags_.end() && name.rfind("no-", 0) == 0) {
      auto neg = flags_.find(name.substr(3));
      if (neg != flags_.end() && neg->second.is_bool && !value) {
        neg->second.value = "false";
        neg->second.set = true;
        continue;
      }
    }
    if (it == flags_.end()) return "unknown long flag '--" + name + "'";
    Flag& flag = it->second;
    if (flag.is_bool) {
      if (value && *value != "true" && *value != "false") {
        return "flag '--" + name + "' expects true or false, got '" + *value + "'";
      }
      flag.value = value.value_or("true");
    } else if (value) {
      flag.value = *value;
    } else if (i + 1 < argc) {
      flag.value = argv[++i];
    } else {
      return "expected argument for flag '--" + name + "'";
    }
    flag.set = true;
  }
  return std::nullopt;
}

const std::string& FlagSet::get(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) throw std::logic_error("undeclared flag " + name);
  return it->second.value;
}

bool FlagSet::get_bool(const std::string& name) const { return get(name) == "true"; }

bool FlagSet::was_set(const std::string& name) const {
  auto it = flags_.find(name);
  return it != flags_.end() && it->second.set;
}

std::string FlagSet::usage() const {
  std::string out = "usage: " + program_ + " [<flags>]\n\n" + description_ + "\n\nFlags:\n";
  for (const auto& name : order_) {
    const Flag& f = flags_.at(name);
    std::string left = f.is_bool ? "  --[no-]" + name : "  --" + name + "=" + (f.value.empty() ? "\"\"" : f.value);
    if (left.size() < 40) left.resize(40, ' ');
    out += left + " " + f.help + "\n";
  }
  return out;
}

}  // namespace twikit
