#pragma once
// HTTP basic authentication against the bcrypt hashes of a web configuration's basic_auth_users.

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace twikit {

/// Whether `password` matches the bcrypt (or other crypt(3)) `hash`.
bool password_matches(const std::string& hash, const std::string& password);

/// Checks Authorization headers against user name → bcrypt hash. Verified credentials are remembered
/// (bcrypt is slow on purpose; at most 1,000 are kept). Thread-safe; copy and move are deleted.
class BasicAuthenticator {
 public:
  /// Accepts the users of `users` (name → bcrypt hash); with none, every request is allowed.
  explicit BasicAuthenticator(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  BasicAuthenticator(const BasicAuthenticator&) = delete;
  BasicAuthenticator& operator=(const BasicAuthenticator&) = delete;

  /// Whether any user is configured.
  bool enabled() const { return !users_.empty(); }
  /// Whether a request with this Authorization header value may proceed.
  bool allows(const std::string& authorization) const;

 private:
  std::map<std::string, std::string> users_;
  mutable std::mutex mu_;
  mutable std::set<std::string> verified_;  // "user\npassword", guarded by mu_
};

}  // namespace twikit
