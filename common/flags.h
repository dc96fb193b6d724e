#pragma once
// Command-line flags in Prometheus' (kingpin) style: --name=value, --name value, --[no-]switch.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace twikit {

/// A declared set of flags and the values parsed into them. Not thread-safe; used once in main().
class FlagSet {
 public:
  /// Creates a flag set for program `program` with a one-line description for --help.
  FlagSet(std::string program, std::string description);

  /// Declares a string flag with its default and help text.
  void add_string(const std::string& name, std::string default_value, std::string help);
  /// Declares a boolean switch (--name / --no-name) with its default and help text.
  void add_bool(const std::string& name, bool default_value, std::string help);

  /// Parses argv; returns an error message, or nullopt on success. Positional words go to args().
  std::optional<std::string> parse(int argc, const char* const* argv);

  /// The value of string flag `name` (its default when not given).
  const std::string& get(const std::string& name) const;
  /// The value of boolean flag `name`.
  bool get_bool(const std::string& name) const;
  /// Whether flag `name` was given on the command line.
  bool was_set(const std::string& name) const;
  /// The positional arguments, in order.
  const std::vector<std::string>& args() const { return args_; }
  /// The --help text.
  std::string usage() const;

 private:
  struct Flag {
    std::string value;
    std::string help;
    bool is_bool = false;
    bool set = false;
  };
  std::string program_;
  std::string description_;
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;
  std::vector<std::string> args_;
};

}  // namespace twikit
