#pragma once
// The managed directory: which rule files the API may write, where each group's file is, and rule ids.
//
// Layout: `<dir>/<group>.yml` holds a group's enabled rules (loaded by alertd: the config adds
// `<dir>/*.yml` to rule_files), `<dir>/disabled/<group>.yml` its disabled ones (a valid rule file too, but
// outside that glob, so never evaluated), `<dir>/history.db` the change log. A group name that is not a
// safe file name is written as its safe characters plus a hash.

#include <string>
#include <vector>

#include "alertd/rules/rule_file.h"

namespace twikit::rules_api {

/// Paths and reading of the managed directory. Holds no state beyond the path; thread-safe.
class RuleStore {
 public:
  /// A store over `managed_dir` (created on the first write).
  explicit RuleStore(std::string managed_dir);

  /// The managed directory as given.
  const std::string& dir() const { return dir_; }
  /// Where the disabled rules are kept: `<dir>/disabled`.
  std::string disabled_dir() const;
  /// The change-log database: `<dir>/history.db`.
  std::string history_path() const;

  /// Whether `path` is a loaded rule file the API may edit: directly inside the managed directory.
  bool is_managed(const std::string& path) const;

  /// The `*.yml` files directly inside the managed directory (`disabled` false) or its `disabled/`
  /// directory, sorted, each parsed and validated as `alertd check rules` does.
  std::vector<rules::RuleFile> read(bool disabled) const;

  /// The file a new group named `group` is written to.
  std::string path_for_group(const std::string& group, bool disabled) const;

 private:
  std::string dir_;
};

/// `path` absolute and lexically normal, so that two spellings of one file compare equal.
std::string normal_path(const std::string& path);

/// A 64-bit FNV-1a hash of `text` as 16 lower-case hex digits.
std::string hash_hex(const std::string& text);

/// The id of a rule in the managed directory: a hash of its group and name (and its place among rules of
/// the same group and name, from 0), so that enabling, disabling or editing it keeps the id.
std::string managed_rule_id(const std::string& group, const std::string& name, std::size_t ordinal);

/// The id of a rule in a hand-written file: a hash of the file, group and name (and ordinal).
std::string file_rule_id(const std::string& file, const std::string& group, const std::string& name,
                         std::size_t ordinal);

}  // namespace twikit::rules_api
